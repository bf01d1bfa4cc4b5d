// The documented JSON form of a result (docs/result-format.md), schema_version 1.
#pragma once

#include <watchpost/plugin_api.h>

#include <string>

namespace watchpost {

inline constexpr int kResultSchemaVersion = 1;

// Appends one JSON object (no newline).
void append_result_json(std::string& out, const wp_result& r);

}  // namespace watchpost
