// pg_targets against a real PostgreSQL: rows added, changed, disabled and deleted while the
// pipeline runs take effect within 2 s (LISTEN/NOTIFY), untouched targets keep their slots, a
// restart of PostgreSQL is survived with a full resync, bad rows are skipped and counted, a
// thousand changes in one transaction arrive together, and SIGHUP switches a pipeline from a
// YAML list to the catalogue and back.
#include "http_target.hpp"
#include "migrations.hpp"
#include "pg_statements.hpp"
#include "observe/metrics.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <csignal>

#include <unistd.h>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

using wt::migrate;
using wt::sql;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<ResultPtr> since(const wt::SeenResults& seen, const std::string& target, int64_t since_us) {
  std::vector<ResultPtr> out;
  for (auto& r : seen.all())
    if (r->target_id == target && r->scheduled_at_us >= since_us) out.push_back(r);
  return out;
}

bool metric_is(const std::string& sample, double value) {
  std::string page = metrics().render_prometheus();
  auto at = page.find(sample + " ");
  return at != std::string::npos && std::stod(page.substr(at + sample.size() + 1)) == value;
}

std::string pipeline(const std::string& dsn, const std::string& interval = "1s") {
  return "pipelines:\n"
         "  - name: live\n"
         "    probe: {plugin: http, interval: " + interval + ", timeout: 2s}\n"
         "    targets: {plugin: pg_targets, dsn: '" + dsn + "'}\n"
         "    sinks: [{plugin: chaos}]\n";
}

std::string row(const std::string& id, const std::string& url, const std::string& extra_columns = "",
                const std::string& extra_values = "") {
  return "INSERT INTO watchpost.target_catalog (id, pipeline, url" + extra_columns + ") VALUES ('" + id + "', 'live', '" +
         url + "'" + extra_values + ")";
}

}  // namespace

TEST(PgTargets, RowsAddedChangedDisabledAndDeletedTakeEffectWithinTwoSeconds) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  migrate(pg.dsn());
  sql(pg.dsn(), row("steady", site.url("/text/steady")));
  sql(pg.dsn(), row("changing", site.url("/text/changing")));
  sql(pg.dsn(), row("pausing", site.url("/text/pausing")));
  sql(pg.dsn(), row("leaving", site.url("/text/leaving")));
  wt::RunningRuntime rt(pipeline(pg.dsn()));
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("leaving") >= 1 && rt.seen.count("steady") >= 2; },
                             std::chrono::seconds(15)));
  int64_t steady_phase = rt.seen.first("steady")->scheduled_at_us % 1000000;

  int64_t t = now_us();
  sql(pg.dsn(), row("arriving", site.url("/text/arriving")));
  EXPECT_TRUE(wt::wait_until([&] { return rt.seen.count("arriving") >= 1; }, std::chrono::seconds(2)))
      << "an added row is checked within 2 s of its commit";

  t = now_us();
  sql(pg.dsn(), "UPDATE watchpost.target_catalog SET url = '" + site.url("/status/503") + "' WHERE id = 'changing'");
  EXPECT_TRUE(wt::wait_until(
      [&] {
        auto r = rt.seen.last("changing");
        return r && r->scheduled_at_us > t && r->http_status == 503;
      },
      std::chrono::seconds(2)))
      << "a new URL is used within 2 s";

  t = now_us();
  sql(pg.dsn(), "UPDATE watchpost.target_catalog SET url = '" + site.url("/text/changing") +
                    "', must_match = 'no such words' WHERE id = 'changing'");
  EXPECT_TRUE(wt::wait_until(
      [&] {
        auto r = rt.seen.last("changing");
        return r && r->scheduled_at_us > t && r->error_kind == WP_ERR_BODY_MISMATCH;
      },
      std::chrono::seconds(2)))
      << "a per-row pattern needs no YAML";

  int64_t paused_at = now_us();
  sql(pg.dsn(), "UPDATE watchpost.target_catalog SET enabled = false WHERE id = 'pausing'");
  sql(pg.dsn(), "DELETE FROM watchpost.target_catalog WHERE id = 'leaving'");
  ASSERT_TRUE(wt::wait_until([&] { return since(rt.seen, "steady", paused_at + 3'000'000).size() >= 1; },
                             std::chrono::seconds(6)));
  // A check in flight when the change arrived may still be delivered; its slot is earlier.
  for (const char* gone : {"pausing", "leaving"})
    for (auto& r : since(rt.seen, gone, paused_at + 1'500'000)) ADD_FAILURE() << gone << " checked after it went";
  for (auto& r : rt.seen.all())
    if (r->target_id == "steady") EXPECT_EQ(r->scheduled_at_us % 1000000, steady_phase) << "an untouched row kept its slot";
  EXPECT_EQ(rt.seen.duplicates(), 0u);
}

TEST(PgTargets, APostgresRestartIsSurvivedAndAChangeMadeMeanwhileIsApplied) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  migrate(pg.dsn());
  sql(pg.dsn(), row("steady", site.url("/text/steady")));
  sql(pg.dsn(), row("dropped", site.url("/text/dropped")));
  wt::RunningRuntime rt(pipeline(pg.dsn()));
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("dropped") >= 1; }, std::chrono::seconds(15)));

  pg.stop();
  size_t during = rt.seen.count("steady");
  EXPECT_TRUE(wt::wait_until([&] { return rt.seen.count("steady") >= during + 2; }, std::chrono::seconds(5)))
      << "the targets go on being checked while the catalogue is unreachable";
  pg.start();
  // Changed at once, before the plugin has reconnected and listens again: only a resync sees it.
  sql(pg.dsn(), "DELETE FROM watchpost.target_catalog WHERE id = 'dropped'");
  sql(pg.dsn(), row("new", site.url("/text/new")));
  int64_t changed = now_us();
  EXPECT_TRUE(wt::wait_until([&] { return rt.seen.count("new") >= 1; }, std::chrono::seconds(40)))
      << "after the reconnection, a full read applies what changed";
  int64_t later = now_us() + 1'000'000;
  ASSERT_TRUE(wt::wait_until([&] { return since(rt.seen, "steady", later).size() >= 1; }, std::chrono::seconds(5)));
  int64_t applied = rt.seen.first("new")->scheduled_at_us;
  for (auto& r : since(rt.seen, "dropped", std::max(changed, applied))) ADD_FAILURE() << "dropped checked after the resync";
}

TEST(PgTargets, BadRowsAreSkippedCountedAndNamedAndTheRestRun) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  migrate(pg.dsn());
  sql(pg.dsn(), row("good", site.url("/text/good")));
  sql(pg.dsn(), row("bad-url", "example.com/no-scheme"));
  sql(pg.dsn(), row("bad-interval", site.url("/"), ", interval_ms", ", 100"));
  sql(pg.dsn(), row("bad-pattern", site.url("/"), ", must_match", ", '(unclosed'"));
  sql(pg.dsn(), row("bad-method", site.url("/"), ", method", ", 'TRACE'"));
  sql(pg.dsn(), row("bad-option", site.url("/"), ", options", ", '{\"colour\": \"blue\"}'"));
  wt::RunningRuntime rt(pipeline(pg.dsn()));
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("good") >= 1; }, std::chrono::seconds(15)));
  EXPECT_TRUE(wt::wait_until([&] { return metric_is("watchpost_catalog_rejected_targets{pipeline=\"live\"}", 5); },
                             std::chrono::seconds(5)));
  for (const char* bad : {"bad-url", "bad-interval", "bad-pattern", "bad-method", "bad-option"})
    EXPECT_EQ(rt.seen.count(bad), 0u) << bad;
  // Fixed in the table, it runs.
  sql(pg.dsn(), "UPDATE watchpost.target_catalog SET url = '" + site.url("/text/fixed") + "' WHERE id = 'bad-url'");
  EXPECT_TRUE(wt::wait_until([&] { return rt.seen.count("bad-url") >= 1; }, std::chrono::seconds(3)));
}

TEST(PgTargets, AHundredThousandRowsLoadAndAThousandChangedInOneTransactionArriveTogether) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  migrate(pg.dsn());
  sql(pg.dsn(), "INSERT INTO watchpost.target_catalog (id, pipeline, url) SELECT 'site-' || n, 'live', '" +
                    site.url("/") + "?n=' || n FROM generate_series(1, 100000) AS n");
  // An hour's interval: the test is about the catalogue, not about checking 100,000 sites.
  wt::RunningRuntime rt(pipeline(pg.dsn(), "1h"));
  ASSERT_TRUE(wt::wait_until([&] { return metric_is("watchpost_catalog_targets{pipeline=\"live\"}", 100000); },
                             std::chrono::seconds(60)))
      << "every row loaded";
  sql(pg.dsn(), "UPDATE watchpost.target_catalog SET interval_ms = 7200000 WHERE id IN (SELECT 'site-' || n FROM "
                "generate_series(1, 1000) AS n)");
  EXPECT_TRUE(wt::wait_until([&] { return metric_is("watchpost_catalog_changes_total{pipeline=\"live\",change=\"updated\"}", 1000); },
                             std::chrono::seconds(5)))
      << "the thousand changes of one transaction are applied";
  EXPECT_TRUE(metric_is("watchpost_catalog_targets{pipeline=\"live\"}", 100000));
}

TEST(PgTargets, SighupSwitchesAPipelineFromAListToTheCatalogueAndBack) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  migrate(pg.dsn());
  sql(pg.dsn(), row("from-table", site.url("/text/table")));
  std::string listed = "pipelines:\n"
                       "  - name: live\n"
                       "    probe: {plugin: http, interval: 1s, timeout: 2s}\n"
                       "    targets: [{id: from-file, url: '" + site.url("/text/file") + "'}]\n"
                       "    sinks: [{plugin: chaos}]\n";
  wt::RunningRuntime rt(listed);
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("from-file") >= 1; }, std::chrono::seconds(10)));
  wt::write_file(rt.file(), pipeline(pg.dsn()));
  kill(getpid(), SIGHUP);
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("from-table") >= 1; }, std::chrono::seconds(10)));
  wt::write_file(rt.file(), listed);
  kill(getpid(), SIGHUP);
  int64_t back = now_us();
  EXPECT_TRUE(wt::wait_until([&] { return since(rt.seen, "from-file", back + 1'500'000).size() >= 1; },
                             std::chrono::seconds(10)));
  EXPECT_TRUE(since(rt.seen, "from-table", back + 1'500'000).empty()) << "the catalogue's targets left with it";
}
