// A cron schedule of five fields — minute hour day-of-month month day-of-week — as crontab(5)
// reads it: `*`, lists, ranges, steps, JAN..DEC and SUN..SAT, 7 for Sunday too, and the macros
// @hourly @daily @weekly @monthly @yearly. When both day fields are restricted a day matches
// either (Vixie cron's rule). Times are civil (wall-clock) minutes; the window that uses it
// says in which time zone.
#pragma once

#include <cctz/civil_time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace watchpost {

class CronExpression {
 public:
  // nullopt with `error` set ("field 5 (day of week): 'FUNDAY' is not a day: SUN..SAT or 0..7")
  // when the text is not a schedule, or names a day that never comes (30 February).
  static std::optional<CronExpression> parse(std::string_view text, std::string& error);

  // The first minute at or after `from` that the schedule names; nullopt past ~5 years.
  std::optional<cctz::civil_minute> next(cctz::civil_minute from) const;
  bool day_matches(const cctz::civil_day& d) const;

 private:
  uint64_t minutes_ = 0;   // bit m: minute m
  uint32_t hours_ = 0;     // bit h
  uint32_t days_ = 0;      // bit d, 1..31
  uint16_t months_ = 0;    // bit m, 1..12
  uint8_t weekdays_ = 0;   // bit w, 0 = Sunday
  bool any_day_ = true, any_weekday_ = true;
};

}  // namespace watchpost
