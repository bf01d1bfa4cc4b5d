// One sink instance on a thread of its own: a bounded queue, batching by size and time, the
// core's retry policy (capped, full-jitter backoff) for RETRY answers, and — when a spool is
// configured — a disk spool that takes what the queue cannot hold and replays it in order.
#pragma once

#include "config.hpp"
#include "instance.hpp"
#include "result.hpp"
#include "spool/spool.hpp"

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
  // Called from the sink thread once a batch is settled: written (OK), refused for good
  // (ERROR, counted), or safely in the spool. Sources use it to acknowledge upstream.
  using WrittenFn = std::function<void(const std::vector<ResultPtr>&)>;

  // `on_room` is called (from the sink thread) when a full queue has room again.
  SinkWorker(std::unique_ptr<SinkInstance> instance, const SinkConfig& config, std::string pipeline,
             std::function<void()> on_room, WrittenFn on_written = {}, std::shared_ptr<Spool> spool = nullptr);
  ~SinkWorker();

  void start();
  // Never drops: past the queue's capacity results go to the spool; without a spool the
  // caller holds back new checks while has_room() is false.
  void push(ResultPtr result);
  bool has_room() const;
  size_t depth() const;
  // Writes what is queued until `deadline`, then stops the thread. What could not be written
  // by then goes to the spool (or, without one, is counted and logged as lost).
  void close(std::chrono::steady_clock::time_point deadline);
  const std::string& name() const { return instance_->name(); }

 private:
  void run();
  // Returns false when it gave up because the deadline passed.
  bool write_with_retry(const std::vector<ResultPtr>& batch);
  void spool_locked(const std::vector<ResultPtr>& results);  // mu_ held
  std::vector<ResultPtr> take_from_spool(size_t& peeked);
  void report_spool();  // mu_ held

  std::unique_ptr<SinkInstance> instance_;
  SinkConfig config_;
  std::string pipeline_;
  std::function<void()> on_room_;
  WrittenFn on_written_;
  std::shared_ptr<Spool> spool_;
  uint64_t spool_reader_ = 0;
  uint64_t spool_dropped_seen_ = 0;
  std::string label_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ResultPtr> queue_;
  bool closing_ = false;
  bool was_full_ = false;
  bool spooling_ = false;  // once results go to the spool, later ones follow until it drains
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::thread thread_;
};

}  // namespace watchpost
