// One result as the fields of a COPY row, in the column order of kCopyColumns. NULL is a
// null pointer; libpqxx's stream_to does the COPY text escaping.
#pragma once

#include "text_row.hpp"

#include <watchpost/plugin_api.h>

#include <string>
#include <vector>

namespace watchpost::pg {

extern const char* const kCopyColumns;  // "result_id, scheduled_at, ..."
inline constexpr size_t kCopyColumnCount = 27;
inline constexpr size_t kCopyInMaintenance = 25;  // its index in kCopyColumns

// "a, b, c" as {"a", "b", "c"}: the column list libpqxx's stream_to takes.
std::vector<std::string> column_list(const char* columns);

using CopyRow = TextRow<kCopyColumnCount>;

void fill_copy_row(CopyRow& row, const wp_result& r);

// Microseconds since the epoch as "2026-11-21 13:37:43.057000+00".
std::string timestamp_text(int64_t us);
inline constexpr size_t kTimestampTextMax = 64;
size_t timestamp_chars(char (&buf)[kTimestampTextMax], int64_t us);  // the same, into buf; its length

}  // namespace watchpost::pg
