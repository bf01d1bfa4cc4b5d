// One sink instance on a thread of its own: a bounded queue, batching by size and time, and
// the core's retry policy (capped, full-jitter backoff) for RETRY answers.
#pragma once

#include "config.hpp"
#include "instance.hpp"
#include "result.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace watchpost {

class SinkWorker {
 public:
  // Called from the sink thread once a batch is settled: written (OK) or refused for good
  // (ERROR, counted). Sources use it to acknowledge upstream.
  using WrittenFn = std::function<void(const std::vector<ResultPtr>&)>;

  // `on_room` is called (from the sink thread) when a full queue has room again.
  SinkWorker(std::unique_ptr<SinkInstance> instance, const SinkConfig& config, std::string pipeline,
             std::function<void()> on_room, WrittenFn on_written = {});
  ~SinkWorker();

  void start();
  // Never drops: the caller holds back new checks while has_room() is false.
  void push(ResultPtr result);
  bool has_room() const;
  size_t depth() const;
  // Writes what is queued until `deadline`, then stops the thread. What could not be written
  // by then is counted and logged.
  void close(std::chrono::steady_clock::time_point deadline);
  const std::string& name() const { return instance_->name(); }

 private:
  void run();
  // Returns false when it gave up because the deadline passed.
  bool write_with_retry(const std::vector<ResultPtr>& batch);

  std::unique_ptr<SinkInstance> instance_;
  SinkConfig config_;
  std::string pipeline_;
  std::function<void()> on_room_;
  WrittenFn on_written_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ResultPtr> queue_;
  bool closing_ = false;
  bool was_full_ = false;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::thread thread_;
};

}  // namespace watchpost
