// When each target is due. Pure logic over a clock value so it is testable without waiting.
//
// Each target fires at  k * interval + phase  (wall-clock milliseconds), with the phase a hash
// of its id: a million targets spread evenly over their interval, the same target keeps its
// slot across restarts, reloads and nodes, and a stall skips the missed slots (counted) instead
// of replaying them as a storm. Storage is a binary heap of 16-byte entries.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace watchpost {

uint64_t phase_hash(std::string_view id);

class Scheduler {
 public:
  struct Due {
    uint32_t target;
    int64_t slot_ms;    // the slot this check belongs to
    int64_t lateness_ms;
    uint64_t skipped;   // whole slots missed before this one
  };

  // Adds a target whose first slot is the first one strictly after now_ms.
  void add(uint32_t target, int64_t interval_ms, uint64_t phase_seed, int64_t now_ms);
  void clear() { heap_.clear(); }
  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  // The earliest slot, or INT64_MAX.
  int64_t next_due_ms() const;
  // Pops the earliest target if due at now_ms and queues its next slot.
  bool pop_due(int64_t now_ms, Due& out);

  static int64_t first_slot_after(int64_t now_ms, int64_t interval_ms, int64_t phase_ms);

 private:
  struct Entry {
    int64_t due_ms;
    uint32_t target;
    uint32_t interval_ms;
  };
  static bool later(const Entry& a, const Entry& b) { return a.due_ms > b.due_ms; }
  std::vector<Entry> heap_;
};

}  // namespace watchpost
