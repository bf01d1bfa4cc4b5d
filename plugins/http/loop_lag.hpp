// How late an event loop runs: a timer every 50 ms notes how long after its due time it ran.
// A loop with more work than CPU answers its sockets late; a check that timed out while its
// loop ran that late was starved by watchpost, not failed by the site. Loop thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>

namespace watchpost::http {

class LoopLag {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoopLag(boost::asio::io_context& io);
  void start();
  void stop();
  // The largest lag seen since `since` (the last minute at most), in milliseconds.
  int64_t max_since(Clock::time_point since) const;

 private:
  void arm();
  static constexpr auto kPeriod = std::chrono::milliseconds(50);
  struct Sample {
    Clock::time_point at;
    int64_t lag_ms;
  };
  boost::asio::steady_timer timer_;
  Clock::time_point due_;
  std::array<Sample, 1200> ring_{};  // a minute of samples
  size_t next_ = 0;
  bool stopped_ = false;
};

}  // namespace watchpost::http
