#include "maintenance_window.hpp"

#include "cron_expression.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace watchpost {

namespace {

using Seconds = cctz::time_point<cctz::seconds>;

int64_t us_of(const Seconds& t) { return static_cast<int64_t>(t.time_since_epoch().count()) * 1'000'000; }

Seconds seconds_of(int64_t us) {
  int64_t s = us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);  // floor
  return Seconds(cctz::seconds(s));
}

// A window lasting longer than this is surely a mistake (and would make every lookup slow).
constexpr int64_t kLongestDurationMs = 31LL * 24 * 3600 * 1000;

}  // namespace

std::optional<int64_t> parse_window_time(const std::string& text, const cctz::time_zone& zone) {
  std::string t = text;
  // RFC 3339's "Z" as the offset cctz reads.
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) t = t.substr(0, t.size() - 1) + "+00:00";
  static const char* const kFormats[] = {"%Y-%m-%dT%H:%M:%S%Ez", "%Y-%m-%d %H:%M:%S%Ez", "%Y-%m-%dT%H:%M%Ez",
                                         "%Y-%m-%d %H:%M%Ez",    "%Y-%m-%dT%H:%M:%S",    "%Y-%m-%d %H:%M:%S",
                                         "%Y-%m-%dT%H:%M",       "%Y-%m-%d %H:%M",       "%Y-%m-%d"};
  for (const char* f : kFormats) {
    Seconds tp;
    if (cctz::parse(f, t, zone, &tp)) return us_of(tp);
  }
  return std::nullopt;
}

MaintenanceWindow::MaintenanceWindow(const MaintenanceConfig& c)
    : name_(c.name), targets_(c.targets), labels_(c.labels) {
  if (name_.empty()) throw MaintenanceError("name", "a maintenance window needs a 'name' (it marks the results)");
  // A zone is a name under the system's zoneinfo, never a path: cctz would open "/dev/..." or
  // "../x" as a file (a FIFO would hang whoever asked, an API request included).
  bool name_ok = !c.timezone.empty() && c.timezone.size() <= 64 && c.timezone[0] != '/' &&
                 c.timezone.find("..") == std::string::npos;
  for (char ch : c.timezone)
    name_ok = name_ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' || ch == '+');
  if (!name_ok || !cctz::load_time_zone(c.timezone, &zone_))
    throw MaintenanceError("timezone", "'" + c.timezone + "' is not a time zone this machine knows (an IANA name such as "
                                      "Europe/Berlin or America/New_York, or UTC; they come from the tzdata package)");
  if (c.duration_ms < 0 || c.duration_ms > kLongestDurationMs)
    throw MaintenanceError("duration", "'duration' must be between 1m and 31 days");
  if (!c.schedule.empty()) {
    if (!c.start.empty() || !c.end.empty())
      throw MaintenanceError("schedule", "a window is recurring ('schedule' and 'duration') or one-off ('start' and "
                                         "'end' or 'duration'), not both");
    std::string why;
    auto cron = CronExpression::parse(c.schedule, why);
    if (!cron) throw MaintenanceError("schedule", "'schedule': " + why);
    schedule_ = std::make_unique<CronExpression>(*cron);
    if (c.duration_ms < 60'000)
      throw MaintenanceError("duration", "a recurring window needs a 'duration' of at least 1m (e.g. 2h)");
    duration_us_ = c.duration_ms * 1000;
    return;
  }
  if (c.start.empty())
    throw MaintenanceError("start", "a window needs 'schedule' and 'duration' (recurring) or 'start' and 'end' (one-off)");
  auto start = parse_window_time(c.start, zone_);
  if (!start)
    throw MaintenanceError("start", "'start': '" + c.start + "' is not a time: write 2026-12-01T22:00:00Z, or a local "
                                    "time such as 2026-12-01 22:00 in the window's 'timezone'");
  start_us_ = *start;
  if (!c.end.empty() == (c.duration_ms > 0))
    throw MaintenanceError(c.end.empty() ? "start" : "end", "a one-off window needs one of 'end' or 'duration'");
  if (!c.end.empty()) {
    auto end = parse_window_time(c.end, zone_);
    if (!end) throw MaintenanceError("end", "'end': '" + c.end + "' is not a time (2026-12-01T23:30:00Z)");
    end_us_ = *end;
  } else {
    end_us_ = start_us_ + c.duration_ms * 1000;
  }
  if (end_us_ <= start_us_) throw MaintenanceError("end", "'end' must come after 'start'");
}

MaintenanceWindow::~MaintenanceWindow() = default;

std::optional<std::pair<int64_t, int64_t>> MaintenanceWindow::opening_from(int64_t at_us) const {
  if (!schedule_) {
    if (at_us >= end_us_) return std::nullopt;
    return std::make_pair(start_us_, end_us_);
  }
  // The first start after `at - duration`: if it is not after `at`, that opening holds `at`.
  // Starts are wall-clock minutes; a minute that happens twice (clocks set back) starts twice,
  // once in each pass (so a window open "all the time" stays open through both); one that
  // never happens (clocks set forward) starts at the change. An absolute start after `after` is at most a clock change
  // earlier on the wall: the search begins two hours before, and ends once a minute's first
  // instant (never decreasing with the minute, cctz guarantees) is past the best start found.
  const int64_t after_us = at_us - duration_us_;
  cctz::civil_minute c = cctz::civil_minute(cctz::convert(seconds_of(after_us), zone_)) - 120;
  std::optional<int64_t> best;
  for (int guard = 0; guard < 10000; ++guard) {
    auto next = schedule_->next(c);
    if (!next) break;
    const auto look = zone_.lookup(cctz::civil_second(*next));
    const int64_t first = us_of(look.kind == cctz::time_zone::civil_lookup::SKIPPED ? look.trans : look.pre);
    if (best && first > *best) break;
    const int64_t second = look.kind == cctz::time_zone::civil_lookup::REPEATED ? us_of(look.post) : first;
    for (int64_t start : {first, second})
      if (start > after_us && (!best || start < *best)) best = start;
    c = *next + 1;
  }
  if (!best) return std::nullopt;
  return std::make_pair(*best, *best + duration_us_);
}

bool MaintenanceWindow::open_at(int64_t at_us) const {
  if (at_us >= cached_from_ && at_us < cached_until_) return cached_open_;
  auto o = opening_from(at_us);
  if (!o) {
    cached_from_ = at_us;
    cached_until_ = INT64_MAX;
    cached_open_ = false;
  } else if (o->first <= at_us) {
    cached_from_ = o->first;
    cached_until_ = o->second;
    cached_open_ = true;
  } else {
    // Closed from `at` until the next opening (none starts in between, or it would have been found).
    cached_from_ = at_us;
    cached_until_ = o->first;
    cached_open_ = false;
  }
  return cached_open_;
}

bool MaintenanceWindow::selects(const std::string& target_id, const Labels& labels) const {
  if (!targets_.empty() && std::find(targets_.begin(), targets_.end(), target_id) == targets_.end()) return false;
  for (auto& want : labels_)
    if (std::find(labels.begin(), labels.end(), want) == labels.end()) return false;
  return true;
}

const std::string* open_window(const MaintenanceWindows& windows, int64_t at_us) {
  for (auto& w : windows)
    if (w->open_at(at_us)) return &w->name();
  return nullptr;
}

}  // namespace watchpost
