// One sink instance on a thread of its own: a bounded queue, batching by size and time, the
// core's retry policy (capped, full-jitter backoff) for RETRY answers, and — when a spool is
// configured — a disk spool that takes what the queue cannot hold and replays it in order.
//
// A sink with write_async (ABI 1.2: kafka) is pipelined: up to `max_in_flight` batches are
// handed over before the oldest is durable, and acknowledged in the order handed over. A
// batch that fails is written again (with the same retry policy) before any later one is
// acknowledged; at a drain deadline, batches still out go back to the queue to be spooled.
//
// A batch the sink refuses for good (ERROR) is split until the results it refuses stand
// alone; only those go to the dead-letter file (one JSON line each, with the reason), the
// rest are stored. A spool whose disk refuses writes is a state: results are held in memory
// (at most queue_capacity of them, then checks are held back), the spool is tried again
// every second, and the state is logged when entered and left and shown in /healthz.
#pragma once

#include "config/config.hpp"
#include "plugins/instance.hpp"
#include "results/result.hpp"
#include "delivery/spool/spool.hpp"

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
  // False while results cannot be taken without growing memory past queue_capacity. While the
  // spool's disk refuses writes, it also retries the spool (at most once a second).
  bool has_room();
  size_t depth() const;
  // Writes what is queued until `deadline`, then stops the thread. What could not be written
  // by then goes to the spool (or, without one, is counted and logged as lost).
  void close(std::chrono::steady_clock::time_point deadline);
  // Moves the deadline to now (thread-safe): a close in progress stops retrying and spools.
  void hurry();
  const std::string& name() const { return instance_->name(); }
  // Where dead letters go: config's `dead_letter`, else the spool folder's dead-letter.jsonl,
  // else (no spool) only the log and watchpost_sink_dead_lettered_total.
  const std::string& dead_letter_path() const { return dead_letter_path_; }

 private:
  // A batch handed to a pipelined sink, oldest first in window_.
  struct InFlight {
    uint64_t token = 0;
    std::vector<ResultPtr> batch;
    int status = -1;  // -1 while out; then WP_OK / WP_RETRY / WP_ERROR
    std::string error;
  };
  static void on_batch_done(void* ctx, uint64_t token, int status, const wp_error* error);

  void run();
  // Returns false when it gave up because the deadline passed.
  // `isolating`: a part of a batch the sink refused, being split to find what it refuses.
  bool write_with_retry(const std::vector<ResultPtr>& batch, bool isolating = false);
  // One attempt: WP_OK, WP_RETRY, WP_ERROR, or kGaveUp when the drain deadline passed while
  // a pipelined sink still held the batch.
  int write_once(const std::vector<ResultPtr>& batch, wp_error& err);
  // Pipelined: hands the batch over; false when the sink did not take it.
  bool hand_over(std::vector<ResultPtr>& batch);
  // Settles the oldest batch out (written, or written again now); false: gave up at the deadline.
  bool settle(InFlight done);
  // Waits for and settles every batch out, in order; false: gave up at the deadline.
  bool settle_window();
  // Past the deadline: every batch still out goes back to the queue's front, in order.
  void requeue_window_locked(std::vector<ResultPtr> first = {});  // mu_ held
  // After a batch is written (or dead-lettered): the spool, upstream, and room for checks.
  void acknowledge(const std::vector<ResultPtr>& batch, size_t from_spool);
  void spool_locked(const std::vector<ResultPtr>& results);  // mu_ held
  std::vector<ResultPtr> take_from_spool(size_t& peeked);
  void report_spool();  // mu_ held
  std::vector<ResultPtr> spool_held_locked();  // mu_ held; returns what it spooled
  void spool_failed(const std::string& why);  // mu_ held
  void spool_recovered(size_t held);           // mu_ held
  void dead_letter(const ResultPtr& result, const std::string& reason);
  void note_failure(const std::string& cause, std::chrono::milliseconds next_try);
  void note_success();

  std::unique_ptr<SinkInstance> instance_;
  SinkConfig config_;
  std::string pipeline_;
  std::function<void()> on_room_;
  WrittenFn on_written_;
  std::shared_ptr<Spool> spool_;
  uint64_t spool_reader_ = 0;
  uint64_t spool_dropped_seen_ = 0;
  std::string label_;
  // Built once: push() sets these for every result, and a name per call cost an allocation.
  struct {
    std::string queue_depth, held_in_memory, spool_appended, spool_records, spool_bytes, batches_in_flight;
  } names_;
  std::string dead_letter_path_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ResultPtr> queue_;
  std::deque<ResultPtr> held_;  // newer than the spool's records, kept while its disk refuses them
  decltype(wp_sink_api::write_async) write_async_ = nullptr;
  size_t max_in_flight_ = 1;
  std::deque<InFlight> window_;  // batches a pipelined sink holds, oldest first
  uint64_t next_token_ = 1;
  std::chrono::steady_clock::time_point fill_until_{};  // set while a batch is being filled
  bool spool_failing_ = false;
  std::chrono::steady_clock::time_point spool_failing_since_;
  std::chrono::steady_clock::time_point spool_retry_at_;
  std::string health_key_;
  // The sink's own state, for the log and /healthz: failing from the first RETRY until a write
  // succeeds. Touched by the sink thread only.
  bool failing_ = false;
  std::chrono::steady_clock::time_point failing_since_, failing_reminded_;
  std::string failing_cause_;
  uint64_t failing_retries_ = 0;
  // Dead letters are logged one line each, at most kDeadLetterLines a minute.
  std::chrono::steady_clock::time_point dead_letter_window_;
  int dead_letter_lines_ = 0;
  uint64_t dead_letter_unlogged_ = 0;
  bool closing_ = false;
  bool was_full_ = false;
  bool spooling_ = false;  // once results go to the spool, later ones follow until it drains
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::thread thread_;
};

}  // namespace watchpost
