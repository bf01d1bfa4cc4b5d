// Reading the JSON form of a result back (what kafka_source receives). Strict: anything the
// schema (docs/result.schema.json) rejects is rejected here, with a message saying why.
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>

namespace watchpost {

// Returns an error message, empty on success.
std::string decode_result_json(std::string_view json, Result& out);

// "2026-11-21T13:37:43.057000Z" -> microseconds since the epoch; false if malformed.
bool parse_rfc3339_us(std::string_view text, int64_t& out);

}  // namespace watchpost
