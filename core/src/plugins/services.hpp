// What the host table's ABI 1.1 services run on: one worker pool where plugin work may block,
// and one timer thread. Shared by every plugin instance of the process.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace watchpost {

// Threads are added while work waits and every thread is busy, up to `max_threads`: the work
// is I/O that blocks, so threads, not cores, bound how many checks run at once.
class WorkerPool {
 public:
  explicit WorkerPool(size_t max_threads = 64, size_t max_queue = 100000);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // False when the queue is full: the work will not run.
  bool submit(std::function<void()> work);
  size_t threads() const;

 private:
  void run();
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  size_t max_threads_, max_queue_;
  bool stopping_ = false;
};

class TimerService {
 public:
  TimerService();
  ~TimerService();  // pending timers never fire
  TimerService(const TimerService&) = delete;
  TimerService& operator=(const TimerService&) = delete;
  uint64_t start(std::chrono::milliseconds delay, std::function<void()> fn);
  // True when fn will not run; false when it ran or is running.
  bool cancel(uint64_t id);

 private:
  void run();
  std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<std::chrono::steady_clock::time_point, uint64_t> due_;
  std::map<uint64_t, std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> timers_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

// The process's pool and timers, made on first use.
WorkerPool& plugin_workers();
TimerService& plugin_timers();

}  // namespace watchpost
