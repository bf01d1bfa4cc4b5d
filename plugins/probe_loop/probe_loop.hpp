// The event loop a socket probe runs on: one Asio io_context on one thread, and the list of
// checks in flight, so that destroying the probe reports every one of them (cancelled)
// before it returns, as the ABI requires. Shared by the tcp, dns and icmp probes.
#pragma once

#include <watchpost/plugin.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <thread>

namespace watchpost::probe_loop {

using Clock = std::chrono::steady_clock;

inline int64_t us_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count();
}

// One check in flight. A probe derives its own with its sockets and timers.
struct Flight {
  Flight(Completion d, uint32_t timeout) : done(std::move(d)), timeout_ms(timeout) {}
  virtual ~Flight() = default;
  // Cancel timers and close sockets; handlers still pending then find `reported` set.
  virtual void close() = 0;

  Completion done;
  uint32_t timeout_ms;
  Clock::time_point started = Clock::now(), phase = started;
  Report report;
  bool reported = false;
  std::list<std::shared_ptr<Flight>>::iterator slot;
};

class Loop {
 public:
  Loop();
  ~Loop();  // reports every flight still open as cancelled, then stops the thread
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  boost::asio::io_context& io() { return io_; }
  // Runs on the loop when it shuts down, after the flights are cancelled: close what keeps
  // the loop busy beyond them (a socket shared by every check). Declare the Loop after what
  // this touches, so it is destroyed first.
  void on_shutdown(std::function<void()> fn) { on_shutdown_ = std::move(fn); }

  // Any thread: runs `begin` on the loop with the flight registered (or reports it cancelled
  // when the loop is closing).
  void start(std::shared_ptr<Flight> flight, std::function<void()> begin);
  // On the loop: reports the flight once with what its report says, and forgets it.
  void finish(const std::shared_ptr<Flight>& f);
  void up(const std::shared_ptr<Flight>& f);
  void fail(const std::shared_ptr<Flight>& f, int32_t kind, const std::string& message);

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::list<std::shared_ptr<Flight>> flights_;
  bool closing_ = false;  // loop thread only
  std::function<void()> on_shutdown_;
  std::thread thread_;
};

}  // namespace watchpost::probe_loop
