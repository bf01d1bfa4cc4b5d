// The documented JSON form of a result (docs/result-format.md), schema_version 1.
#pragma once

#include <watchpost/plugin_api.h>

#include <string>

namespace watchpost {

inline constexpr int kResultSchemaVersion = 1;

// Appends one JSON object (no newline).
void append_result_json(std::string& out, const wp_result& r);

// Writes the same object into `out` when it fits in `cap` bytes; returns its size either way
// (the host's result_to_json: a sink's buffer is written once, without a copy between).
size_t write_result_json(const wp_result& r, char* out, size_t cap);

}  // namespace watchpost
