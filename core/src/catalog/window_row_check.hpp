// A maintenance window for the catalogue, checked by the code that checks a pipeline file's
// windows (so the same errors), and made the row stored: one-off times become instants, local
// times read in the window's time zone. Used by `watchpost maintenance` and the REST API.
#pragma once

#include "maintenance/maintenance_config.hpp"
#include "maintenance_rows.hpp"

#include <optional>
#include <string>

namespace watchpost {

// Throws MaintenanceError (field and fix) when the window is not one.
pg::WindowRow window_row(const MaintenanceConfig& window, const std::optional<std::string>& owner,
                         const std::optional<std::string>& comment);

// Where a stored window stands at `now_us`: open (until when), or when it opens next, or over.
struct WindowState {
  enum { open, next, over, unreadable } kind = over;
  int64_t at_us = 0;  // open: when it closes; next: when it opens
  std::string text;   // "OPEN until 2026-...Z", "next 2026-...Z", "over", or what is wrong
};
WindowState window_state(const pg::WindowRow& row, int64_t now_us);

}  // namespace watchpost
