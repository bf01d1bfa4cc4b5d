#include "scheduler.hpp"

#include <algorithm>
#include <climits>

namespace watchpost {

uint64_t phase_hash(std::string_view id) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a, then a final mix for low-bit quality
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

int64_t Scheduler::first_slot_after(int64_t now_ms, int64_t interval_ms, int64_t phase_ms) {
  int64_t k = (now_ms - phase_ms) / interval_ms;
  int64_t slot = k * interval_ms + phase_ms;
  while (slot <= now_ms) slot += interval_ms;
  return slot;
}

void Scheduler::add(uint32_t target, int64_t interval_ms, uint64_t phase_seed, int64_t now_ms) {
  if (target >= slots_.size()) slots_.resize(static_cast<size_t>(target) + 1);
  Slot& s = slots_[target];
  if (s.interval_ms == 0) ++live_;
  s.interval_ms = static_cast<uint32_t>(interval_ms);
  ++s.generation;  // an entry queued before is stale from now on
  int64_t phase = static_cast<int64_t>(phase_seed % static_cast<uint64_t>(interval_ms));
  heap_.push_back({first_slot_after(now_ms, interval_ms, phase), target, s.generation});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

void Scheduler::remove(uint32_t target) {
  if (!contains(target)) return;
  Slot& s = slots_[target];
  s.interval_ms = 0;
  ++s.generation;
  --live_;
  drop_stale_top();
}

void Scheduler::drop_stale_top() {
  while (!heap_.empty() && stale(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
  // Many removals leave many stale entries deep in the heap: rebuild once they are the most.
  if (heap_.size() > 1024 && heap_.size() > 2 * live_) {
    heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [this](const Entry& e) { return stale(e); }), heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), later);
  }
}

int64_t Scheduler::next_due_ms() const { return heap_.empty() ? INT64_MAX : heap_.front().due_ms; }

bool Scheduler::pop_due(int64_t now_ms, Due& out) {
  drop_stale_top();
  if (heap_.empty() || heap_.front().due_ms > now_ms) return false;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Entry& e = heap_.back();
  int64_t interval = slots_[e.target].interval_ms;
  int64_t lateness = now_ms - e.due_ms;
  uint64_t skipped = static_cast<uint64_t>(lateness / interval);
  // Run once for the latest slot that has passed; the ones before it are skipped, not replayed.
  int64_t slot = e.due_ms + static_cast<int64_t>(skipped) * interval;
  out = Due{e.target, slot, now_ms - slot, skipped};
  e.due_ms = slot + interval;
  std::push_heap(heap_.begin(), heap_.end(), later);
  return true;
}

}  // namespace watchpost
