// Alert state that outlives a node: in PostgreSQL's `alerts` table when the pipeline stores its
// results there. A second node that takes over a target (as a writer takes over a partition)
// finds the alert firing, does not announce it again, and sends its resolve; `watchpost alerts`
// and /status show what fires.
#include "http_client.hpp"
#include "alerting_node.hpp"
#include "http_target.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "wait.hpp"
#include "webhook_events.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include <csignal>

namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

std::vector<std::string> notifications(const HttpTarget& receiver) { return wt::webhook_events(receiver, "node"); }
using wt::join;

int64_t scalar(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work w(c);
  return w.exec(sql)[0][0].as<int64_t>();
}

// One node: http probe of `site_url` every second, results into PostgreSQL, a webhook notifier.
struct Node : wt::AlertingNode {
  std::string admin;  // the admin endpoint's port
  Node(const std::string& name, const std::string& site_url, const HttpTarget& receiver, const std::string& dsn)
      : Node(name, site_url, receiver, dsn, std::to_string(wt::free_port())) {}
  Node(const std::string& name, const std::string& site_url, const HttpTarget& receiver, const std::string& dsn,
       const std::string& port)
      : wt::AlertingNode(setup(name, site_url, receiver, dsn, port)), admin(port) {}
  static wt::AlertingNodeSetup setup(const std::string& name, const std::string& site_url, const HttpTarget& receiver,
                                     const std::string& dsn, const std::string& port) {
    wt::AlertingNodeSetup s;
    s.node = name;
    s.target_url = site_url;
    s.rules = "      - {name: down, down: 2, up: 1}\n";
    s.notifiers = wt::webhook_notifier(receiver.url("/hook"));
    s.sinks = "[{plugin: pg_sink, dsn: \"" + dsn + "\", batch_delay: 50ms}]";
    s.extra = "admin: {listen: \"127.0.0.1:" + port + "\"}\n";
    return s;
  }
};

}  // namespace

TEST(AlertState, ANodeThatTakesOverATargetFindsItsAlertInPostgresAndSendsOnlyTheResolve) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site, receiver;
  site.set_switch(503);
  {
    Node a("writer-a", site.url("/switch"), receiver, pg.dsn());
    ASSERT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 1; }, std::chrono::seconds(30)))
        << a.process->err_so_far();
    ASSERT_TRUE(wt::wait_until([&] {
      return scalar(pg.dsn(), "SELECT count(*) FROM watchpost.alerts WHERE ended_at IS NULL") == 1;
    }, std::chrono::seconds(10)));
    // /status shows what fires, without the URL.
    auto [code, body] = wt::http_get("http://127.0.0.1:" + a.admin + "/status");
    ASSERT_EQ(code, 200);
    auto status = nlohmann::json::parse(body);
    ASSERT_EQ(status["alerts"].size(), 1u) << body;
    EXPECT_EQ(status["alerts"][0].value("alert_id", ""), "web/down/site");
    EXPECT_EQ(status["alerts"][0].dump().find("/switch"), std::string::npos) << "no URL in the alert: " << body;
    auto ended = a.stop();
    EXPECT_EQ(ended.exit_code, 0);
  }
  // Another node, with a spool folder of its own (nothing of a's): the alert is in PostgreSQL.
  Node b("writer-b", site.url("/switch"), receiver, pg.dsn());
  uint64_t seen = site.requests_to("/switch");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/switch") >= seen + 3; }, std::chrono::seconds(30)));
  EXPECT_EQ(join(notifications(receiver)), "writer-a:firing") << "b took the firing alert over unannounced";

  auto listed = wt::run_process({WATCHPOST_BIN, "alerts", "--dsn", pg.dsn(), "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto j = nlohmann::json::parse(listed.out);
  ASSERT_EQ(j["firing"].size(), 1u) << listed.out;
  EXPECT_EQ(j["firing"][0].value("rule", ""), "down");
  EXPECT_EQ(j["firing"][0].value("target_id", ""), "site");
  EXPECT_EQ(listed.out.find(wt::PostgresServer::kPassword), std::string::npos);

  site.set_switch(200);
  ASSERT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 2; }, std::chrono::seconds(30)));
  EXPECT_EQ(join(notifications(receiver)), "writer-a:firing writer-b:resolved");
  ASSERT_TRUE(wt::wait_until([&] {
    return scalar(pg.dsn(), "SELECT count(*) FROM watchpost.alerts WHERE ended_at IS NOT NULL") == 1;
  }, std::chrono::seconds(10)));
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.alerts"), 1) << "one alert, one row, fire to resolve";

  listed = wt::run_process({WATCHPOST_BIN, "alerts", "--dsn", pg.dsn()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("Firing now: 0"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("down              site"), std::string::npos) << listed.out;
  auto ended = b.stop();
  EXPECT_EQ(ended.exit_code, 0);
  EXPECT_NE(ended.err.find("alert state is kept in PostgreSQL"), std::string::npos) << ended.err.substr(0, 3000);
  EXPECT_EQ(ended.err.find(wt::PostgresServer::kPassword), std::string::npos) << "no password in the log";
}

// A database (or schema) no writer has used yet: `alerts` says so plainly, like `report`,
// not with PostgreSQL's SQL error and its caret.
TEST(AlertState, AlertsOnADatabaseNoWriterUsedSaysSoInsteadOfPrintingSql) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  auto listed = wt::run_process({WATCHPOST_BIN, "alerts", "--dsn", pg.dsn(), "--schema", "nothere"});
  EXPECT_EQ(listed.exit_code, 1);
  EXPECT_NE(listed.err.find("no alert state in schema 'nothere'"), std::string::npos) << listed.err;
  EXPECT_EQ(listed.err.find("LINE 1"), std::string::npos) << listed.err;
  EXPECT_EQ(listed.err.find(wt::PostgresServer::kPassword), std::string::npos) << listed.err;
}

TEST(AlertState, AlertsWaitWhilePostgresIsDownAndNoneIsLost) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site, receiver;
  site.set_switch(503);
  pg.stop();
  Node a("writer-a", site.url("/switch"), receiver, pg.dsn());
  // The database is away: the alert stage cannot read its state, so its batches wait (spooled).
  uint64_t seen = site.requests_to("/switch");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/switch") >= seen + 3; }, std::chrono::seconds(30)));
  EXPECT_TRUE(notifications(receiver).empty()) << "judged without knowing what fires elsewhere";
  pg.start();
  ASSERT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 1; }, std::chrono::seconds(40)))
      << a.process->err_so_far().substr(0, 3000);
  site.set_switch(200);
  ASSERT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 2; }, std::chrono::seconds(30)));
  EXPECT_EQ(join(notifications(receiver)), "writer-a:firing writer-a:resolved");
  auto ended = a.stop();
  EXPECT_EQ(ended.exit_code, 0);
  EXPECT_EQ(ended.err.find(wt::PostgresServer::kPassword), std::string::npos) << "no password in the log";
}
