// One row for COPY ... FROM STDIN as C strings: NULL is a null pointer, and libpqxx's
// stream_to does the COPY text escaping. The strings live in the row, so it is reused.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace watchpost::pg {

template <size_t N>
struct TextRow {
  std::array<std::string, N> storage;
  std::array<const char*, N> fields{};  // into storage, or nullptr for NULL

  void set(size_t i, std::string_view v) {
    storage[i].assign(v.data(), v.size());
    fields[i] = storage[i].c_str();
  }
  void set_null(size_t i) { fields[i] = nullptr; }
};

}  // namespace watchpost::pg
