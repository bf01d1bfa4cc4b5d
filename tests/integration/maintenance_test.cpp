// Maintenance windows end to end: a real watchpost process, a target that is down throughout,
// a webhook receiver and a window that opens and closes while the test watches. Inside it the
// checks go on and are marked; nothing is notified; after it, the target still down, exactly
// one notification. And a window in the catalogue reaches a running pipeline_targets node.
#include "alerting_node.hpp"
#include "catalog_entry.hpp"
#include "http_target.hpp"
#include "pg_statements.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"
#include "webhook_events.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <fstream>

namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

using Clock = std::chrono::system_clock;

std::string rfc3339(Clock::time_point t) {
  std::time_t secs = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// As results write their times (microseconds), so that the texts compare as the times do.
std::string result_time(Clock::time_point t) { return rfc3339(t).substr(0, 19) + ".000000Z"; }

struct Line {
  std::string scheduled_at;
  std::string outcome;
  bool in_maintenance = false;
  std::string window;
};

std::vector<Line> results(const std::string& path) {
  std::vector<Line> out;
  std::ifstream in(path);
  for (std::string text; std::getline(in, text);) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) continue;
    out.push_back({j.value("scheduled_at", ""), j.value("outcome", ""), j.value("in_maintenance", false),
                   j.value("maintenance_window", "")});
  }
  return out;
}

}  // namespace

TEST(Maintenance, NoNotificationInsideAWindowAndOneAfterItWhileTheTargetIsStillDown) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site, receiver;
  site.set_switch(503);
  // Whole seconds: the window opens 1-2 s from now and lasts 6 s. Checks every second (the
  // first at once), and the rule wants 4 downs in a row: before the window at most 3 can count.
  auto opens = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now()) + std::chrono::seconds(2);
  auto closes = opens + std::chrono::seconds(6);
  wt::AlertingNodeSetup s;
  s.target_url = site.url("/switch");
  s.rules = "      - {name: down, down: 4, up: 1}\n";
  s.notifiers = wt::webhook_notifier(receiver.url("/hook"));
  s.extra = "maintenance:\n  - {name: deploy, start: \"" + rfc3339(opens) + "\", end: \"" + rfc3339(closes) + "\"}\n";
  const std::string out = wt::temp_dir() + "/out.jsonl";
  s.sinks = "[{plugin: stdout, format: json, path: \"" + out + "\"}, {plugin: pg_sink, dsn: \"" + pg.dsn() +
            "\", batch_delay: 50ms}]";
  wt::AlertingNode node(s);
  ASSERT_TRUE(wt::wait_until([&] { return !receiver.received().empty(); }, std::chrono::seconds(40)))
      << node.stop().err.substr(0, 3000);
  auto fired_at = Clock::now();
  EXPECT_GE(fired_at, closes) << "nothing may be notified before the window closes";
  // A few more checks, still down: nothing more.
  uint64_t seen = site.requests_to("/switch");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/switch") >= seen + 3; }, std::chrono::seconds(20)));
  EXPECT_EQ(wt::join(wt::webhook_events(receiver)), "down:firing");
  auto event = nlohmann::json::parse(receiver.received().at(0))["events"][0];
  EXPECT_GE(event.value("started_at", ""), rfc3339(closes).substr(0, 19)) << "the alert starts at a slot after the window";
  EXPECT_EQ(node.stop().exit_code, 0);

  // Every check ran and was written; exactly those in the window are marked, with its name.
  auto lines = results(out);
  size_t inside = 0, after = 0;
  for (auto& l : lines) {
    bool within = l.scheduled_at >= result_time(opens) && l.scheduled_at < result_time(closes);
    EXPECT_EQ(l.in_maintenance, within) << l.scheduled_at;
    EXPECT_EQ(l.window, within ? "deploy" : "") << l.scheduled_at;
    EXPECT_EQ(l.outcome, "down") << "the check still ran and saw the site down";
    inside += within;
    after += l.scheduled_at >= result_time(closes);
  }
  EXPECT_GE(inside, 5u) << "a check every second through a 6 s window";
  EXPECT_GE(after, 3u);

  // Stored too, and the window's checks are out of the uptime: every counted check was down.
  auto report = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--since", "1h", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto row = nlohmann::json::parse(report.out)["targets"][0];
  EXPECT_EQ(row.value("checks", 0), static_cast<int64_t>(lines.size())) << report.out;
  EXPECT_EQ(row.value("in_maintenance", 0), static_cast<int64_t>(inside)) << report.out;
  EXPECT_EQ(row.value("down", 0), static_cast<int64_t>(lines.size() - inside)) << report.out;
  EXPECT_EQ(row.value("uptime_percent", -1.0), 0.0) << report.out;
}

// ---- windows in the catalogue ---------------------------------------------------------


namespace {

using wt::sql;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

// The newest result of `target` scheduled after `after_us`, if any.
watchpost::ResultPtr newest_after(const wt::SeenResults& seen, const std::string& target, int64_t after_us) {
  auto r = seen.last(target);
  return r && r->scheduled_at_us > after_us ? r : nullptr;
}

}  // namespace

TEST(Maintenance, AWindowAddedToTheCatalogueReachesARunningPipelineWithinTwoSeconds) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  wt::migrate(pg.dsn());
  for (auto [id, env] : {std::pair<const char*, const char*>{"shop", "prod"}, {"blog", "staging"}})
    sql(pg.dsn(), std::string("INSERT INTO watchpost.target_catalog (id, pipeline, url, labels) VALUES ('") + id +
                      "', 'live', '" + site.url("/text/ok") + "', '{\"env\": \"" + env + "\"}')");
  wt::RunningRuntime rt("pipelines:\n"
                        "  - name: live\n"
                        "    probe: {plugin: http, interval: 1s, timeout: 2s}\n"
                        "    targets: {plugin: pg_targets, dsn: '" + pg.dsn() + "'}\n"
                        "    sinks: [{plugin: chaos}]\n");
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("shop") >= 1 && rt.seen.count("blog") >= 1; },
                             std::chrono::seconds(15)));
  EXPECT_TRUE(rt.seen.last("shop")->maintenance_window.empty());

  // A bad window is refused with the field and the fix, and nothing is stored.
  auto bad = wt::run_process({WATCHPOST_BIN, "maintenance", "add", "deploys", "--dsn", pg.dsn(), "--schedule",
                              "0 2 * * FUNDAY", "--duration", "1h"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;  // a usage error
  EXPECT_NE(bad.err.find("window 'deploys': 'schedule': field 5 (day of week): 'FUNDAY' is not a day of week"),
            std::string::npos)
      << bad.err;
  auto no_key = wt::run_process({WATCHPOST_BIN, "maintenance", "add", "deploys", "--dsn", pg.dsn(), "--schedule",
                                 "* * * * *", "--duration", "1h", "--label", "=prod"});
  EXPECT_EQ(no_key.exit_code, 64) << no_key.err;
  EXPECT_NE(no_key.err.find("--label takes KEY=VALUE"), std::string::npos) << no_key.err;

  // Always open (every minute, for an hour), for the targets labelled env=prod.
  int64_t t = now_us();
  auto add = wt::run_process({WATCHPOST_BIN, "maintenance", "add", "deploys", "--dsn", pg.dsn(), "--schedule",
                              "* * * * *", "--duration", "1h", "--timezone", "Europe/Berlin", "--label", "env=prod",
                              "--comment", "release 4.2"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_TRUE(wt::wait_until(
      [&] {
        auto r = newest_after(rt.seen, "shop", t);
        return r && r->maintenance_window == "deploys";
      },
      std::chrono::seconds(3)))
      << "the window reaches the running pipeline within 2 s of its commit";
  auto blog = newest_after(rt.seen, "blog", now_us() - 1'500'000);
  ASSERT_TRUE(blog);
  EXPECT_TRUE(blog->maintenance_window.empty()) << "a target the window does not choose is not in it";

  auto listed = wt::run_process({WATCHPOST_BIN, "maintenance", "list", "--dsn", pg.dsn(), "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto rows = nlohmann::json::parse(listed.out);
  ASSERT_EQ(rows.size(), 1u) << listed.out;
  EXPECT_EQ(rows[0].value("comment", ""), "release 4.2");
  EXPECT_EQ(rows[0]["labels"].value("env", ""), "prod");
  EXPECT_EQ(rows[0].value("state", "").rfind("OPEN until", 0), 0u) << listed.out;

  t = now_us();
  auto removed = wt::run_process({WATCHPOST_BIN, "maintenance", "remove", "deploys", "--dsn", pg.dsn()});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_TRUE(wt::wait_until(
      [&] {
        auto r = newest_after(rt.seen, "shop", t + 500'000);
        return r && r->maintenance_window.empty();
      },
      std::chrono::seconds(4)))
      << "removing it ends it";
  EXPECT_EQ(rt.seen.duplicates(), 0u);
}

// A target's own window survives an import into the catalogue and an export back; the
// catalogue's windows join it in the definition checkers get, and stay out of the export.
TEST(Maintenance, ATargetsOwnWindowSurvivesImportAndExportBesideTheCataloguesWindows) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  std::string file = wt::temp_dir() + "/site.yaml";
  wt::write_file(file, "pipelines:\n  - name: default\n    probe: {plugin: http}\n    targets:\n"
                       "      - id: shop\n        url: https://shop.example/\n        maintenance:\n"
                       "          - {name: vendor, start: \"2026-12-03 06:00\", duration: 2h, timezone: America/New_York}\n"
                       "    sinks: [{plugin: stdout}]\n");
  auto imported = wt::run_process({WATCHPOST_BIN, "targets", "import", file, "--dsn", pg.dsn(), "--plugin-dir",
                                   WATCHPOST_PLUGIN_DIR});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto added = wt::run_process({WATCHPOST_BIN, "maintenance", "add", "all-nights", "--dsn", pg.dsn(), "--schedule",
                                "0 1 * * *", "--duration", "30m"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  pqxx::connection c(pg.dsn());
  auto entry = watchpost::pg::get_entry(c, "watchpost", "shop");
  ASSERT_TRUE(entry);
  std::string error;
  auto definition = nlohmann::json::parse(watchpost::pg::entry_definition(*entry, error));
  ASSERT_EQ(definition["maintenance"].size(), 2u) << definition.dump();
  EXPECT_EQ(definition["maintenance"][0].value("name", ""), "vendor");
  EXPECT_EQ(definition["maintenance"][1].value("name", ""), "all-nights");
  EXPECT_EQ(definition["maintenance"][1].value("schedule", ""), "0 1 * * *");
  auto exported = wt::run_process({WATCHPOST_BIN, "targets", "export", "--dsn", pg.dsn()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("vendor"), std::string::npos) << exported.out;
  EXPECT_EQ(exported.out.find("all-nights"), std::string::npos) << exported.out;
  // And the exported file is a valid pipeline file with the window in it.
  wt::write_file(file, exported.out);
  auto valid = wt::run_process({WATCHPOST_BIN, "validate", file, "--plugin-dir", WATCHPOST_PLUGIN_DIR});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
}
