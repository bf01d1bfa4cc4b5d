// The Avro schema of the result record. The current version is docs/avro/result-v3.avsc,
// built into the plugins; docs/kafka.md says which changes to it are compatible.
#pragma once

#include <string>

namespace watchpost::avro {

constexpr int kResultSchemaVersion = 3;

// The current schema's JSON text, as docs/avro/result-v3.avsc has it.
const std::string& result_schema_json();

}  // namespace watchpost::avro
