#include "window_row_check.hpp"

#include "config/plain_name.hpp"
#include "maintenance/maintenance_window.hpp"
#include "observe/utc_text.hpp"

#include <nlohmann/json.hpp>

namespace watchpost {

pg::WindowRow window_row(const MaintenanceConfig& c, const std::optional<std::string>& owner,
                         const std::optional<std::string>& comment) {
  if (!plain_name(c.name)) throw MaintenanceError("name", "a maintenance window's name must be 1 to 64 letters, digits, '-', '_' or '.'");
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

WindowState window_state(const pg::WindowRow& w, int64_t now_us) {
  MaintenanceConfig c;
  c.name = w.name;
  c.timezone = w.timezone;
  if (w.schedule) {
    c.schedule = *w.schedule;
    c.duration_ms = w.duration_ms.value_or(0);
  } else {
    c.start = utc_text(w.starts_at_us.value_or(0) / 1000000);
    c.end = utc_text(w.ends_at_us.value_or(0) / 1000000);
  }
  WindowState s;
  try {
    MaintenanceWindow window(c);
    auto o = window.opening_from(now_us);
    if (!o) {
      s.text = "over";
    } else if (o->first <= now_us) {
      s.kind = WindowState::open;
      s.at_us = o->second;
      s.text = "OPEN until " + utc_text(o->second / 1000000);
    } else {
      s.kind = WindowState::next;
      s.at_us = o->first;
      s.text = "next " + utc_text(o->first / 1000000);
    }
  } catch (const std::exception& e) {
    s.kind = WindowState::unreadable;
    s.text = std::string("unreadable: ") + e.what();
  }
  return s;
}

}  // namespace watchpost
