// libFuzzer target: arbitrary bytes as a Kafka message. The decoder must reject or accept
// without crashing, and whatever it accepts must survive encode -> decode unchanged.
#include "results/result.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  watchpost::Result r;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (!watchpost::decode_result_json(in, r).empty()) return 0;
  std::string once, twice;
  watchpost::ResultViews v1(r);
  watchpost::append_result_json(once, *v1.data());
  watchpost::Result back;
  if (!watchpost::decode_result_json(once, back).empty()) std::abort();  // we rejected our own output
  watchpost::ResultViews v2(back);
  watchpost::append_result_json(twice, *v2.data());
  if (once != twice) std::abort();  // encode/decode lost or changed something
  return 0;
}
