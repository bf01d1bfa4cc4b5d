// Maintenance windows (docs/maintenance.md): times in which a target's checks still run and
// are stored, marked `in_maintenance`, while its alerts neither fire nor notify and reports
// leave those checks out of uptime.
//
// A window is one-off (start, and end or duration) or recurring (a cron schedule and a
// duration), in a time zone. One chosen by selectors (top-level `maintenance:` of a pipeline
// file) applies to the targets it lists and/or whose labels it names, every target when it
// names none; one in a target's own `maintenance:` (or the catalogue's, which reaches the
// target that way) applies to that target alone.
#pragma once

#include "maintenance_config.hpp"
#include "results/result.hpp"

#include <cctz/time_zone.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace watchpost {

class CronExpression;

// What is wrong with a window's field.
class MaintenanceError : public std::runtime_error {
 public:
  MaintenanceError(std::string field, const std::string& message) : std::runtime_error(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

class MaintenanceWindow {
 public:
  // Throws MaintenanceError naming the field and the fix.
  explicit MaintenanceWindow(const MaintenanceConfig& config);
  ~MaintenanceWindow();
  MaintenanceWindow(const MaintenanceWindow&) = delete;
  MaintenanceWindow& operator=(const MaintenanceWindow&) = delete;

  const std::string& name() const { return name_; }
  // Whether the window is open at `at_us` (µs since the Unix epoch). Not thread-safe (it keeps
  // the answer's span, so a million targets' checks cost one computation per opening).
  bool open_at(int64_t at_us) const;
  // The opening that contains `at_us` or comes next after it, as [start, end) in µs;
  // nullopt when none is left.
  std::optional<std::pair<int64_t, int64_t>> opening_from(int64_t at_us) const;
  bool selects(const std::string& target_id, const Labels& labels) const;

 private:
  std::string name_;
  std::unique_ptr<CronExpression> schedule_;
  int64_t duration_us_ = 0;
  int64_t start_us_ = 0, end_us_ = 0;  // one-off
  cctz::time_zone zone_;
  std::vector<std::string> targets_;
  Labels labels_;
  mutable int64_t cached_from_ = 1, cached_until_ = 0;  // [from, until): the answer below holds
  mutable bool cached_open_ = false;
};

using MaintenanceWindows = std::vector<std::shared_ptr<const MaintenanceWindow>>;

// The name of the first of `windows` open at `at_us`, or empty.
const std::string* open_window(const MaintenanceWindows& windows, int64_t at_us);

// "2026-12-01T22:00:00Z" (an offset, or none: `zone`'s local time) in µs; nullopt when unreadable.
std::optional<int64_t> parse_window_time(const std::string& text, const cctz::time_zone& zone);

}  // namespace watchpost
