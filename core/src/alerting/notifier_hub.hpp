// The node's notifiers (top-level `notifiers:`), where every pipeline's alert stage hands its
// events: each event goes to the notifiers its rule names, or to all of them.
#pragma once

#include "alert_record.hpp"
#include "notify_worker.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace watchpost {

class NotifierHub {
 public:
  // Starts a worker per notifier; `spool_dir` empty: outboxes in memory only. Replaces
  // (stopping) the workers of a previous start.
  void start(const std::vector<NotifierConfig>& notifiers, const PluginCatalog& catalog, const std::string& spool_dir);
  void stop();
  // Durable in every outbox it goes to once it returns; throws std::runtime_error otherwise.
  void deliver(const std::vector<AlertRecord>& events);
  size_t pending() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<NotifyWorker>> workers_;
};

NotifierHub& notifier_hub();

}  // namespace watchpost
