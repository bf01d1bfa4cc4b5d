#include "notify_worker.hpp"

#include "observe/log.hpp"
#include "observe/metrics.hpp"
#include "synced_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>

namespace watchpost {

namespace {

constexpr size_t kMostPerCall = 100;
constexpr size_t kKeysRemembered = 10000;

// What tells one change from another: an alert fires once per start and resolves once.
std::string change_key(const AlertRecord& e) {
  return e.alert_id + '\n' + (e.state == WP_ALERT_FIRING ? "f" : "r") + std::to_string(e.started_at_us);
}

}  // namespace

NotifyWorker::NotifyWorker(const NotifierConfig& config, const Plugin& plugin, std::string outbox)
    : name_(config.name), outbox_(std::move(outbox)) {
  instance_ = std::make_unique<NotifierInstance>(plugin.library, notifier_table(plugin.descriptor), "notifier/" + name_);
  instance_->create(config.options);
  const std::string l = "{notifier=\"" + name_ + "\"";
  metric_sent_ = "watchpost_notifications_total" + l + ",result=\"sent\"}";
  metric_retried_ = "watchpost_notifications_total" + l + ",result=\"retried\"}";
  metric_dropped_ = "watchpost_notifications_total" + l + ",result=\"dropped\"}";
  metric_pending_ = "watchpost_notifier_outbox_events" + l + "}";
  if (!outbox_.empty()) {
    std::ifstream in(outbox_);
    size_t bad = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      try {
        queue_.push_back(alert_record_from_json(nlohmann::json::parse(line)));
        remember(change_key(queue_.back()));
      } catch (const std::exception&) {
        ++bad;  // a line torn by a crash mid-append: the events before it are whole
      }
    }
    if (!queue_.empty())
      log::info("notifier/" + name_, std::to_string(queue_.size()) + " events from before the restart to deliver");
    if (bad) log::warn("notifier/" + name_, "skipped " + std::to_string(bad) + " unreadable lines of " + outbox_);
  }
  metrics().set(metric_pending_, static_cast<double>(queue_.size()));
  thread_ = std::thread([this] { run(); });
}

NotifyWorker::~NotifyWorker() {
  stop();
  instance_.reset();
}

void NotifyWorker::remember(const std::string& key) {
  if (!seen_.insert(key).second) return;
  seen_order_.push_back(key);
  if (seen_order_.size() > kKeysRemembered) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
}

void NotifyWorker::enqueue(const std::vector<AlertRecord>& all) {
  // A change this worker has had already is not queued twice: the alert stage gives it again
  // when it retries a batch another outbox refused, or replays results its state file had not
  // caught up with when the process was killed.
  std::vector<AlertRecord> events;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : all)
      if (e.reminder || !seen_.count(change_key(e))) events.push_back(e);
  }
  if (events.empty()) return;
  // Reminders stay in memory: the next one says the same, and a restart sends one anyway.
  if (!outbox_.empty()) {
    std::string lines;
    for (auto& e : events)
      if (!e.reminder) lines += to_json(e).dump() + "\n";
    if (!lines.empty()) append_file_synced(outbox_, lines);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : events) {
    if (!e.reminder) remember(change_key(e));
    if (e.reminder) {
      // A receiver that is away gets one reminder per alert when it is back, not one per
      // `remind_every` it missed: the newer replaces the older still queued.
      auto older = std::find_if(queue_.begin(), queue_.end(),
                                [&](const AlertRecord& q) { return q.reminder && q.alert_id == e.alert_id; });
      if (older != queue_.end()) {
        *older = e;
        continue;
      }
    }
    queue_.push_back(e);
  }
  metrics().set(metric_pending_, static_cast<double>(queue_.size()));
  cv_.notify_all();
}

void NotifyWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

size_t NotifyWorker::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void NotifyWorker::rewrite_outbox_locked() {
  if (outbox_.empty()) return;
  std::string lines;
  for (auto& e : queue_)
    if (!e.reminder) lines += to_json(e).dump() + "\n";
  try {
    replace_file_synced(outbox_, lines);
  } catch (const std::exception& e) {
    // Delivered events stay in the file: after a restart they are sent again (receivers
    // tolerate a repeat: alert_id + state), never lost.
    log::warn("notifier/" + name_, std::string("cannot trim the outbox: ") + e.what());
  }
}

void NotifyWorker::note(bool failing, const std::string& why) {
  if (failing == failing_) return;
  failing_ = failing;
  if (failing) log::warn("notifier/" + name_, "cannot deliver (retrying with backoff): " + why);
  else log::info("notifier/" + name_, "delivering again");
}

void NotifyWorker::run() {
  std::mt19937_64 rng(std::random_device{}());
  auto delay = std::chrono::milliseconds(500);
  constexpr auto kMostDelay = std::chrono::milliseconds(30000);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::vector<AlertRecord> batch(queue_.begin(), queue_.begin() + static_cast<long>(std::min(queue_.size(), kMostPerCall)));
    lock.unlock();
    AlertRecordViews views(batch);
    wp_error err = NotifierInstance::blank_error();
    int rc = instance_->api()->notify(instance_->handle(), views.data(), views.size(), &err);
    lock.lock();
    if (rc == WP_OK || rc == WP_ERROR) {
      if (rc == WP_OK) {
        metrics().add(metric_sent_, static_cast<double>(batch.size()));
        note(false, "");
      } else {
        metrics().add(metric_dropped_, static_cast<double>(batch.size()));
        log::error("notifier/" + name_, "the receiver refused " + std::to_string(batch.size()) +
                                            " events for good (dropped): " + NotifierInstance::describe(err));
      }
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(batch.size()));
      rewrite_outbox_locked();
      metrics().set(metric_pending_, static_cast<double>(queue_.size()));
      delay = std::chrono::milliseconds(500);
      continue;
    }
    metrics().add(metric_retried_, static_cast<double>(batch.size()));
    note(true, NotifierInstance::describe(err));
    // Full jitter, capped: many nodes do not all knock at a receiver that comes back at once.
    auto wait = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(delay.count() / 2, delay.count())(rng));
    cv_.wait_for(lock, wait, [&] { return stopping_; });
    if (stopping_) return;
    delay = std::min(delay * 2, kMostDelay);
  }
}

}  // namespace watchpost
