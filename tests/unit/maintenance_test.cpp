// Maintenance windows: cron schedules as crontab(5) reads them, windows in a time zone across
// daylight-saving changes, one-off windows, selectors, what the config says when one is
// wrong, and what the alert engine does with results inside one.
#include "alerting/alert_engine.hpp"
#include "config/config.hpp"
#include "maintenance/cron_expression.hpp"
#include "maintenance/maintenance_calendar.hpp"
#include "maintenance/maintenance_window.hpp"

#include <gtest/gtest.h>

using watchpost::CronExpression;
using watchpost::MaintenanceConfig;
using watchpost::MaintenanceError;
using watchpost::MaintenanceWindow;

namespace {

cctz::civil_minute next(const std::string& cron, cctz::civil_minute from) {
  std::string error;
  auto c = CronExpression::parse(cron, error);
  EXPECT_TRUE(c) << cron << ": " << error;
  if (!c) return {};
  auto n = c->next(from);
  EXPECT_TRUE(n) << cron;
  return n ? *n : cctz::civil_minute{};
}

std::string cron_error(const std::string& cron) {
  std::string error;
  auto c = CronExpression::parse(cron, error);
  return c ? "" : error;
}

int64_t utc_us(const std::string& text) {
  auto t = watchpost::parse_window_time(text, cctz::utc_time_zone());
  EXPECT_TRUE(t) << text;
  return t.value_or(0);
}

MaintenanceConfig recurring(const std::string& schedule, int64_t duration_ms, const std::string& tz = "UTC") {
  MaintenanceConfig c;
  c.name = "w";
  c.schedule = schedule;
  c.duration_ms = duration_ms;
  c.timezone = tz;
  return c;
}

std::string error_of(const MaintenanceConfig& c) {
  try {
    MaintenanceWindow w(c);
  } catch (const MaintenanceError& e) {
    return e.field() + ": " + e.what();
  }
  return "";
}

constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kMinuteUs = 60'000'000;

}  // namespace

TEST(Maintenance, CronFieldsListsRangesStepsAndNames) {
  cctz::civil_minute mon(2026, 11, 30, 10, 7);  // a Monday
  EXPECT_EQ(next("* * * * *", mon), mon);
  EXPECT_EQ(next("0 2 * * SUN", mon), cctz::civil_minute(2026, 12, 6, 2, 0));
  EXPECT_EQ(next("0 2 * * 7", mon), cctz::civil_minute(2026, 12, 6, 2, 0)) << "7 is Sunday too";
  EXPECT_EQ(next("*/15 * * * *", mon), cctz::civil_minute(2026, 11, 30, 10, 15));
  EXPECT_EQ(next("5/20 * * * *", mon), cctz::civil_minute(2026, 11, 30, 10, 25)) << "from 5, every 20: 5 25 45";
  EXPECT_EQ(next("0 9-17/4 * * mon-fri", mon), cctz::civil_minute(2026, 11, 30, 13, 0));
  EXPECT_EQ(next("30 1,22 * * *", mon), cctz::civil_minute(2026, 11, 30, 22, 30));
  EXPECT_EQ(next("0 0 1 JAN *", mon), cctz::civil_minute(2027, 1, 1, 0, 0));
  EXPECT_EQ(next("@monthly", mon), cctz::civil_minute(2026, 12, 1, 0, 0));
  EXPECT_EQ(next("@hourly", mon), cctz::civil_minute(2026, 11, 30, 11, 0));
  EXPECT_EQ(next("0 0 29 2 *", mon), cctz::civil_minute(2028, 2, 29, 0, 0)) << "the next leap day";
  // Both day fields restricted: either matches (the 15th, or any Friday).
  EXPECT_EQ(next("0 0 15 * FRI", mon), cctz::civil_minute(2026, 12, 4, 0, 0));
  EXPECT_EQ(next("0 0 1 * FRI", cctz::civil_minute(2026, 12, 5, 0, 0)), cctz::civil_minute(2026, 12, 11, 0, 0));
}

TEST(Maintenance, ACronErrorNamesTheFieldAndWhatItTakes) {
  EXPECT_NE(cron_error("0 2 * *").find("5 fields"), std::string::npos) << cron_error("0 2 * *");
  EXPECT_NE(cron_error("0 2 * * FUNDAY").find("field 5 (day of week): 'FUNDAY' is not a day of week: 0..7 or SUN..SAT"),
            std::string::npos)
      << cron_error("0 2 * * FUNDAY");
  EXPECT_NE(cron_error("60 * * * *").find("field 1 (minute): '60'"), std::string::npos);
  EXPECT_NE(cron_error("0 5-2 * * *").find("not a range"), std::string::npos);
  EXPECT_NE(cron_error("*/0 * * * *").find("positive"), std::string::npos);
  EXPECT_NE(cron_error("0 0 30 2 *").find("never comes"), std::string::npos);
  EXPECT_NE(cron_error("@fortnightly").find("@weekly"), std::string::npos);
  EXPECT_NE(cron_error("0 0 32 * *").find("1..31"), std::string::npos);
}

TEST(Maintenance, ARecurringWindowOpensAtItsStartAndClosesAfterItsDuration) {
  MaintenanceWindow w(recurring("0 2 * * SUN", 1 * kHour));
  int64_t opens = utc_us("2026-12-06T02:00:00Z");
  EXPECT_FALSE(w.open_at(opens - 1));
  EXPECT_TRUE(w.open_at(opens));
  EXPECT_TRUE(w.open_at(opens + 59 * kMinuteUs));
  EXPECT_FALSE(w.open_at(opens + 60 * kMinuteUs)) << "[start, start + duration)";
  EXPECT_TRUE(w.open_at(opens + 30 * kMinuteUs)) << "asked out of order: still right";
  EXPECT_FALSE(w.open_at(opens - 24 * 60 * kMinuteUs));
  EXPECT_TRUE(w.open_at(opens + 7 * 24 * 60 * kMinuteUs)) << "next Sunday";
  auto o = w.opening_from(opens + 2 * 60 * kMinuteUs);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->first, opens + 7 * 24 * 60 * kMinuteUs);
}

TEST(Maintenance, AWindowInATimeZoneFollowsItsWallClockAcrossDaylightSaving) {
  // 02:00 Berlin: 01:00 UTC in winter, 00:00 UTC in summer.
  MaintenanceWindow w(recurring("0 2 * * *", 30 * 60 * 1000, "Europe/Berlin"));
  EXPECT_TRUE(w.open_at(utc_us("2026-01-15T01:10:00Z")));
  EXPECT_FALSE(w.open_at(utc_us("2026-01-15T00:10:00Z")));
  EXPECT_TRUE(w.open_at(utc_us("2026-07-15T00:10:00Z")));
  EXPECT_FALSE(w.open_at(utc_us("2026-07-15T01:10:00Z")));
  // 29 March 2026: 02:00 does not exist in Berlin (clocks go 02:00 -> 03:00 local, 01:00 UTC);
  // that day's opening starts at the change, as cron implementations that run skipped jobs do.
  EXPECT_TRUE(w.open_at(utc_us("2026-03-29T01:10:00Z")));
  EXPECT_FALSE(w.open_at(utc_us("2026-03-29T01:31:00Z")));
  // 25 October 2026: 02:00-03:00 happens twice (00:00-01:00 and 01:00-02:00 UTC): both open it.
  EXPECT_TRUE(w.open_at(utc_us("2026-10-25T00:10:00Z")));
  EXPECT_FALSE(w.open_at(utc_us("2026-10-25T00:40:00Z")));
  EXPECT_TRUE(w.open_at(utc_us("2026-10-25T01:10:00Z"))) << "the second pass of 02:10";
  EXPECT_FALSE(w.open_at(utc_us("2026-10-25T01:40:00Z")));
  // A window open all the time stays open through the repeated hour (its second pass is
  // 01:00-02:00 UTC, where every local start maps to the first pass): asked minute by minute.
  MaintenanceWindow always(recurring("*/5 * * * *", 5 * 60 * 1000, "Europe/Berlin"));
  for (int64_t t = utc_us("2026-10-24T23:00:00Z"); t < utc_us("2026-10-25T03:00:00Z"); t += 60'000'000)
    ASSERT_TRUE(always.open_at(t)) << "closed at " << (t / 1'000'000) << " (Unix seconds)";
  EXPECT_TRUE(always.open_at(utc_us("2026-10-26T12:00:00Z"))) << "and after it";
}

TEST(Maintenance, AOneOffWindowTakesAnEndOrADurationAndLocalTimes) {
  MaintenanceConfig c;
  c.name = "migration";
  c.start = "2026-12-01T22:00:00Z";
  c.end = "2026-12-01T23:30:00+00:00";
  MaintenanceWindow a(c);
  EXPECT_FALSE(a.open_at(utc_us("2026-12-01T21:59:59Z")));
  EXPECT_TRUE(a.open_at(utc_us("2026-12-01T22:00:00Z")));
  EXPECT_FALSE(a.open_at(utc_us("2026-12-01T23:30:00Z")));
  EXPECT_FALSE(a.opening_from(utc_us("2026-12-02T00:00:00Z"))) << "nothing left after it";
  c.end.clear();
  c.duration_ms = 2 * kHour;
  c.start = "2026-12-01 22:00";  // New York's local time: 03:00 UTC the next day
  c.timezone = "America/New_York";
  MaintenanceWindow b(c);
  EXPECT_TRUE(b.open_at(utc_us("2026-12-02T03:00:00Z")));
  EXPECT_TRUE(b.open_at(utc_us("2026-12-02T04:59:00Z")));
  EXPECT_FALSE(b.open_at(utc_us("2026-12-02T05:00:00Z")));
}

TEST(Maintenance, AWrongWindowSaysWhichFieldAndTheFix) {
  EXPECT_NE(error_of(recurring("0 2 * * SUN", 0)).find("duration: a recurring window needs a 'duration'"), std::string::npos);
  EXPECT_NE(error_of(recurring("0 2 * * SUN", kHour, "Mars/Olympus")).find("timezone: 'Mars/Olympus' is not a time zone"),
            std::string::npos);
  EXPECT_NE(error_of(recurring("0 2 * *", kHour)).find("schedule: 'schedule': a schedule has 5 fields"), std::string::npos);
  // A zone is a name, never a path to open (a FIFO would hang the API request that named it).
  for (const char* path : {"/etc/localtime", "/dev/zero", "../../etc/passwd", "Europe/../../../dev/zero", "Europe/Berlin\n"})
    EXPECT_NE(error_of(recurring("@daily", kHour, path)).find("is not a time zone"), std::string::npos) << path;
  EXPECT_EQ(error_of(recurring("@daily", kHour, "America/Argentina/Buenos_Aires")), "");
  EXPECT_EQ(error_of(recurring("@daily", kHour, "Etc/GMT+5")), "");
  MaintenanceConfig c;
  c.name = "x";
  EXPECT_NE(error_of(c).find("start: a window needs 'schedule' and 'duration'"), std::string::npos) << error_of(c);
  c.start = "tomorrow";
  c.end = "2026-12-01T23:30:00Z";
  EXPECT_NE(error_of(c).find("start: 'start': 'tomorrow' is not a time"), std::string::npos) << error_of(c);
  c.start = "2026-12-02T00:00:00Z";
  EXPECT_NE(error_of(c).find("end: 'end' must come after 'start'"), std::string::npos) << error_of(c);
  c.schedule = "@daily";
  EXPECT_NE(error_of(c).find("not both"), std::string::npos) << error_of(c);
}

TEST(Maintenance, SelectorsChooseByIdAndLabelsAndTheCalendarSharesWindows) {
  MaintenanceConfig everyone = recurring("@daily", kHour);
  everyone.name = "all";
  MaintenanceConfig prod = recurring("@daily", kHour);
  prod.name = "prod";
  prod.labels = {{"env", "prod"}};
  MaintenanceConfig shop = recurring("@daily", kHour);
  shop.name = "shop";
  shop.targets = {"shop"};
  shop.labels = {{"env", "prod"}};
  watchpost::MaintenanceCalendar calendar({everyone, prod, shop});
  auto names = [&](const std::string& id, const watchpost::Labels& labels) {
    std::string out;
    if (auto set = calendar.windows_for(id, labels, {}))
      for (auto& w : *set) out += (out.empty() ? "" : " ") + w->name();
    return out;
  };
  EXPECT_EQ(names("blog", {}), "all");
  EXPECT_EQ(names("blog", {{"env", "prod"}, {"team", "web"}}), "all prod");
  EXPECT_EQ(names("shop", {{"env", "prod"}}), "all prod shop");
  EXPECT_EQ(names("shop", {{"env", "staging"}}), "all") << "every selector given must match";
  // A million targets under the same windows share one set, and their own windows one clock.
  auto a = calendar.windows_for("a", {}, {recurring("@weekly", kHour)});
  auto b = calendar.windows_for("b", {}, {recurring("@weekly", kHour)});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->size(), 2u);
}

namespace {

struct EmptyCatalog : watchpost::SchemaCatalog {
  const watchpost::OptionSchema* schema(std::string_view, watchpost::Kind) const override { return nullptr; }
  std::vector<std::string> plugin_names(watchpost::Kind) const override { return {}; }
  std::vector<std::string> plugin_kinds(std::string_view) const override { return {}; }
};

std::string config_error(const std::string& yaml) {
  EmptyCatalog catalog;
  try {
    watchpost::parse_config(yaml, "m.yaml", catalog);
  } catch (const watchpost::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Maintenance, TheFilesWindowsAreCheckedWithTheirPositions) {
  std::string e = config_error(
      "maintenance:\n"
      "  - {name: deploys, schedule: \"0 2 * * FUNDAY\", duration: 1h}\n"
      "  - {name: tz, schedule: \"@daily\", duration: 1h, timezone: Mars/Olympus}\n"
      "  - {name: once, start: \"2026-12-01T22:00:00Z\"}\n"
      "  - {name: odd, schedule: \"@daily\", duration: 1h, every: 2}\n"
      "pipelines: []\n");
  EXPECT_NE(e.find("m.yaml:2:31: maintenance window 'deploys': 'schedule': field 5 (day of week)"), std::string::npos) << e;
  EXPECT_NE(e.find("m.yaml:3:60: maintenance window 'tz': 'Mars/Olympus' is not a time zone"), std::string::npos) << e;
  EXPECT_NE(e.find("m.yaml:4:25: maintenance window 'once': a one-off window needs one of 'end' or 'duration'"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("m.yaml:5:51: unknown key 'every'"), std::string::npos) << e;
}

TEST(Maintenance, ResultsInAWindowNeitherFireNorResolveAnAlert) {
  watchpost::AlertRuleConfig rule;
  rule.name = "down";
  rule.down = 3;
  rule.up = 1;
  watchpost::AlertEngine engine("web", {rule}, "node", nullptr);
  auto r = [](int slot, bool up, bool in_window) {
    watchpost::Result x;
    x.target_id = "site";
    x.scheduled_at_us = 1'800'000'000'000'000 + slot * 10'000'000LL;
    x.outcome = up ? WP_OUTCOME_UP : WP_OUTCOME_DOWN;
    if (in_window) x.maintenance_window = "deploys";
    return x;
  };
  std::vector<watchpost::AlertRecord> events;
  engine.observe(r(0, false, false), events);
  engine.observe(r(1, false, false), events);
  for (int i = 2; i < 10; ++i) engine.observe(r(i, false, true), events);
  EXPECT_TRUE(events.empty()) << "eight down results inside the window: nothing fires";
  engine.observe(r(10, false, false), events);
  ASSERT_EQ(events.size(), 1u) << "the first down result after it is the third that counts";
  EXPECT_EQ(events[0].state, WP_ALERT_FIRING);
  events.clear();
  for (int i = 11; i < 15; ++i) engine.observe(r(i, true, true), events);
  EXPECT_TRUE(events.empty()) << "up results inside a window do not resolve it either";
  EXPECT_EQ(engine.firing(), 1u);
  engine.observe(r(15, true, false), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].state, WP_ALERT_RESOLVED);
}

#include "target_codec.hpp"

#include <nlohmann/json.hpp>

// A catalogue target's windows travel with its definition, in the fleet's Avro records too
// (in the record's `options` map, as JSON text), and come back as they went.
TEST(Maintenance, ATargetsWindowsSurviveTheFleetsAvroCatalogueRecord) {
  nlohmann::json d = {{"url", "https://shop.example/"},
                      {"maintenance",
                       {{{"name", "deploys"}, {"schedule", "0 2 * * SUN"}, {"duration", "3600000ms"},
                         {"timezone", "Europe/Berlin"}},
                        {{"name", "once"}, {"start", "2026-12-01T22:00:00Z"}, {"end", "2026-12-01T23:30:00Z"},
                         {"timezone", "UTC"}}}}};
  watchpost::avro::TargetEncoder encoder;
  watchpost::avro::TargetDecoder decoder(watchpost::avro::target_schema_json());
  std::string back;
  ASSERT_EQ(decoder.decode(encoder.encode(d.dump()), [&](const std::string& definition) { back = definition; }), "");
  EXPECT_EQ(nlohmann::json::parse(back)["maintenance"], d["maintenance"]) << back;
}
