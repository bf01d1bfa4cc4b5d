// A maintenance window as a pipeline file (or the catalogue) writes it; the config parser
// fills it and maintenance_window.hpp makes it a clock. Kept apart so config.hpp stays light.
#pragma once

#include "config/options.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace watchpost {

// A window as a file (or the catalogue) writes it.
struct MaintenanceConfig {
  std::string name;
  std::string schedule;      // cron; empty: a one-off window
  int64_t duration_ms = 0;   // recurring: how long each opening lasts; one-off: instead of `end`
  std::string start, end;    // one-off: "2026-12-01T22:00:00Z", or local "2026-12-01 22:00" in `timezone`
  std::string timezone = "UTC";
  std::vector<std::string> targets;  // selector: these target ids (top level only)
  std::vector<std::pair<std::string, std::string>> labels;  // selector: targets with all these labels (top level only)
  Position pos;
};

}  // namespace watchpost
