// How many checks a pipeline may have in flight right now: at most its configured
// concurrency, less while the node is overloaded. A node that starts more checks than its CPU
// can finish makes them all time out, and then blames healthy sites; so the limit grows only
// while checks are being held back by it and stay quick, and halves when checks fail through
// watchpost's own fault (error kind `probe`: a starved event loop, no file descriptors). It
// stops growing while the machine has no idle CPU and checks take twice their unloaded time:
// past that point more checks at once only queue for the CPU, and cost more each.
// Slots that wait past their turn are skipped and counted by the scheduler, never replayed.
// Additive increase, multiplicative decrease, with a slow start; one decision per window.
#pragma once

#include <cstdint>

namespace watchpost {

class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(int64_t configured, int64_t start = 64, int64_t floor = 4);

  int64_t value() const { return limit_; }
  // A check finished: how long it took, and whether it failed through watchpost's fault.
  void on_finished(int64_t duration_us, bool our_fault);
  // Work was due but the limit held it back.
  void on_held_back() { held_back_ = true; }
  // Ends a window (about a second), in which the machine may have had (almost) no idle CPU:
  // returns whether the limit changed.
  bool end_window(bool cpu_saturated = false);

 private:
  int64_t configured_, floor_, limit_;
  bool slow_start_ = true;
  bool held_back_ = false;
  int64_t our_faults_ = 0, finished_ = 0, duration_sum_us_ = 0;
  int64_t baseline_us_ = 0;  // about the quickest recent window average: checks on an unloaded node
};

}  // namespace watchpost
