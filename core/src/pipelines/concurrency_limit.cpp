#include "concurrency_limit.hpp"

#include <algorithm>

namespace watchpost {

ConcurrencyLimit::ConcurrencyLimit(int64_t configured, int64_t start, int64_t floor)
    : configured_(std::max<int64_t>(1, configured)),
      floor_(std::min(floor, configured_)),
      limit_(std::min(configured_, std::max(start, floor_))) {}

void ConcurrencyLimit::on_finished(int64_t duration_us, bool our_fault) {
  ++finished_;
  if (our_fault) ++our_faults_;
  if (duration_us > 0) duration_sum_us_ += duration_us;
}

bool ConcurrencyLimit::end_window(bool cpu_saturated) {
  int64_t before = limit_;
  int64_t average = finished_ ? duration_sum_us_ / finished_ : 0;
  // The baseline follows a lasting rise by a fifth a window, so a new mix of slower targets
  // holds growth back for seconds, not for good; overload keeps outrunning it, and the
  // timeouts it ends in halve the limit.
  // While the machine has no idle CPU the rise is ours, not the targets': the baseline stays.
  if (average > 0 && (!baseline_us_ || !cpu_saturated))
    baseline_us_ = baseline_us_ ? std::min(average, baseline_us_ + baseline_us_ / 5) : average;
  // Checks slowing to over three times their unloaded duration: more in flight only queues.
  bool slowing = baseline_us_ > 0 && average > 3 * baseline_us_ && average > 50'000;
  // No idle CPU left and checks twice as long as unloaded: half of their time is queueing for
  // our own CPU, and more at once would finish no more of them (each would only cost more).
  // Slow targets on a busy machine take mostly their own time, so the limit grows for them.
  bool crowded = cpu_saturated && baseline_us_ > 0 && average > 2 * baseline_us_;
  if (our_faults_ > 0) {
    limit_ = std::max(floor_, limit_ / 2);
    slow_start_ = false;
  } else if (held_back_ && !slowing && !crowded) {
    limit_ = std::min(configured_, slow_start_ ? limit_ * 2 : limit_ + std::max<int64_t>(1, limit_ / 10));
  } else if (held_back_) {
    slow_start_ = false;
  }
  held_back_ = false;
  our_faults_ = finished_ = duration_sum_us_ = 0;
  return limit_ != before;
}

}  // namespace watchpost
