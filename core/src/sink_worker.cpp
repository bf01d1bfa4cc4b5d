#include "sink_worker.hpp"

#include "log.hpp"
#include "metrics.hpp"

#include <algorithm>
#include <random>

namespace watchpost {

SinkWorker::SinkWorker(std::unique_ptr<SinkInstance> instance, const SinkConfig& config, std::string pipeline,
                       std::function<void()> on_room, WrittenFn on_written)
    : instance_(std::move(instance)),
      config_(config),
      pipeline_(std::move(pipeline)),
      on_room_(std::move(on_room)),
      on_written_(std::move(on_written)) {}

SinkWorker::~SinkWorker() {
  if (thread_.joinable()) close(std::chrono::steady_clock::now());
}

void SinkWorker::start() { thread_ = std::thread([this] { run(); }); }

void SinkWorker::push(ResultPtr result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(result));
    if (static_cast<int64_t>(queue_.size()) >= config_.queue_capacity) was_full_ = true;
  }
  cv_.notify_one();
}

bool SinkWorker::has_room() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(queue_.size()) < config_.queue_capacity;
}

size_t SinkWorker::depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void SinkWorker::close(std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    deadline_ = deadline;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  if (!queue_.empty()) {
    metrics().add("watchpost_sink_unflushed_total{sink=\"" + name() + "\"}", static_cast<double>(queue_.size()));
    log::error(name(), std::to_string(queue_.size()) + " results were not written before the drain deadline");
    queue_.clear();
  }
}

void SinkWorker::run() {
  const auto batch_delay = std::chrono::milliseconds(config_.batch_delay_ms);
  const std::string label = "{sink=\"" + name() + "\"}";
  for (;;) {
    std::vector<ResultPtr> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;  // closing and nothing left
      // Wait a little for a fuller batch, unless closing (then flush at once).
      auto fill_until = std::chrono::steady_clock::now() + batch_delay;
      cv_.wait_until(lock, fill_until, [&] {
        return closing_ || static_cast<int64_t>(queue_.size()) >= config_.batch_size;
      });
      size_t n = std::min<size_t>(queue_.size(), static_cast<size_t>(config_.batch_size));
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
      metrics().set("watchpost_sink_queue_depth" + label, static_cast<double>(queue_.size()));
    }
    if (!write_with_retry(batch)) {
      std::lock_guard<std::mutex> lock(mu_);
      // Deadline passed while retrying: put the batch back so close() counts it.
      queue_.insert(queue_.begin(), batch.begin(), batch.end());
      return;
    }
    if (on_written_) on_written_(batch);
    bool notify = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (was_full_ && static_cast<int64_t>(queue_.size()) < config_.queue_capacity) {
        was_full_ = false;
        notify = true;
      }
    }
    if (notify && on_room_) on_room_();
  }
}

bool SinkWorker::write_with_retry(const std::vector<ResultPtr>& batch) {
  const std::string label = "{sink=\"" + name() + "\"}";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  ResultViews views(batch);
  int64_t backoff_cap_ms = 100;
  for (int attempt = 1;; ++attempt) {
    wp_error err = SinkInstance::blank_error();
    int rc = instance_->api()->write(instance_->handle(), views.data(), views.size(), &err);
    if (rc == WP_OK) {
      metrics().add("watchpost_sink_written_total" + label, static_cast<double>(batch.size()));
      if (attempt > 1) log::info(name(), "recovered after " + std::to_string(attempt - 1) + " retries");
      return true;
    }
    if (rc != WP_RETRY) {
      // Permanent: the sink says these results can never be stored. Counted, logged, not retried.
      metrics().add("watchpost_sink_errors_total" + label, static_cast<double>(batch.size()));
      log::error(name(), "dropped a batch of " + std::to_string(batch.size()) +
                             " results after a permanent error: " + SinkInstance::describe(err));
      return true;
    }
    metrics().add("watchpost_sink_retries_total" + label);
    backoff_cap_ms = std::min<int64_t>(backoff_cap_ms * 2, config_.max_retry_delay_ms);
    std::uniform_int_distribution<int64_t> jitter(backoff_cap_ms / 10, backoff_cap_ms);
    auto delay = std::chrono::milliseconds(jitter(rng));
    log::warn(name(), "write failed (attempt " + std::to_string(attempt) + "), retrying in " +
                          std::to_string(delay.count()) + "ms: " + SinkInstance::describe(err));
    std::unique_lock<std::mutex> lock(mu_);
    auto wake = std::min(std::chrono::steady_clock::now() + delay, deadline_);
    cv_.wait_until(lock, wake, [&] { return closing_ && std::chrono::steady_clock::now() >= deadline_; });
    if (closing_ && std::chrono::steady_clock::now() >= deadline_) return false;
  }
}

}  // namespace watchpost
