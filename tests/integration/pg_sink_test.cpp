// pg_sink against a real PostgreSQL 15 started by the test, with exact accounting by result id.
#include "config/config.hpp"
#include "plugins/instance.hpp"
#include "delivery/sink_worker.hpp"
#include "plugins/loader.hpp"
#include "observe/metrics.hpp"
#include "migrations.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "results/result.hpp"
#include "runtime.hpp"
#include "runtime_harness.hpp"
#include "results/ulid.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;

namespace {

const PluginCatalog& catalog() { return wt::test_catalog(); }

#define REQUIRE_POSTGRES()                                                          \
  if (auto why = wt::PostgresServer::unavailable_reason(); !why.empty()) GTEST_SKIP() << why

// A pg_sink instance made through the plugin, as the core makes it.
class Sink {
 public:
  explicit Sink(const std::string& dsn, const std::string& retention = "30d", const std::string& schema = "watchpost") {
    const Plugin* p = catalog().find("pg_sink");
    instance_ = std::make_unique<SinkInstance>(p->library, p->descriptor->sink, "test/pg_sink");
    OptionList opts;
    for (auto [name, value] : {std::pair<const char*, std::string>{"dsn", dsn}, {"schema", schema},
                               {"retention", retention}, {"connect_timeout", "5s"}}) {
      OptionValue v;
      EXPECT_EQ(parse_scalar_option(*p->sink.find(name), value, v), "");
      opts.push_back(v);
    }
    instance_->create(opts);
  }
  // WP_OK, WP_RETRY or WP_ERROR; `message` gets the error.
  int write(const std::vector<ResultPtr>& batch, std::string* message = nullptr) {
    ResultViews views(batch);
    wp_error err = SinkInstance::blank_error();
    int rc = instance_->api()->write(instance_->handle(), views.data(), views.size(), &err);
    if (message) *message = err.message;
    return rc;
  }

 private:
  std::unique_ptr<SinkInstance> instance_;
};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ResultPtr result(const std::string& target, int64_t scheduled_us, int32_t outcome, int64_t total_us = 1000,
                 int32_t kind = WP_ERR_NONE, const std::string& message = "") {
  auto r = std::make_shared<Result>();
  r->result_id = make_ulid(scheduled_us / 1000);
  r->target_id = target;
  r->pipeline = "web";
  r->url = "https://" + target + ".example/";
  r->node = "n1";
  r->labels = std::make_shared<Labels>(Labels{{"team", "web"}});
  r->scheduled_at_us = scheduled_us;
  r->started_at_us = scheduled_us + 10;
  r->total_us = total_us;
  r->http_status = outcome == WP_OUTCOME_UP ? 200 : 0;
  r->outcome = outcome;
  r->error_kind = kind;
  r->error_message = message;
  return r;
}

int64_t scalar(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work w(c);
  return w.exec(sql)[0][0].as<int64_t>();
}

}  // namespace

TEST(PgSink, HundredThousandResultsStoredExactlyOnceWhenEveryBatchArrivesTwice) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink sink(pg.dsn());
  int64_t base = now_us() - 3'600'000'000;
  for (int b = 0; b < 100; ++b) {
    std::vector<ResultPtr> batch;
    for (int i = 0; i < 1000; ++i) {
      int n = b * 1000 + i;
      batch.push_back(result("t" + std::to_string(n % 100), base + n * 1000, n % 7 ? WP_OUTCOME_UP : WP_OUTCOME_DOWN));
    }
    std::string why;
    ASSERT_EQ(sink.write(batch, &why), WP_OK) << why;
    ASSERT_EQ(sink.write(batch, &why), WP_OK) << "the same batch again: " << why;
  }
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results"), 100'000);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(DISTINCT result_id) FROM watchpost.check_results"), 100'000);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.targets"), 100);
}

TEST(PgSink, TargetsHoldTheLatestStatusAndConsecutiveFailures) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink sink(pg.dsn());
  int64_t t0 = now_us() - 600'000'000;
  ASSERT_EQ(sink.write({result("shop", t0, WP_OUTCOME_UP, 120'000),
                        result("shop", t0 + 60'000'000, WP_OUTCOME_DOWN, 5'000'000, WP_ERR_TIMEOUT, "slow")}),
            WP_OK);
  ASSERT_EQ(sink.write({result("shop", t0 + 120'000'000, WP_OUTCOME_DOWN, 5'000'000, WP_ERR_TIMEOUT, "slower")}), WP_OK);
  pqxx::connection c(pg.dsn());
  {
    pqxx::work w(c);
    auto row = w.exec("SELECT outcome, consecutive_failures, error_kind, error_message, last_up_at IS NOT NULL, "
                      "total_us FROM watchpost.targets WHERE target_id = 'shop'")[0];
    EXPECT_EQ(row[0].as<std::string>(), "down");
    EXPECT_EQ(row[1].as<int>(), 2);
    EXPECT_EQ(row[2].as<std::string>(), "timeout");
    EXPECT_EQ(row[3].as<std::string>(), "slower");
    EXPECT_TRUE(row[4].as<bool>());
    EXPECT_EQ(row[5].as<int64_t>(), 5'000'000);
  }
  // A late, older result is history, not status.
  ASSERT_EQ(sink.write({result("shop", t0 + 30'000'000, WP_OUTCOME_UP)}), WP_OK);
  ASSERT_EQ(sink.write({result("shop", t0 + 180'000'000, WP_OUTCOME_UP, 90'000)}), WP_OK);
  pqxx::work w(c);
  auto row = w.exec("SELECT outcome, consecutive_failures, error_kind IS NULL FROM watchpost.targets")[0];
  EXPECT_EQ(row[0].as<std::string>(), "up");
  EXPECT_EQ(row[1].as<int>(), 0);
  EXPECT_TRUE(row[2].as<bool>());
  EXPECT_EQ(w.exec("SELECT count(*) FROM watchpost.check_results")[0][0].as<int>(), 5);
}

// A batch of new rows takes the COPY-straight-in path and has its per-target summary made in
// C++; a batch holding a row stored before takes the staging path, summarised in SQL. The
// same results through either path must leave the same latest status.
TEST(PgSink, BothWritePathsLeaveTheSameLatestStatus) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink fresh(pg.dsn(), "30d", "fresh");
  Sink redelivered(pg.dsn(), "30d", "redelivered");
  double rows_written_before = metrics().get("watchpost_plugin_rows_written_total{instance=\"test/pg_sink\"}");
  double already_before = metrics().get("watchpost_plugin_rows_already_stored_total{instance=\"test/pg_sink\"}");
  int64_t t0 = now_us() - 3'600'000'000;
  auto seed = result("seed", t0, WP_OUTCOME_UP);
  ASSERT_EQ(fresh.write({seed}), WP_OK);
  ASSERT_EQ(redelivered.write({seed}), WP_OK);
  uint32_t lcg = 12345;
  auto next = [&] { return (lcg = lcg * 1103515245u + 12345u) >> 8; };
  for (int b = 0; b < 20; ++b) {
    std::vector<ResultPtr> batch;
    for (int i = 0; i < 200; ++i) {
      // 30 targets, mostly up, some down, some late (older than what a target already has).
      int64_t at = t0 + 1'000'000 + int64_t(b) * 60'000'000 + int64_t(next() % 120) * 1'000'000 + i;
      int32_t outcome = next() % 5 ? WP_OUTCOME_UP : WP_OUTCOME_DOWN;
      batch.push_back(result("t" + std::to_string(next() % 30), at, outcome, next() % 100'000,
                             outcome == WP_OUTCOME_UP ? WP_ERR_NONE : WP_ERR_TIMEOUT,
                             outcome == WP_OUTCOME_UP ? "" : "slow " + std::to_string(i)));
    }
    std::string why;
    ASSERT_EQ(fresh.write(batch, &why), WP_OK) << why;
    batch.push_back(seed);  // stored already: this batch must take the staging path
    ASSERT_EQ(redelivered.write(batch, &why), WP_OK) << why;
  }
  const std::string cols =
      "pipeline, target_id, url, node, labels, outcome, http_status, total_us, error_kind, error_message, "
      "tls_days_left, consecutive_failures, last_checked_at, last_result_id, last_up_at, last_down_at";
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM fresh.targets"), 31);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM redelivered.targets"), 31);
  // Both instances are named test/pg_sink: 2 seeds + 2 × 4,000 new rows stored, 20 redelivered seeds not.
  EXPECT_EQ(metrics().get("watchpost_plugin_rows_written_total{instance=\"test/pg_sink\"}") - rows_written_before,
            2 + 2 * 4000)
      << "rows_written counts rows stored, not rows offered";
  EXPECT_EQ(metrics().get("watchpost_plugin_rows_already_stored_total{instance=\"test/pg_sink\"}") - already_before, 20);
  // Rows of either table the other lacks, as text, so a failure shows what differs.
  pqxx::connection c(pg.dsn());
  pqxx::work w(c);
  std::string differing;
  for (auto [a, b] : {std::pair{"fresh", "redelivered"}, std::pair{"redelivered", "fresh"}})
    for (auto row : w.exec("SELECT d::text FROM (SELECT " + cols + " FROM " + a + ".targets EXCEPT SELECT " + cols +
                           " FROM " + b + ".targets) d"))
      differing += std::string("only in ") + a + ": " + row[0].c_str() + "\n";
  EXPECT_EQ(differing, "");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM fresh.check_results"), 4001);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM redelivered.check_results"), 4001);
  EXPECT_GT(scalar(pg.dsn(), "SELECT max(consecutive_failures) FROM fresh.targets"), 0) << "the mix has failures";
}

// PostgreSQL's text refuses NUL and bytes that are not UTF-8; one such result must not make
// the whole batch fail for good. They are stored as U+FFFD.
TEST(PgSink, TextThatPostgresWouldRefuseIsStoredWithReplacementCharacters) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink sink(pg.dsn());
  int64_t t = now_us() - 60'000'000;
  auto bad = result("shop", t, WP_OUTCOME_DOWN, 1000, WP_ERR_PROBE, std::string("bad \xFF byte and a \0 NUL", 22));
  std::const_pointer_cast<Result>(bad)->labels =
      std::make_shared<Labels>(Labels{{"team", std::string("w\0b", 3)}, {"note", "caf\xC3\xA9 \xC3"}});
  std::string why;
  ASSERT_EQ(sink.write({bad, result("shop", t + 1, WP_OUTCOME_UP)}, &why), WP_OK) << why;
  pqxx::connection c(pg.dsn());
  pqxx::work w(c);
  auto row = w.exec("SELECT error_message, labels->>'team', labels->>'note' FROM watchpost.check_results "
                    "WHERE outcome = 'down'")[0];
  EXPECT_EQ(row[0].as<std::string>(), "bad \xEF\xBF\xBD byte and a \xEF\xBF\xBD NUL");
  EXPECT_EQ(row[1].as<std::string>(), "w\xEF\xBF\xBD" "b");
  EXPECT_EQ(row[2].as<std::string>(), "caf\xC3\xA9 \xEF\xBF\xBD");
  EXPECT_EQ(w.exec("SELECT count(*) FROM watchpost.check_results")[0][0].as<int>(), 2);
}

TEST(PgSink, PostgresRestartedMidStreamLosesAndDuplicatesNothing) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/p.yaml", "pipelines:\n  - name: web\n    probe: {plugin: cprobe, interval: 1s}\n"
                                  "    targets: [{id: a, name: a}, {id: b, name: b}, {id: c, name: c}, {id: d, name: d}]\n"
                                  "    sinks: [{plugin: pg_sink, dsn: \"" + pg.dsn() +
                                  "\", batch_delay: 50ms, max_retry_delay: 500ms}]\n");
  std::mutex mu;
  std::set<std::string> observed;
  RunOptions o;
  o.observer = [&](const ResultPtr& r) {
    std::lock_guard<std::mutex> lock(mu);
    observed.insert(r->result_id);
  };
  Runtime rt(catalog(), load_config(dir + "/p.yaml", catalog()), dir + "/p.yaml", std::move(o));
  std::thread runner([&] { rt.run(); });
  auto stored = [&] {
    try {
      return scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results");
    } catch (const std::exception&) {
      return int64_t{-1};
    }
  };
  ASSERT_TRUE(wt::wait_until([&] { return stored() >= 4; }, std::chrono::seconds(30)));
  const std::string retries = "watchpost_sink_retries_total{sink=\"web/pg_sink\"}";
  double before = metrics().get(retries);
  pg.stop();
  EXPECT_TRUE(wt::wait_until([&] { return metrics().get(retries) > before; }, std::chrono::seconds(30)))
      << "writes must fail (and be retried) while PostgreSQL is down";
  pg.start();
  size_t observed_at_restart;
  {
    std::lock_guard<std::mutex> lock(mu);
    observed_at_restart = observed.size();
  }
  ASSERT_TRUE(wt::wait_until([&] { return stored() >= static_cast<int64_t>(observed_at_restart) + 4; },
                             std::chrono::seconds(30)));
  rt.request_stop();
  runner.join();
  pqxx::connection c(pg.dsn());
  pqxx::work w(c);
  std::multiset<std::string> in_db;
  for (auto row : w.exec("SELECT result_id FROM watchpost.check_results")) in_db.insert(row[0].as<std::string>());
  EXPECT_EQ(in_db.size(), observed.size()) << "every observed result stored, none twice";
  for (auto& id : observed) EXPECT_EQ(in_db.count(id), 1u) << id;
}

TEST(PgSink, WritersStartingTogetherApplyMigrationsOnce) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  std::vector<std::thread> writers;
  std::atomic<int> ok{0};
  int64_t t = now_us();
  for (int i = 0; i < 4; ++i)
    writers.emplace_back([&, i] {
      Sink sink(pg.dsn());
      std::string why;
      if (sink.write({result("w" + std::to_string(i), t + i, WP_OUTCOME_UP)}, &why) == WP_OK) ++ok;
      else ADD_FAILURE() << why;
    });
  for (auto& w : writers) w.join();
  EXPECT_EQ(ok.load(), 4);
  size_t migration_count = 0;
  pg::migrations(migration_count);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.schema_migrations"), static_cast<int64_t>(migration_count))
      << "each migration applied once, however many writers raced";
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results"), 4);
  // Migration 2: a row's stored_at is its own insert time, not its transaction's start.
  EXPECT_EQ(scalar(pg.dsn(),
                   "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'watchpost' AND "
                   "table_name = 'check_results' AND column_name = 'stored_at' AND "
                   "column_default = 'clock_timestamp()'"),
            1);
}

TEST(PgSink, WrongPasswordAndBadDsnGiveClearErrors) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink wrong(pg.dsn("not-the-password"));
  std::string why;
  EXPECT_EQ(wrong.write({result("x", now_us(), WP_OUTCOME_UP)}, &why), WP_RETRY);
  EXPECT_NE(why.find("host=127.0.0.1 port=" + std::to_string(pg.port())), std::string::npos) << why;
  EXPECT_NE(why.find("password authentication failed"), std::string::npos) << why;
  EXPECT_EQ(why.find("not-the-password"), std::string::npos) << "the password must never be shown";

  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/bad.yaml", R"(pipelines:
  - probe: {plugin: cprobe}
    targets: [{name: x}]
    sinks:
      - plugin: pg_sink
        dsn: "host='unterminated"
)");
  try {
    load_config(dir + "/bad.yaml", catalog());
    FAIL() << "a malformed dsn must be a config error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml:6:14: sink 'pg_sink': 'dsn': not a valid libpq connection string"),
              std::string::npos)
        << e.what();
  }
}

TEST(PgSink, RetentionDropsOldDailyPartitions) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink sink(pg.dsn(), "7d");
  int64_t now = now_us();
  ASSERT_EQ(sink.write({result("old", now - 20LL * 86'400'000'000, WP_OUTCOME_UP), result("new", now, WP_OUTCOME_UP)}),
            WP_OK);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results WHERE target_id = 'old'"), 0);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results WHERE target_id = 'new'"), 1);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                             "WHERE p.relname = 'check_results'"),
            1)
      << "only today's partition remains";
}

// Checks in a maintenance window are stored, marked, and left out of uptime, latency and the
// up/down/unknown counts — by the report, the latest status and the API's numbers alike.
TEST(Report, ChecksInAMaintenanceWindowAreStoredMarkedAndLeftOutOfUptime) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink sink(pg.dsn());
  int64_t now = now_us();
  std::vector<ResultPtr> batch;
  // 30 checks: 0-9 up, 10-19 down inside the window "deploys", 20-27 up, 28 down, 29 down in a window.
  for (int i = 0; i < 30; ++i) {
    bool in_window = (i >= 10 && i < 20) || i == 29;
    bool down = (i >= 10 && i < 20) || i >= 28;
    auto r = std::const_pointer_cast<Result>(result("shop", now - (30 - i) * 60'000'000LL,
                                                    down ? WP_OUTCOME_DOWN : WP_OUTCOME_UP, down ? 9'000'000 : 20'000,
                                                    down ? WP_ERR_HTTP_STATUS : WP_ERR_NONE, down ? "HTTP 503" : ""));
    if (in_window) r->maintenance_window = "deploys";
    batch.push_back(r);
  }
  ASSERT_EQ(sink.write(batch), WP_OK);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results WHERE in_maintenance AND "
                             "maintenance_window = 'deploys'"),
            11)
      << "stored, and marked";
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results WHERE NOT in_maintenance AND "
                             "maintenance_window IS NULL"),
            19);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT in_maintenance::int FROM watchpost.targets WHERE target_id = 'shop'"), 1)
      << "the latest status says its newest check was in a window";

  auto r = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--since", "24h", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto shop = nlohmann::json::parse(r.out)["targets"][0];
  EXPECT_EQ(shop["checks"], 30);
  EXPECT_EQ(shop["in_maintenance"], 11);
  EXPECT_EQ(shop["up"], 18);
  EXPECT_EQ(shop["down"], 1) << "the ten downs inside the window are not the site's";
  EXPECT_NEAR(shop["uptime_percent"].get<double>(), 100.0 * 18 / 19, 1e-9);
  EXPECT_DOUBLE_EQ(shop["latency_ms"]["max"].get<double>(), 20.0);
  auto table = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--since", "24h"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("MAINT"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("11 checks fell in maintenance windows (MAINT): left out of UP, DOWN, UNKNOWN, UPTIME"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("94.74%"), std::string::npos) << table.out;

  // The next batch is outside any window: the latest status says so.
  ASSERT_EQ(sink.write({result("shop", now, WP_OUTCOME_UP, 20'000)}), WP_OK);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT in_maintenance::int FROM watchpost.targets WHERE target_id = 'shop'"), 0);
}

TEST(Report, NumbersEqualThoseComputedByHand) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink sink(pg.dsn());
  // A known history: shop 40 checks (latencies 10..400 ms, every 8th down), blog 10 checks
  // (all up), and an old check outside the window.
  int64_t now = now_us();
  std::vector<ResultPtr> batch;
  std::vector<int64_t> shop_up_latencies;
  int shop_up = 0, shop_down = 0;
  for (int i = 0; i < 40; ++i) {
    bool down = i % 8 == 7;
    int64_t latency = (i + 1) * 10'000;
    batch.push_back(result("shop", now - (40 - i) * 60'000'000LL, down ? WP_OUTCOME_DOWN : WP_OUTCOME_UP, latency,
                           down ? WP_ERR_HTTP_STATUS : WP_ERR_NONE, down ? "HTTP 503" : ""));
    if (down) ++shop_down;
    else {
      ++shop_up;
      shop_up_latencies.push_back(latency);
    }
  }
  for (int i = 0; i < 10; ++i) batch.push_back(result("blog", now - (10 - i) * 60'000'000LL, WP_OUTCOME_UP, 50'000));
  batch.push_back(result("shop", now - 48LL * 3'600'000'000, WP_OUTCOME_DOWN, 1, WP_ERR_DNS, "too old to count"));
  ASSERT_EQ(sink.write(batch), WP_OK);

  auto r = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--since", "24h", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["targets"].size(), 2u) << r.out;
  auto shop = report["targets"][1];
  ASSERT_EQ(shop["target_id"], "shop");
  EXPECT_EQ(shop["checks"], 40);
  EXPECT_EQ(shop["up"], shop_up);
  EXPECT_EQ(shop["down"], shop_down);
  EXPECT_NEAR(shop["uptime_percent"].get<double>(), 100.0 * shop_up / 40, 1e-9);
  std::sort(shop_up_latencies.begin(), shop_up_latencies.end());
  auto pct = [&](double p) {  // percentile_disc: the first value whose rank reaches p
    size_t idx = static_cast<size_t>(std::ceil(p * shop_up_latencies.size())) - 1;
    return shop_up_latencies[idx] / 1000.0;
  };
  EXPECT_DOUBLE_EQ(shop["latency_ms"]["p50"].get<double>(), pct(0.5));
  EXPECT_DOUBLE_EQ(shop["latency_ms"]["p95"].get<double>(), pct(0.95));
  EXPECT_DOUBLE_EQ(shop["latency_ms"]["max"].get<double>(), shop_up_latencies.back() / 1000.0);
  EXPECT_EQ(shop["last_error"]["kind"], "http_status");
  EXPECT_EQ(shop["last_error"]["message"], "HTTP 503");
  auto blog = report["targets"][0];
  EXPECT_EQ(blog["checks"], 10);
  EXPECT_DOUBLE_EQ(blog["uptime_percent"].get<double>(), 100.0);
  EXPECT_TRUE(blog["last_error"].is_null());

  auto one = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--target", "blog"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("blog"), std::string::npos) << one.out;
  EXPECT_EQ(one.out.find("shop"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("100.00%"), std::string::npos) << one.out;
}

TEST(PgSink, UriDsnsAreCheckedAsStrictlyAsKeyValueOnesAndNeverEchoed) {
  std::string dir = wt::temp_dir();
  auto error_for = [&](const std::string& dsn) -> std::string {
    wt::write_file(dir + "/dsn.yaml", "pipelines:\n  - probe: {plugin: cprobe}\n    targets: [{id: x, name: x}]\n"
                                      "    sinks: [{plugin: pg_sink, dsn: \"" + dsn + "\"}]\n");
    try {
      load_config(dir + "/dsn.yaml", catalog());
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  for (std::string dsn : {"postgresql://app:hunter2@127.0.0.1/db?sslmode=bogus", "host=h password=hunter2 sslmode=bogus"}) {
    std::string e = error_for(dsn);
    EXPECT_NE(e.find("sslmode must be one of disable, allow"), std::string::npos) << dsn << ": " << e;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  }
  std::string port = error_for("postgresql://app:hunter2@127.0.0.1:54x2/db");
  EXPECT_NE(port, "") << "a port that is not a number";
  EXPECT_EQ(port.find("hunter2"), std::string::npos) << port;
  std::string garbled = error_for("host=h password hunter2");
  EXPECT_NE(garbled.find("not a valid libpq connection string"), std::string::npos) << garbled;
  EXPECT_EQ(garbled.find("hunter2"), std::string::npos) << "libpq quotes the fragment it cannot parse: " << garbled;
  EXPECT_EQ(error_for("postgresql://app@127.0.0.1/db?sslmode=verify-full"), "");
}

// Issue 10's case 2 against the real database: one result PostgreSQL refuses (an index row too
// large; decoders refuse such ids now, so it is built here) among 39 good ones in one batch.
TEST(PgSink, OneResultPostgresRefusesIsDeadLetteredAndTheOther39AreStored) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  std::string dead = wt::temp_dir() + "/dead.jsonl";
  const Plugin* p = catalog().find("pg_sink");
  auto instance = std::make_unique<SinkInstance>(p->library, p->descriptor->sink, "poison/pg_sink");
  OptionList opts;
  OptionValue dsn;
  ASSERT_EQ(parse_scalar_option(*p->sink.find("dsn"), pg.dsn(), dsn), "");
  opts.push_back(dsn);
  instance->create(opts);
  SinkConfig config;
  config.batch_size = 40;
  config.batch_delay_ms = 1000;
  config.dead_letter = dead;
  std::mutex mu;
  size_t settled = 0;
  SinkWorker worker(std::move(instance), config, "poison", [] {}, [&](const std::vector<ResultPtr>& b) {
    std::lock_guard<std::mutex> lock(mu);
    settled += b.size();
  });
  worker.start();
  int64_t t0 = now_us() - 60'000'000;
  std::string poison_id, long_id;
  uint32_t lcg = 7;  // varied characters: a repetitive id would compress into the index
  for (int i = 0; i < 4000; ++i) long_id += static_cast<char>('a' + ((lcg = lcg * 1103515245u + 12345u) >> 16) % 26);
  for (int i = 0; i < 40; ++i) {
    auto r = result(i == 17 ? long_id : "t" + std::to_string(i), t0 + i * 1000, WP_OUTCOME_UP);
    if (i == 17) poison_id = r->result_id;
    worker.push(r);
  }
  ASSERT_TRUE(wt::wait_until([&] {
    std::lock_guard<std::mutex> lock(mu);
    return settled == 40;
  }, std::chrono::seconds(30)));
  worker.close(std::chrono::steady_clock::now());
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.check_results"), 39) << "the rest of the batch is stored";
  std::string letters = wt::read_file(dead);
  EXPECT_EQ(std::count(letters.begin(), letters.end(), '\n'), 1) << letters.substr(0, 300);
  EXPECT_NE(letters.find(poison_id), std::string::npos);
  EXPECT_NE(letters.find("\"reason\":"), std::string::npos);
}

TEST(PgSink, TheRegionACheckRanFromIsStoredAndNullWithoutOne) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  Sink sink(pg.dsn());
  int64_t t0 = now_us() - 60'000'000;
  auto from_eu = std::make_shared<Result>(*result("shop", t0, WP_OUTCOME_UP));
  from_eu->region = "eu-west";
  auto nowhere = result("blog", t0 + 1000, WP_OUTCOME_UP);
  ASSERT_EQ(sink.write({from_eu, nowhere}), WP_OK);
  pqxx::connection c(pg.dsn());
  pqxx::work w(c);
  EXPECT_EQ(w.exec("SELECT region FROM watchpost.check_results WHERE target_id = 'shop'")[0][0].as<std::string>(),
            "eu-west");
  EXPECT_TRUE(w.exec("SELECT region FROM watchpost.check_results WHERE target_id = 'blog'")[0][0].is_null());
}

// pg_sink's options with a quorum over `regions`.
OptionList quorum_options(const std::string& dsn, const std::string& quorum, std::vector<std::string> regions) {
  const Plugin* p = catalog().find("pg_sink");
  OptionList opts;
  for (auto [name, value] : {std::pair<const char*, std::string>{"dsn", dsn}, {"quorum", quorum}}) {
    OptionValue v;
    EXPECT_EQ(parse_scalar_option(*p->sink.find(name), value, v), "");
    opts.push_back(v);
  }
  OptionValue list;
  list.name = "regions";
  list.type = WP_OPT_STRING_LIST;
  list.items = std::move(regions);
  opts.push_back(list);
  return opts;
}

// Quorum verdicts (issue 13): three regions, quorum 2; results of one slot arrive in separate
// batches, as they do from different checkers, and the verdict follows each arrival.
TEST(PgSink, QuorumVerdictsJoinTheRegionsOfEachSlot) {
  REQUIRE_POSTGRES();
  wt::PostgresServer pg;
  const Plugin* p = catalog().find("pg_sink");
  SinkInstance sink(p->library, p->descriptor->sink, "test/pg_sink");
  sink.create(quorum_options(pg.dsn(), "2", {"eu", "us", "ap"}));
  auto write = [&](const std::vector<ResultPtr>& batch) {
    ResultViews views(batch);
    wp_error err = SinkInstance::blank_error();
    return sink.api()->write(sink.handle(), views.data(), views.size(), &err);
  };
  int64_t slot = (now_us() / 1'000'000 - 120) * 1'000'000;
  auto from = [&](const std::string& target, const std::string& region, int32_t outcome) {
    auto r = std::make_shared<Result>(*result(target, slot, outcome));
    r->region = region;
    r->result_id = make_ulid(slot / 1000 + std::hash<std::string>()(target + region) % 1000);
    return r;
  };
  auto verdict = [&](const std::string& target) {
    pqxx::connection c(pg.dsn());
    pqxx::work w(c);
    auto r = w.exec("SELECT verdict, array_to_string(regions_down, ','), array_to_string(regions_missing, ',') "
                    "FROM watchpost.verdicts WHERE target_id = " + w.quote(target));
    return r.empty() ? std::string("none") : std::string(r[0][0].c_str()) + " down=" + r[0][1].c_str() +
                                                 " missing=" + r[0][2].c_str();
  };
  // First batch: what eu saw.
  ASSERT_EQ(write({from("one-down", "eu", WP_OUTCOME_DOWN), from("two-down", "eu", WP_OUTCOME_DOWN),
                   from("ap-silent", "eu", WP_OUTCOME_UP)}),
            WP_OK);
  EXPECT_EQ(verdict("one-down"), "degraded down=eu missing=ap,us") << "one region down is not enough";
  // Then us and ap.
  ASSERT_EQ(write({from("one-down", "us", WP_OUTCOME_UP), from("one-down", "ap", WP_OUTCOME_UP),
                   from("two-down", "us", WP_OUTCOME_DOWN), from("two-down", "ap", WP_OUTCOME_UP),
                   from("ap-silent", "us", WP_OUTCOME_UP)}),
            WP_OK);
  EXPECT_EQ(verdict("one-down"), "degraded down=eu missing=");
  EXPECT_EQ(verdict("two-down"), "down down=eu,us missing=") << "two of three with quorum 2";
  EXPECT_EQ(verdict("ap-silent"), "up down= missing=ap") << "a region that did not report is missing, not down";
  // A slot checked inside a maintenance window is judged so, whatever the regions saw.
  auto in_window = [&](const std::string& region) {
    auto r = from("in-window", region, WP_OUTCOME_DOWN);
    r->maintenance_window = "deploys";
    return r;
  };
  ASSERT_EQ(write({in_window("eu"), in_window("us"), in_window("ap")}), WP_OK);
  EXPECT_EQ(verdict("in-window"), "maintenance down=ap,eu,us missing=");
  // A result without a region (a single node) makes no verdict.
  ASSERT_EQ(write({result("plain", slot, WP_OUTCOME_DOWN)}), WP_OK);
  EXPECT_EQ(verdict("plain"), "none");

  // watchpost report shows them: per target by verdict, and what each region saw.
  auto report = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--since", "1h"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto at = report.out.find("Verdicts across regions");
  ASSERT_NE(at, std::string::npos) << report.out;
  auto line_of = [&](const std::string& from, const std::string& target) {
    auto p = report.out.find("\n" + std::string("web") + std::string(11, ' ') + target, report.out.find(from));
    return p == std::string::npos ? std::string() : report.out.substr(p + 1, report.out.find('\n', p + 1) - p - 1);
  };
  EXPECT_NE(line_of("Verdicts across regions", "two-down").find("0.00%"), std::string::npos) << report.out;
  EXPECT_NE(line_of("Verdicts across regions", "one-down").find("100.00%"), std::string::npos)
      << "degraded is not down: " << report.out;
  EXPECT_NE(report.out.find("By region"), std::string::npos);
  EXPECT_EQ(line_of("Verdicts across regions", "plain"), "") << "no verdict without regions";

  auto as_json = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--since", "1h", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  auto j = nlohmann::json::parse(as_json.out);
  ASSERT_TRUE(j["verdicts"].is_array()) << as_json.out;
  std::map<std::string, nlohmann::json> by_target;
  for (auto& v : j["verdicts"]) by_target[v["target_id"].get<std::string>()] = v;
  EXPECT_EQ(by_target["two-down"]["down"], 1);
  EXPECT_EQ(by_target["one-down"]["degraded"], 1);
  EXPECT_EQ(by_target["in-window"]["maintenance"], 1);
  EXPECT_TRUE(by_target["in-window"]["uptime_percent"].is_null()) << "no slot left to judge: " << as_json.out;
  EXPECT_EQ(by_target.count("plain"), 0u);
  EXPECT_EQ(j["regions"].size(), 11u) << "one-down, two-down and in-window from 3 regions, ap-silent from 2";
  EXPECT_TRUE(j["targets"].is_array()) << "the per-target report is still there";
}

TEST(PgSink, AQuorumAboveTheRegionsListedIsAConfigError) {
  const Plugin* p = catalog().find("pg_sink");
  OptionList opts = quorum_options("host=127.0.0.1", "3", {"eu", "us"});
  OptionsView view(opts);
  wp_error err = SinkInstance::blank_error();
  EXPECT_EQ(p->descriptor->sink->validate(view.get(), &err), WP_ERROR);
  EXPECT_EQ(std::string(err.option), "quorum");
  EXPECT_NE(std::string(err.message).find("only 2 regions"), std::string::npos) << err.message;
}
