#include "loop_lag.hpp"

#include <algorithm>

namespace watchpost::http {

LoopLag::LoopLag(boost::asio::io_context& io) : timer_(io) {}

void LoopLag::start() {
  stopped_ = false;
  due_ = Clock::now() + kPeriod;
  arm();
}

void LoopLag::stop() {
  stopped_ = true;
  timer_.cancel();
}

void LoopLag::arm() {
  timer_.expires_at(due_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    auto now = Clock::now();
    ring_[next_ % ring_.size()] = {now, std::chrono::duration_cast<std::chrono::milliseconds>(now - due_).count()};
    ++next_;
    // The next tick counts from now: a long stall is one large sample, not a burst of them.
    due_ = now + kPeriod;
    arm();
  });
}

int64_t LoopLag::max_since(Clock::time_point since) const {
  int64_t worst = 0;
  size_t n = std::min(next_, ring_.size());
  for (size_t i = 0; i < n; ++i) {
    const Sample& s = ring_[(next_ - 1 - i) % ring_.size()];
    if (s.at < since) break;  // newest first: the rest are older still
    worst = std::max(worst, s.lag_ms);
  }
  // A stall still going on has no sample yet: count how overdue the next tick is.
  if (!stopped_) worst = std::max<int64_t>(worst, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - due_).count());
  return worst;
}

}  // namespace watchpost::http
