// One notifier instance on a thread of its own, behind an outbox: alert events are written to
// the outbox (a JSON-lines file in the spool folder, synced) before the alert stage reports
// its batch done, and leave it only when the notifier delivered them (or refused them for
// good). A receiver that is down is retried with capped, jittered backoff — checking never
// waits for it — and what it missed arrives afterwards, once each, in order, even across a
// restart.
#pragma once

#include "alert_record.hpp"
#include "alert_rule.hpp"
#include "plugins/instance.hpp"
#include "plugins/loader.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

namespace watchpost {

using NotifierInstance = Instance<wp_notifier_api>;

class NotifyWorker {
 public:
  // `outbox` empty: events are held in memory only (no spool folder configured).
  NotifyWorker(const NotifierConfig& config, const Plugin& plugin, std::string outbox);
  ~NotifyWorker();
  const std::string& name() const { return name_; }
  // Durable once it returns (the outbox file is synced). Throws std::runtime_error when the
  // disk refuses; nothing is then queued.
  void enqueue(const std::vector<AlertRecord>& events);
  // Stops the thread; what is undelivered stays in the outbox for the next start.
  void stop();
  size_t pending() const;

 private:
  void run();
  void rewrite_outbox_locked();  // mu_ held: the outbox file = queue_
  void note(bool failing, const std::string& why);
  void remember(const std::string& change_key);  // mu_ held (or before the thread starts)

  std::string name_;
  std::unique_ptr<NotifierInstance> instance_;
  std::string outbox_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<AlertRecord> queue_;
  std::unordered_set<std::string> seen_;  // the changes queued or sent lately (bounded)
  std::deque<std::string> seen_order_;
  bool stopping_ = false;
  bool failing_ = false;
  std::string metric_sent_, metric_retried_, metric_dropped_, metric_pending_;
  std::thread thread_;
};

}  // namespace watchpost
