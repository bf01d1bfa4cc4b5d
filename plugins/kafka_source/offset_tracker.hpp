// Which offsets of each partition may be committed: a message's offset counts as done once
// the core acknowledged it (every sink has it) or it went to the dead-letter place. The commit
// point of a partition only moves over a contiguous run of done offsets, so a commit never
// covers a message that some sink still lacks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace watchpost::kafka {

class OffsetTracker {
 public:
  struct Position {
    std::string topic;
    int32_t partition;
    int64_t offset;  // the next offset to consume: what Kafka's commit means
  };

  // Registers a consumed message; returns its ack token (never 0).
  uint64_t track(const std::string& topic, int32_t partition, int64_t offset);
  // Takes back the message just tracked (it will be consumed again): as if never tracked.
  void untrack(uint64_t token);
  // Marks a token done. Unknown tokens (e.g. of a revoked partition) are ignored.
  void done(uint64_t token);
  // Commit points that moved since the last call.
  std::vector<Position> take_commits();
  // Forgets a partition (revoked): its in-flight tokens become unknown.
  void forget(const std::string& topic, int32_t partition);
  void forget_all();
  size_t in_flight() const { return tokens_.size(); }

 private:
  struct PartitionState {
    std::map<int64_t, bool> offsets;  // consumed, in order -> done?
    int64_t committable = -1;         // next offset to commit, -1 none yet
    bool moved = false;
  };
  using Key = std::pair<std::string, int32_t>;
  struct KeyHash {
    size_t operator()(const Key& k) const { return std::hash<std::string>()(k.first) * 31 + k.second; }
  };
  std::unordered_map<Key, PartitionState, KeyHash> partitions_;
  std::unordered_map<uint64_t, std::pair<Key, int64_t>> tokens_;
  uint64_t next_token_ = 1;
};

}  // namespace watchpost::kafka
