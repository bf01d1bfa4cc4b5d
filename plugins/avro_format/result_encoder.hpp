// Encodes results as Avro binary datums of the current result schema (result_schema.hpp) with
// libavro. One encoder per thread: it reuses one value and one buffer for every result.
#pragma once

#include "avro_handles.hpp"

#include <watchpost/plugin_api.h>

#include <string>

namespace watchpost::avro {

class ResultEncoder {
 public:
  ResultEncoder();
  // Appends the datum of `result` to `out`. Text that is not well-formed UTF-8 is written with
  // U+FFFD in place of the bad bytes, as in the JSON form.
  void encode(const wp_result& result, std::string& out);

 private:
  void set_text(avro_value_t* field, wp_str text);
  void set_optional_text(avro_value_t* field, wp_str text);

  SchemaPtr schema_;
  GenericValue value_;
  WriterPtr writer_;
  std::string buffer_;
  std::string text_;  // NUL-terminated copy for libavro, which wants C strings
};

}  // namespace watchpost::avro
