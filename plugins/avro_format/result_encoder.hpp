// Encodes results as Avro binary datums of the current result schema (result_schema.hpp).
//
// Written out for this one schema rather than through libavro's generic values: those cost
// 1.6 times the JSON encoder's time per result (bench/sink_bench, "Avro encoding"), and the
// issue's bar is "smaller and no slower". The bytes are the ones libavro writes for the same
// record (tests/unit/avro_codec_test.cpp compares them), and both libavro and Apache Avro's
// Python library read them (tests/integration/kafka_avro_test.cpp).
#pragma once

#include <watchpost/plugin_api.h>

#include <memory>
#include <string>
#include <string_view>

namespace watchpost::avro {

class ResultEncoder {
 public:
  // Appends the datum of `result` to `out`. Text that is not well-formed UTF-8 (or holds NUL) is
  // written with U+FFFD in place of the bad bytes, as in the JSON form.
  void encode(const wp_result& result, std::string& out);

 private:
  char* text(char* p, std::string_view s);  // room: three bytes a byte of `s`, plus ten
  std::string repaired_;  // reused for the rare text that needs repair
  std::unique_ptr<char[]> scratch_;  // a datum is written here first, sized by its bound
  size_t scratch_size_ = 0;
};

}  // namespace watchpost::avro
