#include "notifier_hub.hpp"

#include "observe/log.hpp"

#include <algorithm>

namespace watchpost {

void NotifierHub::start(const std::vector<NotifierConfig>& notifiers, const PluginCatalog& catalog,
                        const std::string& spool_dir) {
  std::vector<std::shared_ptr<NotifyWorker>> fresh;
  stop();
  for (auto& n : notifiers) {
    const Plugin* plugin = catalog.find(n.plugin);
    std::string outbox = spool_dir.empty() ? "" : spool_dir + "/notifiers/" + n.name + ".jsonl";
    fresh.push_back(std::make_shared<NotifyWorker>(n, *plugin, outbox));
  }
  std::lock_guard<std::mutex> lock(mu_);
  workers_ = std::move(fresh);
}

void NotifierHub::stop() {
  std::vector<std::shared_ptr<NotifyWorker>> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old.swap(workers_);
  }
  for (auto& w : old) w->stop();
}

void NotifierHub::deliver(const std::vector<AlertRecord>& events) {
  std::vector<std::shared_ptr<NotifyWorker>> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers = workers_;
  }
  for (auto& w : workers) {
    std::vector<AlertRecord> mine;
    for (auto& e : events)
      if (e.notify.empty() || std::find(e.notify.begin(), e.notify.end(), w->name()) != e.notify.end())
        mine.push_back(e);
    w->enqueue(mine);
  }
}

size_t NotifierHub::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (auto& w : workers_) n += w->pending();
  return n;
}

NotifierHub& notifier_hub() {
  static NotifierHub hub;
  return hub;
}

}  // namespace watchpost
