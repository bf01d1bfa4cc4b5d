// `watchpost targets` against a real PostgreSQL, through the binary as an operator runs it:
// writes are validated like a pipeline file, rows round-trip through import and export, list
// names the rows a pipeline skips, and a running `watchpost run` checks an added site within
// 2 s.
#include "http_target.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <csignal>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

wt::ProcessResult targets(const wt::PostgresServer& pg, std::vector<std::string> args) {
  std::vector<std::string> argv = {WATCHPOST_BIN, "targets"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--dsn", pg.dsn()});
  return wt::run_process(argv, std::chrono::seconds(60));
}

std::string scalar(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work w(c);
  auto r = w.exec(sql);
  return r.empty() || r[0][0].is_null() ? std::string("NULL") : std::string(r[0][0].c_str());
}

void execute(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work w(c);
  w.exec(sql);
  w.commit();
}

}  // namespace

TEST(TargetsCli, AddUpdateDisableEnableRemoveAreValidatedFirst) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  auto added = targets(pg, {"add", "--id", "shop", "--url", "https://shop.example/", "--pipeline", "web", "--interval",
                            "1m", "--match", "Add to cart", "--label", "team=web"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(scalar(pg.dsn(), "SELECT interval_ms FROM watchpost.target_catalog WHERE id = 'shop'"), "60000");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT labels->>'team' FROM watchpost.target_catalog WHERE id = 'shop'"), "web");

  auto again = targets(pg, {"add", "--id", "shop", "--url", "https://shop.example/"});
  EXPECT_EQ(again.exit_code, 64);
  EXPECT_NE(again.err.find("exists already"), std::string::npos) << again.err;

  // The same words `watchpost validate` would use, and nothing written.
  auto bad = targets(pg, {"add", "--id", "typo", "--url", "shop.example/"});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_NE(bad.err.find("'url'"), std::string::npos) << bad.err;
  auto bad_regex = targets(pg, {"add", "--id", "re", "--url", "https://x.example/", "--match", "(unclosed"});
  EXPECT_NE(bad_regex.err.find("missing closing parenthesis"), std::string::npos) << bad_regex.err;
  auto too_often = targets(pg, {"add", "--id", "fast", "--url", "https://x.example/", "--interval", "100ms"});
  EXPECT_NE(too_often.err.find("'interval' must be at least 1s"), std::string::npos) << too_often.err;
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog"), "1");

  EXPECT_EQ(targets(pg, {"update", "--id", "shop", "--interval", "2m"}).exit_code, 0);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT interval_ms FROM watchpost.target_catalog WHERE id = 'shop'"), "120000");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT must_match FROM watchpost.target_catalog WHERE id = 'shop'"), "Add to cart")
      << "update keeps what it was not given";
  EXPECT_EQ(targets(pg, {"disable", "--id", "shop"}).exit_code, 0);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT enabled FROM watchpost.target_catalog WHERE id = 'shop'"), "f");
  EXPECT_EQ(targets(pg, {"enable", "--id", "shop"}).exit_code, 0);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT enabled FROM watchpost.target_catalog WHERE id = 'shop'"), "t");
  EXPECT_EQ(targets(pg, {"remove", "--id", "shop"}).exit_code, 0);
  auto gone = targets(pg, {"remove", "--id", "shop"});
  EXPECT_EQ(gone.exit_code, 64);
  EXPECT_NE(gone.err.find("no target 'shop'"), std::string::npos);
}

TEST(TargetsCli, ImportExportRoundTripAndImportErrorsNameTheLine) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/sites.yaml",
                 "pipelines:\n"
                 "  - name: websites\n"
                 "    probe: {plugin: http, interval: 30s}\n"
                 "    targets:\n"
                 "      - {id: a, url: 'https://a.example/', labels: {team: web}}\n"
                 "      - id: b\n"
                 "        url: https://b.example/health\n"
                 "        headers: {Host: b.internal}\n"
                 "        evaluate: [{plugin: regex, pattern: 'UP', mode: must_match}]\n"
                 "      - {id: 'c-{n}', url: 'https://c.example/{n}', repeat: 2}\n"
                 "    sinks: [{plugin: stdout}]\n");
  auto imported = targets(pg, {"import", dir + "/sites.yaml"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog WHERE pipeline = 'websites'"), "4");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT options->'headers'->>'Host' FROM watchpost.target_catalog WHERE id = 'b'"),
            "b.internal");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT must_match FROM watchpost.target_catalog WHERE id = 'b'"), "UP");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT url FROM watchpost.target_catalog WHERE id = 'c-1'"), "https://c.example/1");

  auto exported = targets(pg, {"export", "--pipeline", "websites"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  wt::write_file(dir + "/exported.yaml", exported.out);
  auto valid = wt::run_process({WATCHPOST_BIN, "validate", dir + "/exported.yaml"});
  EXPECT_EQ(valid.exit_code, 0) << valid.err << "\n" << exported.out;
  // Read back into a fresh pipeline name: the same rows.
  ASSERT_EQ(targets(pg, {"import", dir + "/exported.yaml", "--into", "copy"}).exit_code, 0);
  for (const char* column : {"url", "interval_ms", "labels::text", "options::text", "must_match"})
    EXPECT_EQ(scalar(pg.dsn(), std::string("SELECT count(*) FROM watchpost.target_catalog o JOIN watchpost.target_catalog c "
                                           "ON c.id = o.id WHERE o.pipeline = 'websites' AND o.") +
                                   column + " IS DISTINCT FROM (SELECT " + column +
                                   " FROM watchpost.target_catalog WHERE id = o.id AND pipeline = 'copy')"),
              "0")
        << column;

  wt::write_file(dir + "/broken.yaml",
                 "pipelines:\n"
                 "  - name: websites\n"
                 "    probe: {plugin: http}\n"
                 "    targets:\n"
                 "      - {id: z, url: 'https://z.example/', interval: 10ms}\n"
                 "    sinks: [{plugin: stdout}]\n");
  auto broken = targets(pg, {"import", dir + "/broken.yaml"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("broken.yaml:5:"), std::string::npos) << broken.err;
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog WHERE id = 'z'"), "0");
}

TEST(TargetsCli, ListShowsStatusAndWhyARowIsSkipped) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  ASSERT_EQ(targets(pg, {"add", "--id", "fine", "--url", "https://fine.example/"}).exit_code, 0);
  // Written past the CLI (by hand, by another tool): the table accepts it, a pipeline cannot.
  execute(pg.dsn(), "INSERT INTO watchpost.target_catalog (id, url) VALUES ('broken', 'not a url')");
  auto list = targets(pg, {"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("fine"), std::string::npos);
  EXPECT_NE(list.out.find("SKIPPED: "), std::string::npos) << list.out;
  auto json = targets(pg, {"list", "--json"});
  EXPECT_NE(json.out.find("\"problem\": null"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("not a valid URL"), std::string::npos) << json.out;
  EXPECT_EQ(wt::run_process({WATCHPOST_BIN, "targets", "--help"}).exit_code, 0);
  EXPECT_EQ(wt::run_process({WATCHPOST_BIN, "targets", "add", "--help"}).exit_code, 0);
}

TEST(TargetsCli, ASiteAddedWhileWatchpostRunsIsCheckedWithinTwoSeconds) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/catalog.yaml",
                 "pipelines:\n"
                 "  - name: websites\n"
                 "    probe: {plugin: http, interval: 1s, timeout: 2s}\n"
                 "    targets: {plugin: pg_targets, dsn: '" + pg.dsn() + "'}\n"
                 "    sinks: [{plugin: stdout, format: json, batch_delay: 0ms}]\n");
  wt::ChildProcess run({WATCHPOST_BIN, "run", dir + "/catalog.yaml", "--log-level", "warn"});
  // The pipeline has connected (and migrated) once its catalogue table exists.
  ASSERT_TRUE(wt::wait_until(
      [&] {
        try {
          return scalar(pg.dsn(), "SELECT to_regclass('watchpost.target_catalog') IS NOT NULL") == "t";
        } catch (const std::exception&) {
          return false;
        }
      },
      std::chrono::seconds(20)));
  auto added = targets(pg, {"add", "--id", "new-site", "--url", site.url("/text/new"), "--pipeline", "websites"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  bool seen = wt::wait_until([&] { return run.out_so_far().find("\"target_id\":\"new-site\"") != std::string::npos; },
                             std::chrono::seconds(2));
  EXPECT_TRUE(seen) << "not checked within 2 s of `watchpost targets add`";
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait().exit_code, 0);
}

// Secrets: a URL's password is the site's, a DSN's password the database's; neither is
// printed by the commands an operator pastes into a ticket.
TEST(TargetsCli, NoCommandPrintsAUrlOrDsnPassword) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  ASSERT_EQ(targets(pg, {"add", "--id", "private", "--url", "https://ops:hunter2@intranet.example/health"}).exit_code, 0);
  // Refused by a pipeline (a bad interval): the reason must not quote the URL's password.
  execute(pg.dsn(), "INSERT INTO watchpost.target_catalog (id, url, interval_ms) VALUES "
                    "('refused', 'https://ops:hunter2@intranet.example/x', 5)");
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto r = targets(pg, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("intranet.example/health"), std::string::npos) << "the URL is shown, not its password: " << r.out;
    EXPECT_NE(r.out.find("refused"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << args.back() << ": " << r.out;
    EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
  }
  // A DSN with a password, to a database that is not there and to one that is.
  for (std::string dsn : {"postgresql://app:s3cr3t-dsn@127.0.0.1:1/db", "host=127.0.0.1 port=1 password=s3cr3t-dsn"}) {
    for (std::vector<std::string> args :
         {std::vector<std::string>{"list"}, {"publish", "--brokers", "127.0.0.1:1"}}) {
      std::vector<std::string> argv = {WATCHPOST_BIN, "targets"};
      argv.insert(argv.end(), args.begin(), args.end());
      argv.insert(argv.end(), {"--dsn", dsn});
      auto r = wt::run_process(argv, std::chrono::seconds(60));
      EXPECT_NE(r.exit_code, 0) << args[0] << " against no database";
      EXPECT_NE(r.err, "") << "says why";
      EXPECT_EQ(r.err.find("s3cr3t-dsn"), std::string::npos) << args[0] << ": " << r.err;
      EXPECT_EQ(r.out.find("s3cr3t-dsn"), std::string::npos) << r.out;
    }
  }
}
