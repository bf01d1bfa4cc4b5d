// The Grafana dashboards in examples/grafana/ are well-formed, and every query in them runs:
// the PostgreSQL one's SQL against a real database with watchpost's schema (Grafana's macros
// expanded as Grafana expands them), the Prometheus one's expressions in
// prometheus_test.cpp against a real Prometheus that scraped a node.
#include "grafana_dashboard.hpp"
#include "migrations.hpp"
#include "postgres_server.hpp"

#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include <regex>

namespace wt = watchpost::testing;

TEST(Grafana, BothDashboardsAreWellFormedForImport) {
  for (const char* name : {"watchpost-postgres.json", "watchpost-prometheus.json"}) {
    auto d = wt::grafana_dashboard(name);
    ASSERT_TRUE(d.is_object()) << name << " is not JSON";
    EXPECT_FALSE(d.value("title", "").empty()) << name;
    EXPECT_FALSE(d.value("uid", "").empty()) << name;
    ASSERT_EQ(d["__inputs"].size(), 1u) << name << ": one data source to pick at import";
    std::string input = "${" + d["__inputs"][0].value("name", "") + "}";
    std::set<int> ids;
    for (auto& p : d["panels"]) {
      EXPECT_TRUE(ids.insert(p.value("id", -1)).second) << name << ": panel ids are unique";
      EXPECT_EQ(p["datasource"].value("uid", ""), input) << name << ": " << p.value("title", "");
      EXPECT_FALSE(p["targets"].empty()) << name << ": " << p.value("title", "");
      for (auto key : {"x", "y", "w", "h"}) EXPECT_TRUE(p["gridPos"].contains(key)) << name;
    }
    EXPECT_GE(ids.size(), 5u) << name;
  }
}

TEST(Grafana, EverySqlQueryOfThePostgresDashboardRunsOnWatchpostsSchema) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  pqxx::connection c(pg.dsn());
  watchpost::pg::apply_migrations(c, "watchpost");
  {
    pqxx::work w(c);  // one row in each table the dashboard reads, so each query returns something
    w.exec("CREATE TABLE watchpost.check_results_today PARTITION OF watchpost.check_results "
           "FOR VALUES FROM (now() - interval '2 days') TO (now() + interval '1 day')");
    w.exec("INSERT INTO watchpost.check_results (result_id, pipeline, target_id, url, node, scheduled_at, started_at, "
           "outcome, error_kind, error_message, http_status, total_us) VALUES "
           "('01J0000000000000000000000A', 'web', 'shop', 'http://x/', 'n1', now() - interval '1 hour', "
           "now() - interval '1 hour', 'down', 'http_status', 'HTTP 503', 503, 1200), "
           "('01J0000000000000000000000B', 'web', 'shop', 'http://x/', 'n1', now() - interval '30 minutes', "
           "now() - interval '30 minutes', 'up', NULL, NULL, 200, 800)");
    w.exec("INSERT INTO watchpost.targets (pipeline, target_id, url, node, outcome, last_checked_at, last_result_id) "
           "VALUES ('web', 'shop', 'http://x/', 'n1', 'down', now(), '01J0000000000000000000000A')");
    w.exec("INSERT INTO watchpost.alerts (pipeline, rule, target_id, severity, summary, value, started_at, last_slot) "
           "VALUES ('web', 'down', 'shop', 'critical', 'shop is down', '1 down', now(), now())");
    w.commit();
  }
  auto d = wt::grafana_dashboard("watchpost-postgres.json");
  size_t queries = 0;
  for (auto& p : d["panels"]) {
    for (auto& t : p["targets"]) {
      std::string sql = wt::expand_grafana_sql_macros(t.value("rawSql", ""), "1 day");
      ASSERT_EQ(sql.find("$__"), std::string::npos) << "a macro the test does not expand: " << sql;
      pqxx::work w(c);
      try {
        auto rows = w.exec(sql);
        EXPECT_FALSE(rows.empty()) << p.value("title", "") << " returned nothing:\n" << sql;
        if (t.value("format", "") == "time_series") {
          EXPECT_GE(rows.columns(), 2u);
          EXPECT_STREQ(rows.column_name(0), "time") << "Grafana's time series need a time column first";
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << p.value("title", "") << ": " << e.what() << "\n" << sql;
      }
      ++queries;
    }
  }
  EXPECT_GE(queries, 6u);
}
