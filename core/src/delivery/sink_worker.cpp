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
            "watchpost_spool_bytes" + label_};
  health_key_ = "sink " + instance_->name() + " spool";
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
    }
  }
  if (!spooled.empty() && on_written_) on_written_(spooled);  // durable on disk: upstream may let go
  cv_.notify_one();
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
  for (;;) {
    std::vector<ResultPtr> batch;
    size_t from_spool = 0;  // records peeked from the spool for this batch
    {
      std::unique_lock<std::mutex> lock(mu_);
      // At a drain the spool is delivered too, as far as the deadline allows.
      auto spool_waiting = [&] {
        return spool_ && !spool_->empty() && spool_->is_reader(spool_reader_) &&
               !(closing_ && std::chrono::steady_clock::now() >= deadline_);
      };
      auto nothing_else = [&] { return queue_.empty() && !spool_waiting(); };
      cv_.wait_for(lock, std::chrono::milliseconds(500),
                   [&] { return !queue_.empty() || closing_ || spool_waiting() || !held_.empty(); });
      if (nothing_else() && closing_) return;  // close() spools (or counts) what is held
      if (!queue_.empty()) {
        // Wait a little for a fuller batch, unless closing (then flush at once).
        auto fill_until = std::chrono::steady_clock::now() + batch_delay;
        cv_.wait_until(lock, fill_until, [&] {
          return closing_ || static_cast<int64_t>(queue_.size()) >= config_.batch_size;
        });
        size_t n = std::min<size_t>(queue_.size(), static_cast<size_t>(config_.batch_size));
        batch.assign(queue_.begin(), queue_.begin() + static_cast<long>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
        metrics().set(names_.queue_depth, static_cast<double>(queue_.size()));
      } else if (spool_waiting()) {
        lock.unlock();
        batch = take_from_spool(from_spool);
        if (batch.empty() && from_spool == 0) continue;
      } else if (!held_.empty()) {
        // The spool is delivered and its disk still refuses: write what memory holds directly.
        size_t n = std::min<size_t>(held_.size(), static_cast<size_t>(config_.batch_size));
        batch.assign(held_.begin(), held_.begin() + static_cast<long>(n));
        held_.erase(held_.begin(), held_.begin() + static_cast<long>(n));
        metrics().set(names_.held_in_memory, static_cast<double>(held_.size()));
      } else {
        if (spool_) spool_->sync();  // idle: make what was appended durable
        continue;
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
    if (from_spool) {
      spool_->consume(spool_reader_, from_spool);
      std::lock_guard<std::mutex> lock(mu_);
      report_spool();
    }
    if (on_written_ && from_spool == 0) on_written_(batch);
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
}

bool SinkWorker::write_with_retry(const std::vector<ResultPtr>& batch, bool isolating) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  ResultViews views(batch);
  int64_t backoff_cap_ms = 100;
  for (int attempt = 1;; ++attempt) {
    wp_error err = SinkInstance::blank_error();
    int rc = instance_->api()->write(instance_->handle(), views.data(), views.size(), &err);
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
