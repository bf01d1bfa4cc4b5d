// Decodes Avro datums written with some version of the result schema into results.
//
// libavro's own resolver refuses a reader field the writer lacks, even one with a default
// (its "Reader field ... doesn't appear in writer"), so it cannot read an older version. The
// decoder therefore reads each datum with the writer's schema (libavro does the binary
// decoding) and takes the fields by name, with the current schema's defaults for the ones the
// writer lacks: Avro's resolution rules (docs/kafka.md, "Schema evolution") for this record.
// Whether a writer schema can be read at all is decided once, when the decoder is made.
#pragma once

#include "avro_handles.hpp"

#include <watchpost/plugin_api.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace watchpost::avro {

// A writer schema the current result schema cannot read; what() names the field and why.
struct IncompatibleSchema : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ResultDecoder {
 public:
  static constexpr const char* kRecord = "a result";
  // Throws std::invalid_argument (not a schema) or IncompatibleSchema.
  explicit ResultDecoder(std::string_view writer_schema_json);
  ~ResultDecoder();

  // Decodes one datum (the whole of `datum`) and calls `fn` with a view valid during the call.
  // Returns why not, or "" when `fn` was called. Bounds are those of docs/result-format.md.
  std::string decode(std::string_view datum, const std::function<void(const wp_result&)>& fn);

  struct Plan;  // where each field of the current schema is in the writer's (result_decoder.cpp)

 private:
  SchemaPtr writer_schema_;
  std::unique_ptr<Plan> plan_;
  GenericValue value_;
  ReaderPtr reader_;
  std::vector<wp_label> labels_;
  std::vector<wp_verdict_view> verdicts_;
};

}  // namespace watchpost::avro
