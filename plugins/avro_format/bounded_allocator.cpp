#include "avro_handles.hpp"

#include <cstdlib>
#include <mutex>

namespace watchpost::avro {
namespace {

constexpr size_t kLargestBlock = 64 * 1024 * 1024;

void* bounded(void*, void* ptr, size_t, size_t size) {
  if (size == 0) {
    std::free(ptr);
    return nullptr;
  }
  if (size > kLargestBlock) return nullptr;
  return std::realloc(ptr, size);
}

}  // namespace

void bound_libavro_allocations() {
  static std::once_flag once;
  std::call_once(once, [] { avro_set_allocator(&bounded, nullptr); });
}

}  // namespace watchpost::avro
