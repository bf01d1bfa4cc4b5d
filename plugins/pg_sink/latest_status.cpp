#include "latest_status.hpp"

#include "copy_row.hpp"

#include <algorithm>
#include <unordered_map>

namespace watchpost::pg {

const char* const kLatestColumns =
    "pipeline, target_id, url, node, labels, outcome, http_status, total_us, error_kind, error_message, "
    "tls_days_left, scheduled_at, result_id, batch_last_up, batch_last_down, fails, had_up, in_maintenance";

namespace {

// Where each wp_latest column comes from in a CopyRow (kCopyColumns order).
constexpr size_t kFromCopy[] = {3, 4, 5, 6, 7, 8, 11, 16, 9, 10, 20, 1, 0};

using Key = std::pair<std::string_view, std::string_view>;  // (pipeline, target_id)

struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t a = std::hash<std::string_view>()(k.first), b = std::hash<std::string_view>()(k.second);
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  }
};

struct Summary {
  Key key;
  size_t newest = 0;
  int64_t newest_at = INT64_MIN;
  int64_t last_up = INT64_MIN, last_down = INT64_MIN;
  size_t fails = 0;
};

}  // namespace

std::vector<LatestRow> latest_per_target(const Batch& batch) {
  // One hash lookup per result, then the failures after each target's last up counted in a
  // second pass over the same slots (no list of down times per target).
  std::unordered_map<Key, size_t, KeyHash> slot_of;
  slot_of.reserve(batch.size());
  std::vector<Summary> targets;
  std::vector<size_t> slot(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const wp_result& r = batch[i];
    Key key{view(r.pipeline), view(r.target_id)};
    auto [it, added] = slot_of.try_emplace(key, targets.size());
    if (added) targets.push_back(Summary{key});
    Summary& s = targets[it->second];
    slot[i] = it->second;
    if (r.scheduled_at_us > s.newest_at) {
      s.newest_at = r.scheduled_at_us;
      s.newest = i;
    }
    if (r.outcome == WP_OUTCOME_UP) s.last_up = std::max(s.last_up, r.scheduled_at_us);
    else s.last_down = std::max(s.last_down, r.scheduled_at_us);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    Summary& s = targets[slot[i]];
    if (batch[i].outcome != WP_OUTCOME_UP && batch[i].scheduled_at_us > s.last_up) ++s.fails;  // none up: all count
  }
  // In key order: concurrent writers then update the same targets in the same order and
  // cannot deadlock on each other's row locks.
  std::sort(targets.begin(), targets.end(), [](const Summary& a, const Summary& b) { return a.key < b.key; });
  std::vector<LatestRow> out(targets.size());
  CopyRow copy;
  for (size_t k = 0; k < targets.size(); ++k) {
    const Summary& s = targets[k];
    LatestRow& row = out[k];
    fill_copy_row(copy, batch[s.newest]);
    size_t n = 0;
    for (size_t from : kFromCopy) {
      if (copy.fields[from]) row.set(n, copy.fields[from]);
      ++n;
    }
    char buf[kTimestampTextMax];
    if (s.last_up != INT64_MIN) row.set(n, std::string_view(buf, timestamp_chars(buf, s.last_up)));
    if (s.last_down != INT64_MIN) row.set(n + 1, std::string_view(buf, timestamp_chars(buf, s.last_down)));
    row.set(n + 2, std::to_string(s.fails));
    row.set(n + 3, s.last_up != INT64_MIN ? "t" : "f");
    row.set(n + 4, copy.fields[kCopyInMaintenance]);
  }
  return out;
}

}  // namespace watchpost::pg
