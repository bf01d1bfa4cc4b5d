#include "sink_worker.hpp"

#include "observe/health.hpp"
#include "results/json_writer.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>

namespace watchpost {
namespace {

constexpr auto kSpoolRetry = std::chrono::seconds(1);
constexpr int kDeadLetterLines = 10;
constexpr int kGaveUp = -2;  // write_once: the drain deadline passed

std::string seconds_since(std::chrono::steady_clock::time_point since) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

std::string result_json(const ResultPtr& r) {
  ResultViews v(*r);
  std::string json;
  append_result_json(json, *v.data());
  return json;
}

}  // namespace

SinkWorker::SinkWorker(std::unique_ptr<SinkInstance> instance, const SinkConfig& config, std::string pipeline,
                       std::function<void()> on_room, WrittenFn on_written, std::shared_ptr<Spool> spool)
    : instance_(std::move(instance)),
      config_(config),
      pipeline_(std::move(pipeline)),
      on_room_(std::move(on_room)),
      on_written_(std::move(on_written)),
      spool_(std::move(spool)) {
  label_ = "{sink=\"" + instance_->name() + "\"}";
  names_ = {"watchpost_sink_queue_depth" + label_, "watchpost_spool_held_in_memory" + label_,
            "watchpost_spool_appended_total" + label_, "watchpost_spool_records" + label_,
            "watchpost_spool_bytes" + label_, "watchpost_sink_batches_in_flight" + label_};
  health_key_ = "sink " + instance_->name() + " spool";
  write_async_ = write_async_of(*instance_);
  max_in_flight_ = write_async_ ? static_cast<size_t>(std::max<int64_t>(1, config_.max_in_flight)) : 1;
  dead_letter_path_ = config_.dead_letter;
  if (dead_letter_path_.empty() && spool_) dead_letter_path_ = spool_->dir() + "/dead-letter.jsonl";
  if (spool_) {
    spool_reader_ = spool_->claim_reader();
    spool_dropped_seen_ = spool_->dropped();
    auto& rec = spool_->recovery();
    if (rec.truncated_bytes) {
      metrics().add("watchpost_spool_truncated_bytes_total" + label_, static_cast<double>(rec.truncated_bytes));
      log::warn(name(), "spool had a torn or corrupt tail, truncated: " + rec.note);
    }
    if (!spool_->empty()) {
      spooling_ = true;  // what waits on disk goes first; new results queue behind it
      log::info(name(), std::to_string(spool_->records()) + " spooled results will be delivered first");
    }
    report_spool();
  }
}

SinkWorker::~SinkWorker() {
  if (thread_.joinable()) close(std::chrono::steady_clock::now());
  // Before the members the sink's completions touch: destroy settles what the sink still holds.
  instance_.reset();
}

void SinkWorker::start() { thread_ = std::thread([this] { run(); }); }

void SinkWorker::spool_locked(const std::vector<ResultPtr>& results) {
  std::vector<std::string> records;
  records.reserve(results.size());
  for (auto& r : results) records.push_back(result_json(r));
  spool_->append(records);
  metrics().add(names_.spool_appended, static_cast<double>(records.size()));
}

void SinkWorker::push(ResultPtr result) {
  std::vector<ResultPtr> spooled;
  bool wake = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (spool_ && (spooling_ || static_cast<int64_t>(queue_.size()) >= config_.queue_capacity)) {
      spooling_ = true;
      held_.push_back(std::move(result));
      if (!spool_failing_ || std::chrono::steady_clock::now() >= spool_retry_at_) spooled = spool_held_locked();
      if (static_cast<int64_t>(held_.size()) >= config_.queue_capacity) was_full_ = true;
    } else {
      queue_.push_back(std::move(result));
      if (static_cast<int64_t>(queue_.size()) >= config_.queue_capacity) was_full_ = true;
      metrics().set(names_.queue_depth, static_cast<double>(queue_.size()));
      // The worker waits either for any work (the first result wakes it) or for the batch it
      // fills to be full (the result that fills it does). Waking it for every other result was
      // two futex calls and a context switch per check, for a look that changed nothing.
      wake = queue_.size() == 1 || static_cast<int64_t>(queue_.size()) >= config_.batch_size;
    }
  }
  if (!spooled.empty() && on_written_) on_written_(spooled);  // durable on disk: upstream may let go
  if (wake) cv_.notify_one();
}

std::vector<ResultPtr> SinkWorker::spool_held_locked() {  // mu_ held
  // Held results are in order (older first) and newer than the spool's: one append, in order.
  std::vector<ResultPtr> batch(held_.begin(), held_.end());
  try {
    spool_locked(batch);
    if (spool_failing_) spool_recovered(batch.size());
    held_.clear();
  } catch (const std::exception& e) {
    spool_failed(e.what());
    batch.clear();
  }
  metrics().set(names_.held_in_memory, static_cast<double>(held_.size()));
  report_spool();
  return batch;
}

void SinkWorker::spool_failed(const std::string& why) {  // mu_ held
  metrics().add("watchpost_spool_errors_total" + label_);
  spool_retry_at_ = std::chrono::steady_clock::now() + kSpoolRetry;
  if (spool_failing_) return;
  spool_failing_ = true;
  spool_failing_since_ = std::chrono::steady_clock::now();
  metrics().set("watchpost_spool_write_failing" + label_, 1);
  health().set(health_key_, "the spool cannot write: " + why);
  log::error(name(), "the spool cannot write (" + why + "): holding up to " + std::to_string(config_.queue_capacity) +
                         " results in memory, then holding back checks; trying the spool again every second");
}

void SinkWorker::spool_recovered(size_t held) {  // mu_ held
  spool_failing_ = false;
  metrics().set("watchpost_spool_write_failing" + label_, 0);
  health().clear(health_key_);
  log::info(name(), "the spool writes again after " + seconds_since(spool_failing_since_) + "; " +
                        std::to_string(held) + " results held in memory meanwhile were spooled");
}

bool SinkWorker::has_room() {
  std::vector<ResultPtr> spooled;
  bool room;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!spool_) return static_cast<int64_t>(queue_.size()) < config_.queue_capacity;
    // Checks are held back while memory is full, so no push would retry the spool: do it here.
    if (spool_failing_ && !held_.empty() && std::chrono::steady_clock::now() >= spool_retry_at_)
      spooled = spool_held_locked();
    room = !spool_failing_ || static_cast<int64_t>(held_.size()) < config_.queue_capacity;
  }
  if (!spooled.empty() && on_written_) on_written_(spooled);
  return room;
}

size_t SinkWorker::depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size() + held_.size();
}

void SinkWorker::report_spool() {  // mu_ held
  if (!spool_) return;
  metrics().set(names_.spool_records, static_cast<double>(spool_->records()));
  metrics().set(names_.spool_bytes, static_cast<double>(spool_->bytes()));
  uint64_t dropped = spool_->dropped();
  if (dropped > spool_dropped_seen_) {
    metrics().add("watchpost_spool_dropped_total" + label_, static_cast<double>(dropped - spool_dropped_seen_));
    spool_dropped_seen_ = dropped;
  }
}

void SinkWorker::hurry() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    deadline_ = std::min(deadline_, std::chrono::steady_clock::now());
  }
  cv_.notify_all();
}

void SinkWorker::close(std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    deadline_ = std::min(deadline_, deadline);  // a hurry() that came first still counts
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<ResultPtr> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.assign(queue_.begin(), queue_.end());
    left.insert(left.end(), held_.begin(), held_.end());
    queue_.clear();
    held_.clear();
    if (!left.empty() && spool_) {
      try {
        spool_locked(left);
        spool_->sync();
        log::warn(name(), std::to_string(left.size()) + " results not written before the drain deadline were spooled");
        report_spool();
        left.clear();
      } catch (const std::exception& e) {
        log::error(name(), std::string("spool append failed at exit: ") + e.what());
      }
    }
  }
  if (!left.empty()) {
    metrics().add("watchpost_sink_unflushed_total" + label_, static_cast<double>(left.size()));
    log::error(name(), std::to_string(left.size()) + " results were not written before the drain deadline and are lost" +
                           (spool_ ? std::string(" (the spool refused them too)") : " (configure a spool to keep them)"));
  }
  if (spool_) spool_->sync();
}

std::vector<ResultPtr> SinkWorker::take_from_spool(size_t& peeked) {
  std::vector<ResultPtr> batch;
  auto records = spool_->peek(spool_reader_, static_cast<size_t>(config_.batch_size));
  peeked = records.size();
  for (auto& rec : records) {
    Result r;
    std::string why = decode_result_json(rec, r);
    if (!why.empty()) {  // checksummed, so this is a format change, not disk damage
      metrics().add("watchpost_spool_undecodable_total" + label_);
      log::error(name(), "skipping an undecodable spooled record: " + why);
      continue;
    }
    batch.push_back(std::make_shared<const Result>(std::move(r)));
  }
  return batch;
}

void SinkWorker::run() {
  const auto batch_delay = std::chrono::milliseconds(config_.batch_delay_ms);
  const auto batch_size = static_cast<size_t>(config_.batch_size);
  for (;;) {
    std::vector<ResultPtr> batch;
    size_t from_spool = 0;  // records peeked from the spool for this batch
    {
      std::unique_lock<std::mutex> lock(mu_);
      // At a drain the spool is delivered too, as far as the deadline allows.
      auto now_past_deadline = [&] { return closing_ && std::chrono::steady_clock::now() >= deadline_; };
      auto spool_waiting = [&] {
        return spool_ && !spool_->empty() && spool_->is_reader(spool_reader_) && !now_past_deadline();
      };
      auto head_settled = [&] { return !window_.empty() && window_.front().status >= 0; };
      auto room = [&] { return window_.size() < max_in_flight_; };
      // Spooled and held results go one batch at a time, with nothing else out: in order.
      auto work = [&] { return !queue_.empty() || ((spool_waiting() || !held_.empty()) && window_.empty()); };
      auto wake_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
      if (closing_) wake_at = std::min(wake_at, deadline_);
      cv_.wait_until(lock, wake_at, [&] {
        return head_settled() || (room() && work()) || (closing_ && window_.empty()) ||
               (!window_.empty() && now_past_deadline());
      });
      if (head_settled()) {
        InFlight done = std::move(window_.front());
        window_.pop_front();
        metrics().set(names_.batches_in_flight, static_cast<double>(window_.size()));
        lock.unlock();
        if (!settle(std::move(done))) return;
        continue;
      }
      if (!window_.empty() && now_past_deadline()) {
        requeue_window_locked();
        return;
      }
      if (closing_ && window_.empty() && queue_.empty() && !spool_waiting()) return;  // close() spools what is held
      if (room() && !queue_.empty()) {
        // Wait a little for a fuller batch, unless closing (then flush at once). A batch out
        // that settles meanwhile is acknowledged first, and the filling goes on.
        if (fill_until_ == std::chrono::steady_clock::time_point{})
          fill_until_ = std::chrono::steady_clock::now() + batch_delay;
        cv_.wait_until(lock, fill_until_, [&] { return closing_ || queue_.size() >= batch_size || head_settled(); });
        if (!closing_ && queue_.size() < batch_size && head_settled()) continue;
        fill_until_ = {};
        size_t n = std::min(queue_.size(), batch_size);
        batch.assign(queue_.begin(), queue_.begin() + static_cast<long>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
        metrics().set(names_.queue_depth, static_cast<double>(queue_.size()));
      } else if (window_.empty() && spool_waiting()) {
        lock.unlock();
        batch = take_from_spool(from_spool);
        if (batch.empty() && from_spool == 0) continue;
      } else if (window_.empty() && !held_.empty()) {
        // The spool is delivered and its disk still refuses: write what memory holds directly.
        size_t n = std::min(held_.size(), batch_size);
        batch.assign(held_.begin(), held_.begin() + static_cast<long>(n));
        held_.erase(held_.begin(), held_.begin() + static_cast<long>(n));
        metrics().set(names_.held_in_memory, static_cast<double>(held_.size()));
      } else {
        if (spool_ && window_.empty()) spool_->sync();  // idle: make what was appended durable
        continue;
      }
    }
    if (max_in_flight_ > 1 && from_spool == 0 && !batch.empty()) {
      if (hand_over(batch)) continue;
      // Not taken (its queue is full, say): what is out is settled first, then this batch
      // goes the one-at-a-time way, with retries.
      if (!settle_window()) {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.insert(queue_.begin(), batch.begin(), batch.end());
        return;
      }
    }
    bool written = batch.empty() || write_with_retry(batch);
    if (!written) {
      // Deadline passed while retrying. Spooled records stay in the spool; queued ones go
      // back so close() can spool (or count) them.
      if (from_spool == 0) {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.insert(queue_.begin(), batch.begin(), batch.end());
      }
      return;
    }
    acknowledge(batch, from_spool);
  }
}

void SinkWorker::acknowledge(const std::vector<ResultPtr>& batch, size_t from_spool) {
  if (from_spool) {
    spool_->consume(spool_reader_, from_spool);
    std::lock_guard<std::mutex> lock(mu_);
    report_spool();
  }
  if (on_written_ && from_spool == 0 && !batch.empty()) on_written_(batch);
  bool notify = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (spooling_ && queue_.empty() && held_.empty() && spool_->empty()) {
      spooling_ = false;
      if (spool_failing_) spool_recovered(0);  // nothing needs the spool now
      log::info(name(), "spool drained; back to writing directly");
    }
    if (was_full_ && static_cast<int64_t>(queue_.size()) < config_.queue_capacity &&
        static_cast<int64_t>(held_.size()) < config_.queue_capacity) {
      was_full_ = false;
      notify = true;
    }
  }
  if (notify && on_room_) on_room_();
}

void SinkWorker::on_batch_done(void* ctx, uint64_t token, int status, const wp_error* error) {
  auto* self = static_cast<SinkWorker*>(ctx);
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    // Unknown tokens are batches given up at a drain deadline (or refused at hand-over).
    for (auto& f : self->window_) {
      if (f.token != token) continue;
      if (f.status < 0) {
        f.status = status == WP_OK || status == WP_RETRY ? status : WP_ERROR;
        if (status != WP_OK) f.error = error ? SinkInstance::describe(*error) : "failed without a message";
      }
      break;
    }
  }
  self->cv_.notify_all();
}

bool SinkWorker::hand_over(std::vector<ResultPtr>& batch) {
  uint64_t token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    token = next_token_++;
    // In the window before the call: the sink may settle it from inside write_async.
    window_.push_back({token, std::move(batch), -1, {}});
    metrics().set(names_.batches_in_flight, static_cast<double>(window_.size()));
  }
  wp_error err = SinkInstance::blank_error();
  int rc;
  {
    ResultViews views(window_.back().batch);  // only this thread adds to or removes from window_
    rc = write_async_(instance_->handle(), views.data(), views.size(), token, &SinkWorker::on_batch_done, this, &err);
  }
  if (rc == WP_OK) return true;
  std::lock_guard<std::mutex> lock(mu_);
  batch = std::move(window_.back().batch);
  window_.pop_back();
  metrics().set(names_.batches_in_flight, static_cast<double>(window_.size()));
  return false;
}

bool SinkWorker::settle(InFlight done) {
  if (done.status == WP_OK) {
    metrics().add("watchpost_sink_written_total" + label_, static_cast<double>(done.batch.size()));
    note_success();
    acknowledge(done.batch, 0);
    return true;
  }
  // Failed while later batches were out: this one is written again now, the one-at-a-time
  // way, before any later one is acknowledged.
  metrics().add("watchpost_sink_retries_total" + label_);
  if (done.status == WP_RETRY) note_failure(done.error, std::chrono::milliseconds(0));
  if (!write_with_retry(done.batch)) {
    std::lock_guard<std::mutex> lock(mu_);
    requeue_window_locked(std::move(done.batch));
    return false;
  }
  acknowledge(done.batch, 0);
  return true;
}

bool SinkWorker::settle_window() {
  for (;;) {
    InFlight done;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (window_.empty()) return true;
      for (;;) {
        if (window_.front().status >= 0) break;
        auto now = std::chrono::steady_clock::now();
        if (closing_ && now >= deadline_) {
          requeue_window_locked();
          return false;
        }
        cv_.wait_until(lock, std::min(now + std::chrono::milliseconds(500), deadline_));
      }
      done = std::move(window_.front());
      window_.pop_front();
      metrics().set(names_.batches_in_flight, static_cast<double>(window_.size()));
    }
    if (!settle(std::move(done))) return false;
  }
}

void SinkWorker::requeue_window_locked(std::vector<ResultPtr> first) {  // mu_ held
  std::vector<ResultPtr> back = std::move(first);
  for (auto& f : window_) back.insert(back.end(), f.batch.begin(), f.batch.end());
  window_.clear();
  metrics().set(names_.batches_in_flight, 0);
  queue_.insert(queue_.begin(), back.begin(), back.end());
}

int SinkWorker::write_once(const std::vector<ResultPtr>& batch, wp_error& err) {
  ResultViews views(batch);
  if (!write_async_) return instance_->api()->write(instance_->handle(), views.data(), views.size(), &err);
  uint64_t token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    token = next_token_++;
    window_.push_back({token, {}, -1, {}});  // the batch itself stays with the caller
  }
  int rc = write_async_(instance_->handle(), views.data(), views.size(), token, &SinkWorker::on_batch_done, this, &err);
  std::unique_lock<std::mutex> lock(mu_);
  auto mine = [&] {
    return std::find_if(window_.begin(), window_.end(), [&](const InFlight& f) { return f.token == token; });
  };
  if (rc != WP_OK) {
    window_.erase(mine());
    return rc;
  }
  for (;;) {
    auto it = mine();
    if (it->status >= 0) {
      rc = it->status;
      if (rc != WP_OK) std::snprintf(err.message, sizeof err.message, "%s", it->error.c_str());
      window_.erase(it);
      return rc;
    }
    auto now = std::chrono::steady_clock::now();
    if (closing_ && now >= deadline_) {
      window_.erase(it);  // a late completion finds no token and is ignored
      return kGaveUp;
    }
    cv_.wait_until(lock, std::min(now + std::chrono::milliseconds(500), deadline_));
  }
}

bool SinkWorker::write_with_retry(const std::vector<ResultPtr>& batch, bool isolating) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t backoff_cap_ms = 100;
  for (int attempt = 1;; ++attempt) {
    wp_error err = SinkInstance::blank_error();
    int rc = write_once(batch, err);
    if (rc == kGaveUp) return false;
    if (rc == WP_OK) {
      metrics().add("watchpost_sink_written_total" + label_, static_cast<double>(batch.size()));
      note_success();
      return true;
    }
    if (rc != WP_RETRY) {
      // Permanent: something in the batch can never be stored. Split until the results the
      // sink refuses stand alone; the others are stored.
      if (batch.size() == 1) {
        dead_letter(batch.front(), SinkInstance::describe(err));
        return true;
      }
      if (attempt == 1 && !isolating)
        log::warn(name(), "the sink refused a batch of " + std::to_string(batch.size()) +
                              " for good; finding the results it refuses: " + SinkInstance::describe(err));
      auto mid = batch.begin() + static_cast<long>(batch.size() / 2);
      return write_with_retry({batch.begin(), mid}, true) && write_with_retry({mid, batch.end()}, true);
    }
    metrics().add("watchpost_sink_retries_total" + label_);
    backoff_cap_ms = std::min<int64_t>(backoff_cap_ms * 2, config_.max_retry_delay_ms);
    std::uniform_int_distribution<int64_t> jitter(backoff_cap_ms / 10, backoff_cap_ms);
    auto delay = std::chrono::milliseconds(jitter(rng));
    note_failure(SinkInstance::describe(err), delay);
    // The deadline may be set (or moved closer, by a second signal) while we wait: read it
    // again at every wake-up instead of sleeping out a delay chosen before.
    std::unique_lock<std::mutex> lock(mu_);
    auto retry_at = std::chrono::steady_clock::now() + delay;
    for (;;) {
      auto now = std::chrono::steady_clock::now();
      if (closing_ && now >= deadline_) return false;
      if (now >= retry_at) break;
      cv_.wait_until(lock, std::min(retry_at, deadline_));
    }
  }
}

}  // namespace watchpost

namespace watchpost {

void SinkWorker::note_failure(const std::string& cause, std::chrono::milliseconds next_try) {
  auto now = std::chrono::steady_clock::now();
  ++failing_retries_;
  std::string held = spool_ ? "results wait in the queue and the spool" : "results wait in the queue";
  if (!failing_) {
    failing_ = true;
    failing_since_ = failing_reminded_ = now;
    failing_cause_ = cause;
    metrics().set("watchpost_sink_failing" + label_, 1);
    health().set("sink " + name(), "cannot write: " + cause);
    log::error(name(), "cannot write: " + cause + "; retrying with backoff (next in " +
                           std::to_string(next_try.count()) + " ms), " + held);
  } else if (cause != failing_cause_) {
    failing_cause_ = cause;
    health().set("sink " + name(), "cannot write: " + cause);
    log::warn(name(), "still cannot write, now: " + cause);
  } else if (now - failing_reminded_ >= std::chrono::minutes(1)) {
    failing_reminded_ = now;
    log::warn(name(), "still cannot write after " + seconds_since(failing_since_) + " (" +
                          std::to_string(failing_retries_) + " retries): " + cause);
  }
}

void SinkWorker::note_success() {
  if (!failing_) return;
  failing_ = false;
  metrics().set("watchpost_sink_failing" + label_, 0);
  health().clear("sink " + name());
  log::info(name(), "writes again after " + seconds_since(failing_since_) + " (" + std::to_string(failing_retries_) +
                        " retries)");
  failing_retries_ = 0;
}

void SinkWorker::dead_letter(const ResultPtr& result, const std::string& reason) {
  metrics().add("watchpost_sink_errors_total" + label_);
  metrics().add("watchpost_sink_dead_lettered_total" + label_);
  std::string json = result_json(result);
  bool kept = false;
  if (!dead_letter_path_.empty()) {
    std::string line;
    JsonWriter w(line);
    w.begin_object();
    w.key("sink");
    w.value(name());
    w.key("reason");
    w.value(reason);
    w.end_object();
    line.pop_back();  // the result's JSON is spliced in whole
    line += ",\"result\":" + json + "}\n";
    int fd = ::open(dead_letter_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    kept = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    if (fd >= 0) ::close(fd);
    if (!kept) {
      metrics().add("watchpost_sink_dead_letter_errors_total" + label_);
      log::error(name(), "cannot append to the dead-letter file " + dead_letter_path_ + ": " + std::strerror(errno));
    }
  }
  auto now = std::chrono::steady_clock::now();
  if (now - dead_letter_window_ >= std::chrono::minutes(1)) {
    if (dead_letter_unlogged_)
      log::error(name(), std::to_string(dead_letter_unlogged_) + " more results were refused for good (not logged one by one)");
    dead_letter_window_ = now;
    dead_letter_lines_ = 0;
    dead_letter_unlogged_ = 0;
  }
  if (dead_letter_lines_ >= kDeadLetterLines) {
    ++dead_letter_unlogged_;
    return;
  }
  ++dead_letter_lines_;
  log::error(name(), "refused for good: result " + result->result_id + " (" + reason + ")" +
                         (kept ? "; written to " + dead_letter_path_ : "; no dead-letter file: " + json));
}

}  // namespace watchpost
