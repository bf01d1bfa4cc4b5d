// A batch summarised per target, the shape of pg_temp.wp_latest: the newest result's fields,
// the batch's last up and last down, failures since its last up, whether it had an up.
// The C++ twin of the SQL in pg_sink.cpp's idempotent path, used when every row of the batch
// is new and so the summary need not be read back from what was inserted.
#pragma once

#include "text_row.hpp"

#include <watchpost/plugin.hpp>

#include <string>
#include <vector>

namespace watchpost::pg {

extern const char* const kLatestColumns;  // "pipeline, target_id, ..., fails, had_up, in_maintenance"
inline constexpr size_t kLatestColumnCount = 18;

using LatestRow = TextRow<kLatestColumnCount>;

std::vector<LatestRow> latest_per_target(const Batch& batch);

}  // namespace watchpost::pg
