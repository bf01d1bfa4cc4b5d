// libFuzzer target: arbitrary bytes as the Avro datum of a Kafka message (results and catalogue
// targets, docs/kafka.md). The decoders must reject or accept without crashing; a result they
// accept must survive encode -> decode unchanged.
#include "result_decoder.hpp"
#include "result_encoder.hpp"
#include "result_schema.hpp"
#include "target_codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static watchpost::avro::ResultDecoder results(watchpost::avro::result_schema_json());
  static watchpost::avro::TargetDecoder targets(watchpost::avro::target_schema_json());
  static watchpost::avro::ResultEncoder encoder;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  targets.decode(in, [](const std::string&) {});
  std::string once;
  if (!results.decode(in, [&](const wp_result& r) { encoder.encode(r, once); }).empty()) return 0;
  std::string twice;
  if (!results.decode(once, [&](const wp_result& r) { encoder.encode(r, twice); }).empty()) std::abort();
  if (once != twice) std::abort();  // encode/decode lost or changed something
  return 0;
}
