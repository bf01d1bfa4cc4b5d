// The maintenance windows of one pipeline: the file's (chosen by selectors) and the targets'
// own, made once each and shared. A million targets under one window share one clock, so
// its openings are computed once, not once per check.
#pragma once

#include "maintenance_window.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace watchpost {

class MaintenanceCalendar {
 public:
  // Throws MaintenanceError (the windows were checked when the file was read).
  explicit MaintenanceCalendar(const std::vector<MaintenanceConfig>& file_windows);
  // The windows that apply to a target: the file's that select it, then its own. Null when none.
  // Not thread-safe: called where targets are made (the pipeline's thread).
  std::shared_ptr<const MaintenanceWindows> windows_for(const std::string& target_id, const Labels& labels,
                                                        const std::vector<MaintenanceConfig>& own);

 private:
  MaintenanceWindows file_windows_;
  std::map<std::string, std::weak_ptr<const MaintenanceWindow>> own_;     // by definition
  std::map<std::vector<const MaintenanceWindow*>, std::weak_ptr<const MaintenanceWindows>> sets_;
  size_t cleaned_at_ = 0;
};

}  // namespace watchpost
