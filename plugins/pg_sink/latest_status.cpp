#include "latest_status.hpp"

#include "copy_row.hpp"

#include <map>

namespace watchpost::pg {

const char* const kLatestColumns =
    "pipeline, target_id, url, node, labels, outcome, http_status, total_us, error_kind, error_message, "
    "tls_days_left, scheduled_at, result_id, batch_last_up, batch_last_down, fails, had_up, in_maintenance";

namespace {

// Where each wp_latest column comes from in a CopyRow (kCopyColumns order).
constexpr size_t kFromCopy[] = {3, 4, 5, 6, 7, 8, 11, 16, 9, 10, 20, 1, 0};

struct Summary {
  size_t newest = 0;
  int64_t newest_at = INT64_MIN;
  int64_t last_up = INT64_MIN, last_down = INT64_MIN;
  std::vector<int64_t> down_at;  // to count the failures after the batch's last up
};

}  // namespace

std::vector<LatestRow> latest_per_target(const Batch& batch) {
  std::map<std::pair<std::string_view, std::string_view>, Summary> by_target;
  for (size_t i = 0; i < batch.size(); ++i) {
    const wp_result& r = batch[i];
    Summary& s = by_target[{view(r.pipeline), view(r.target_id)}];
    if (r.scheduled_at_us > s.newest_at) {
      s.newest_at = r.scheduled_at_us;
      s.newest = i;
    }
    if (r.outcome == WP_OUTCOME_UP) {
      s.last_up = std::max(s.last_up, r.scheduled_at_us);
    } else {
      s.last_down = std::max(s.last_down, r.scheduled_at_us);
      s.down_at.push_back(r.scheduled_at_us);
    }
  }
  std::vector<LatestRow> out(by_target.size());
  CopyRow copy;
  size_t k = 0;
  for (auto& [key, s] : by_target) {
    LatestRow& row = out[k++];
    fill_copy_row(copy, batch[s.newest]);
    size_t n = 0;
    for (size_t from : kFromCopy) {
      if (copy.fields[from]) row.set(n, copy.fields[from]);
      ++n;
    }
    if (s.last_up != INT64_MIN) row.set(n, timestamp_text(s.last_up));
    if (s.last_down != INT64_MIN) row.set(n + 1, timestamp_text(s.last_down));
    size_t fails = 0;
    for (int64_t at : s.down_at) fails += at > s.last_up;  // INT64_MIN when none: all count
    row.set(n + 2, std::to_string(fails));
    row.set(n + 3, s.last_up != INT64_MIN ? "t" : "f");
    row.set(n + 4, copy.fields[kCopyInMaintenance]);
  }
  return out;
}

}  // namespace watchpost::pg
