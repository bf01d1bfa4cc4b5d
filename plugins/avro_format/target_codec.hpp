// The fleet's catalogue topic in Avro (docs/avro/target-v1.avsc): a target's definition — the
// JSON mapping `watchpost targets publish` makes from a catalogue row — as a record with the
// row's columns, and back. Encoded and decoded with libavro's generic values.
#pragma once

#include "avro_handles.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace watchpost::avro {

// The target schema's JSON text, as docs/avro/target-v1.avsc has it.
const std::string& target_schema_json();

class TargetEncoder {
 public:
  TargetEncoder();
  // The datum for a definition. Throws std::invalid_argument naming a key the record cannot
  // carry (an evaluator other than the catalogue's two regex columns, a malformed duration).
  std::string encode(const std::string& definition_json);

 private:
  SchemaPtr schema_;
  GenericValue value_;
  WriterPtr writer_;
  std::string buffer_;
};

class TargetDecoder {
 public:
  static constexpr const char* kRecord = "a target";
  // Throws std::invalid_argument (not a schema) or std::runtime_error (not a target record).
  explicit TargetDecoder(std::string_view writer_schema_json);
  // Decodes one datum into the definition's JSON text (what the publisher encoded); returns
  // why not, or "" when `fn` was called with it.
  template <class Fn>
  std::string decode(std::string_view datum, Fn&& fn) {
    std::string definition;
    std::string why = decode_into(datum, definition);
    if (why.empty()) fn(definition);
    return why;
  }

 private:
  std::string decode_into(std::string_view datum, std::string& definition);
  SchemaPtr schema_;
  GenericValue value_;
  ReaderPtr reader_;
};

}  // namespace watchpost::avro
