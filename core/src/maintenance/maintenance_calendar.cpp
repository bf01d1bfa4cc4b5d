#include "maintenance_calendar.hpp"

namespace watchpost {

namespace {

// Two targets' windows written alike are one window.
std::string definition_key(const MaintenanceConfig& c) {
  std::string key;
  for (const std::string* part : {&c.name, &c.schedule, &c.start, &c.end, &c.timezone}) {
    key += *part;
    key += '\x1f';
  }
  return key + std::to_string(c.duration_ms);
}

}  // namespace

MaintenanceCalendar::MaintenanceCalendar(const std::vector<MaintenanceConfig>& file_windows) {
  for (auto& c : file_windows) file_windows_.push_back(std::make_shared<const MaintenanceWindow>(c));
}

std::shared_ptr<const MaintenanceWindows> MaintenanceCalendar::windows_for(const std::string& target_id,
                                                                           const Labels& labels,
                                                                           const std::vector<MaintenanceConfig>& own) {
  MaintenanceWindows chosen;
  for (auto& w : file_windows_)
    if (w->selects(target_id, labels)) chosen.push_back(w);
  for (auto& c : own) {
    std::string key = definition_key(c);
    auto& slot = own_[key];
    auto w = slot.lock();
    if (!w) {
      w = std::make_shared<const MaintenanceWindow>(c);
      slot = w;
    }
    chosen.push_back(std::move(w));
  }
  if (chosen.empty()) return nullptr;
  std::vector<const MaintenanceWindow*> key;
  for (auto& w : chosen) key.push_back(w.get());
  auto& slot = sets_[key];
  auto set = slot.lock();
  if (!set) {
    set = std::make_shared<const MaintenanceWindows>(std::move(chosen));
    slot = set;
  }
  // Entries of windows no target uses any more are dropped now and then.
  if (own_.size() + sets_.size() > 2 * (cleaned_at_ + 64)) {
    for (auto it = own_.begin(); it != own_.end();) it = it->second.expired() ? own_.erase(it) : std::next(it);
    for (auto it = sets_.begin(); it != sets_.end();) it = it->second.expired() ? sets_.erase(it) : std::next(it);
    cleaned_at_ = own_.size() + sets_.size();
  }
  return set;
}

}  // namespace watchpost
