// When each target is due. Pure logic over a clock value so it is testable without waiting.
//
// Each target fires at  k * interval + phase  (wall-clock milliseconds), with the phase a hash
// of its id: a million targets spread evenly over their interval, the same target keeps its
// slot across restarts, reloads and nodes, and a stall skips the missed slots (counted) instead
// of replaying them as a storm. Storage is a binary heap of 16-byte entries plus 8 bytes a
// target; removing or changing a target is O(log n): its old entry is left in the heap with an
// outdated generation and dropped when it comes up.
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

  // Adds a target whose first slot is the first one strictly after now_ms. Adding a target
  // that is there replaces it (a new interval; the same id keeps its phase).
  void add(uint32_t target, int64_t interval_ms, uint64_t phase_seed, int64_t now_ms);
  // The target is never due again (a check of it in flight is the caller's business).
  void remove(uint32_t target);
  bool contains(uint32_t target) const { return target < slots_.size() && slots_[target].interval_ms != 0; }
  void clear() {
    heap_.clear();
    slots_.clear();
    live_ = 0;
  }
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  // The earliest slot, or INT64_MAX.
  int64_t next_due_ms() const;
  // Pops the earliest target if due at now_ms and queues its next slot.
  bool pop_due(int64_t now_ms, Due& out);

  static int64_t first_slot_after(int64_t now_ms, int64_t interval_ms, int64_t phase_ms);

 private:
  struct Entry {
    int64_t due_ms;
    uint32_t target;
    uint32_t generation;  // stale when it differs from the target's
  };
  struct Slot {
    uint32_t interval_ms = 0;  // 0: not scheduled
    uint32_t generation = 0;
  };
  static bool later(const Entry& a, const Entry& b) { return a.due_ms > b.due_ms; }
  bool stale(const Entry& e) const { return slots_[e.target].generation != e.generation; }
  void drop_stale_top();
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;  // by target
  size_t live_ = 0;
};

}  // namespace watchpost
