#include "window_row_check.hpp"

#include "maintenance/maintenance_window.hpp"

#include <nlohmann/json.hpp>

namespace watchpost {

pg::WindowRow window_row(const MaintenanceConfig& c, const std::optional<std::string>& owner,
                         const std::optional<std::string>& comment) {
  bool plain = !c.name.empty() && c.name.size() <= 64;
  for (char ch : c.name) plain = plain && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.');
  if (!plain) throw MaintenanceError("name", "a maintenance window's name must be 1 to 64 letters, digits, '-', '_' or '.'");
  MaintenanceWindow checked(c);  // throws what is wrong
  pg::WindowRow row;
  row.name = c.name;
  row.owner = owner;
  row.comment = comment;
  row.timezone = c.timezone;
  row.target_ids = c.targets;
  nlohmann::json labels = nlohmann::json::object();
  for (auto& [k, v] : c.labels) labels[k] = v;
  row.labels_json = labels.dump();
  if (!c.schedule.empty()) {
    row.schedule = c.schedule;
    row.duration_ms = c.duration_ms;
  } else {
    auto opening = checked.opening_from(INT64_MIN / 2);
    row.starts_at_us = opening->first;
    row.ends_at_us = opening->second;
  }
  return row;
}

}  // namespace watchpost
