#include "offset_tracker.hpp"

namespace watchpost::kafka {

uint64_t OffsetTracker::track(const std::string& topic, int32_t partition, int64_t offset) {
  Key key{topic, partition};
  partitions_[key].offsets.emplace(offset, false);
  uint64_t token = next_token_++;
  tokens_.emplace(token, std::make_pair(key, offset));
  return token;
}

void OffsetTracker::untrack(uint64_t token) {
  auto t = tokens_.find(token);
  if (t == tokens_.end()) return;
  auto p = partitions_.find(t->second.first);
  if (p != partitions_.end()) p->second.offsets.erase(t->second.second);
  tokens_.erase(t);
}

void OffsetTracker::done(uint64_t token) {
  auto t = tokens_.find(token);
  if (t == tokens_.end()) return;
  auto p = partitions_.find(t->second.first);
  if (p != partitions_.end()) {
    PartitionState& s = p->second;
    auto o = s.offsets.find(t->second.second);
    if (o != s.offsets.end()) o->second = true;
    while (!s.offsets.empty() && s.offsets.begin()->second) {
      s.committable = s.offsets.begin()->first + 1;
      s.moved = true;
      s.offsets.erase(s.offsets.begin());
    }
  }
  tokens_.erase(t);
}

std::vector<OffsetTracker::Position> OffsetTracker::take_commits() {
  std::vector<Position> out;
  for (auto& [key, s] : partitions_) {
    if (!s.moved) continue;
    s.moved = false;
    out.push_back({key.first, key.second, s.committable});
  }
  return out;
}

void OffsetTracker::forget(const std::string& topic, int32_t partition) {
  Key key{topic, partition};
  partitions_.erase(key);
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    if (it->second.first == key) it = tokens_.erase(it);
    else ++it;
  }
}

void OffsetTracker::forget_all() {
  partitions_.clear();
  tokens_.clear();
}

}  // namespace watchpost::kafka
