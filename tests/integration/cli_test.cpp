// The watchpost binary as a user runs it.
#include "http_client.hpp"
#include "http_target.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <watchpost/plugin_api.h>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

const std::string kBin = WATCHPOST_BIN;

wt::ProcessResult wp(std::vector<std::string> args) {
  args.insert(args.begin(), kBin);
  return wt::run_process(args, std::chrono::seconds(60));
}

}  // namespace

TEST(Cli, VersionAndHelp) {
  auto v = wp({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("watchpost 0.1.0 (plugin ABI 1." + std::to_string(WP_ABI_MINOR) + ")"), std::string::npos) << v.out;
  auto h = wp({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* cmd : {"run FILE", "validate FILE", "plugins", "check URL"})
    EXPECT_NE(h.out.find(cmd), std::string::npos) << cmd;
  EXPECT_EQ(wp({"frobnicate"}).exit_code, 64);
}

TEST(Cli, EveryCommandTakesHelpAndSharedOptionsMayComeFirst) {
  for (std::string cmd : {"run", "validate", "plugins", "check", "report", "targets", "alerts", "serve", "users"}) {
    for (std::string flag : {"--help", "-h"}) {
      auto r = wp({cmd, flag});
      EXPECT_EQ(r.exit_code, 0) << cmd << " " << flag << ": " << r.err;
      EXPECT_NE(r.out.find("Usage: watchpost " + cmd), std::string::npos) << cmd << " " << flag << ": " << r.out;
      EXPECT_NE(r.out.find("--log-level"), std::string::npos) << "the shared options are listed too";
    }
  }
  EXPECT_NE(wp({"help", "report"}).out.find("Usage: watchpost report"), std::string::npos);
  auto first = wp({"--log-level", "warn", "--plugin-dir=/nonexistent", "validate", std::string(EXAMPLES_DIR) + "/quickstart.yaml"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  auto unknown = wp({"validate", "-x", "file.yaml"});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_NE(unknown.err.find("unknown option -x (try: watchpost validate --help)"), std::string::npos) << unknown.err;
}

TEST(Cli, CheckSpeaksOfTheCommandLineAndSuggestsAScheme) {
  auto bare = wp({"check", "example.com"});
  EXPECT_EQ(bare.exit_code, 3);
  EXPECT_NE(bare.err.find("did you mean http://example.com"), std::string::npos) << bare.err;
  auto bad = wp({"check", "http://127.0.0.1:1/", "--timeout", "soon"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_EQ(bad.err.find("<check>"), std::string::npos) << "no internal file names: " << bad.err;
  EXPECT_NE(bad.err.find("watchpost check: "), std::string::npos) << bad.err;
}

TEST(Cli, ValidateGivesAPlainMessageForADirectoryOrAnEmptyFile) {
  std::string dir = wt::temp_dir();
  auto d = wp({"validate", dir});
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_NE(d.err.find(dir + ": is a directory"), std::string::npos) << d.err;
  EXPECT_EQ(d.err.find(":0:0"), std::string::npos) << d.err;
  wt::write_file(dir + "/empty.yaml", "");
  auto e = wp({"validate", dir + "/empty.yaml"});
  EXPECT_NE(e.err.find(dir + "/empty.yaml: the file is empty"), std::string::npos) << e.err;
}

TEST(Cli, ValidateNamesLineAndKeyOfAMisspelling) {
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/bad.yaml", R"(pipelines:
  - name: web
    probe:
      plugin: http
    targets:
      - url: http://127.0.0.1/
        timout: 5s
    sinks:
      - plugin: stdout
)");
  auto r = wp({"validate", dir + "/bad.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir + "/bad.yaml:7:9: unknown key 'timout'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'timeout'?"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 problem found"), std::string::npos) << r.err;
}

TEST(Cli, ValidateAcceptsTheQuickstart) {
  auto r = wp({"validate", std::string(EXAMPLES_DIR) + "/quickstart.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(": ok ("), std::string::npos) << r.out;
}

TEST(Cli, PluginsListsEveryPluginWithOptions) {
  auto r = wp({"plugins"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"http 0.1.0", "regex 0.1.0", "stdout 0.1.0", "expected_status", "must_match|must_not_match",
                        "interval", "batch_size"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  EXPECT_EQ(wp({"plugins", "nope"}).exit_code, 1);
}

TEST(Cli, CheckExitCodesFollowTheMonitoringPluginConvention) {
  HttpTarget server;
  auto up = wp({"check", server.url("/text/abc"), "--match", "hello abc"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE(up.out.find("UP"), std::string::npos) << up.out;
  auto down = wp({"check", server.url("/status/503")});
  EXPECT_EQ(down.exit_code, 2) << down.out << down.err;
  EXPECT_NE(down.out.find("down: http_status — HTTP 503"), std::string::npos) << down.out;
  auto mismatch = wp({"check", server.url("/"), "--match", "absent-word", "--json"});
  EXPECT_EQ(mismatch.exit_code, 2);
  EXPECT_NE(mismatch.out.find("\"error_kind\":\"body_mismatch\""), std::string::npos) << mismatch.out;
  auto bad = wp({"check", server.url("/"), "--match", "(unclosed"});
  EXPECT_EQ(bad.exit_code, 3) << "a check that cannot run is unknown";
  EXPECT_NE(bad.err.find("missing closing parenthesis"), std::string::npos) << bad.err;
  EXPECT_EQ(wp({"check"}).exit_code, 3);
}

TEST(Cli, SigtermFinishesTheCheckInFlightThenExitsZero) {
  HttpTarget server;
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/slow.yaml", R"(pipelines:
  - name: slow
    probe: {plugin: http, interval: 2s, timeout: 10s}
    targets: [{id: slow, url: ")" + server.url("/delay/1500") + R"("}]
    sinks: [{plugin: stdout, format: json}]
)");
  wt::ChildProcess p({kBin, "run", dir + "/slow.yaml", "--log-format", "json"});
  ASSERT_TRUE(wt::wait_until([&] { return server.requests() >= 1; }, std::chrono::seconds(10)));
  p.signal(SIGTERM);
  auto r = p.wait(std::chrono::seconds(20));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"target_id\":\"slow\""), std::string::npos) << "the in-flight check was finished and written";
  EXPECT_NE(r.out.find("\"outcome\":\"up\""), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("received SIGTERM"), std::string::npos) << r.err;
}

TEST(Cli, AlertsFromASpoolFolderSkipATornLineHideURLSecretsAndRefuseABadStateFile) {
  std::string spool = wt::temp_dir();
  std::filesystem::create_directories(spool + "/alerts");
  wt::write_file(spool + "/alerts/web.json",
                 R"({"version":2,"pipeline":"web","firing":[{"rule":"down","target_id":"shop","severity":"critical",)"
                 R"("summary":"shop is down","value":"3 down","started_at_us":1800000000000000,"last_slot_us":1800000000000000,)"
                 R"("url":"https://ops:Pa55word@shop.example/health?token=T0ken","labels":{}}]})" "\n");
  // Two resolves, and between them a line torn by a crash (poisoned input among good ones).
  auto resolved = [](const std::string& target, int64_t at) {
    return R"({"state":"resolved","alert_id":"web/down/)" + target + R"(","rule":"down","severity":"critical",)"
           R"("summary":")" + target + R"( recovered","pipeline":"web","target_id":")" + target +
           R"(","url":"http://a/","node":"n","value":"1 up","labels":{},"started_at_us":1,"ended_at_us":)" +
           std::to_string(at) + R"(,"event_at_us":1,"notify":[],"reminder":false})";
  };
  wt::write_file(spool + "/alerts/web.history.jsonl",
                 resolved("api", 1800000000000000) + "\n{\"state\":\"reso\n" + resolved("db", 1800000100000000) + "\n");
  auto listed = wp({"alerts", "--spool", spool, "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto j = nlohmann::json::parse(listed.out);
  ASSERT_EQ(j["firing"].size(), 1u);
  EXPECT_EQ(j["firing"][0].value("alert_id", ""), "web/down/shop");
  ASSERT_EQ(j["history"].size(), 2u) << "both whole resolves, the torn line skipped";
  EXPECT_EQ(j["history"][0].value("target_id", ""), "db") << "newest first";
  EXPECT_EQ(listed.out.find("Pa55word"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find("T0ken"), std::string::npos) << listed.out;
  EXPECT_NE(wp({"alerts", "--spool", spool}).out.find("shop is down"), std::string::npos);

  wt::write_file(spool + "/alerts/web.json", "{\"firing\": [tor");
  auto bad = wp({"alerts", "--spool", spool});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("web.json is not an alert state file"), std::string::npos) << bad.err;
  EXPECT_EQ(wp({"alerts", "--spool", wt::temp_dir()}).exit_code, 1) << "a folder where no alerts ran";
}

// Requests with a method, headers and a body from the command line; the credentials they carry
// appear nowhere in what watchpost prints (issue 19).
TEST(Cli, CheckSendsMethodHeadersAndBodyAndNeverPrintsCredentials) {
  HttpTarget server;
  auto r = wt::run_process({WATCHPOST_BIN, "check", server.url("/echo"), "--method", "PUT", "--header",
                            "Authorization: Bearer s3cret-token", "--header", "Content-Type: application/json",
                            "--data", "{\"k\": 1}", "--status", "200,204", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto got = server.echoed();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].body, "{\"k\": 1}");
  EXPECT_EQ(got[0].header("authorization"), "Bearer s3cret-token");
  EXPECT_EQ(got[0].header("content-type"), "application/json");
  EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;

  std::string file = wt::temp_dir() + "/body.txt";
  wt::write_file(file, "from a file");
  auto posted = wt::run_process({WATCHPOST_BIN, "check", server.url("/echo"), "--data", "@" + file});
  EXPECT_EQ(posted.exit_code, 0) << posted.err;
  ASSERT_EQ(server.echoed().size(), 2u);
  EXPECT_EQ(server.echoed()[1].method, "POST") << "--data without --method posts";
  EXPECT_EQ(server.echoed()[1].body, "from a file");

  auto wrong = wt::run_process({WATCHPOST_BIN, "check", server.url("/status/201"), "--status", "200"});
  EXPECT_EQ(wrong.exit_code, 2) << "201 is not in --status 200";
  auto bad = wt::run_process({WATCHPOST_BIN, "check", server.url("/"), "--header", "no colon"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("write it as 'Name: value'"), std::string::npos) << bad.err;
}

TEST(Cli, ABasicAuthPasswordFromTheEnvironmentIsNeverWrittenOut) {
  HttpTarget server;
  std::string dir = wt::temp_dir();
  std::string results = dir + "/results.jsonl";
  uint16_t admin = wt::free_port();
  wt::write_file(dir + "/auth.yaml",
                 "admin: {listen: \"127.0.0.1:" + std::to_string(admin) + "\"}\n"
                 "pipelines:\n  - name: auth\n    probe: {plugin: http, interval: 1s}\n"
                 "    targets:\n      - url: \"" + server.url("/status/401") + "\"\n"
                 "        basic_auth: {username: ops, password: \"${WP_TEST_SECRET}\"}\n"
                 "      - id: api\n        url: \"" + server.url("/echo") + "\"\n"
                 "        bearer_token: \"${WP_TEST_TOKEN}\"\n"
                 "    sinks: [{plugin: stdout, format: json, path: \"" + results + "\", batch_delay: 0ms}]\n");
  setenv("WP_TEST_SECRET", "pa55-in-env", 1);
  setenv("WP_TEST_TOKEN", "t0ken-in-env", 1);
  wt::ChildProcess run({WATCHPOST_BIN, "run", dir + "/auth.yaml", "--log-level", "debug"});
  ASSERT_TRUE(wt::wait_until(
      [&] {
        std::string r = wt::read_file(results);
        return r.find("\"http_status\":401") != std::string::npos && r.find("\"target_id\":\"api\"") != std::string::npos;
      },
      std::chrono::seconds(20)))
      << run.err_so_far();
  // What the admin endpoint shows of the targets, while they run.
  std::string base = "http://127.0.0.1:" + std::to_string(admin);
  auto status = wt::http_get(base + "/status");
  auto metrics = wt::http_get(base + "/metrics");
  EXPECT_EQ(status.first, 200);
  EXPECT_NE(status.second.find("api"), std::string::npos) << "the /status page lists the targets";
  run.signal(SIGTERM);
  auto ended = run.wait();
  unsetenv("WP_TEST_SECRET");
  unsetenv("WP_TEST_TOKEN");
  EXPECT_EQ(ended.exit_code, 0) << ended.err;
  EXPECT_EQ(server.requests_to("/status/401") > 0, true);
  ASSERT_FALSE(server.echoed().empty());
  EXPECT_EQ(server.echoed().back().header("authorization"), "Bearer t0ken-in-env") << "the token was sent";
  for (auto& text : {wt::read_file(results), ended.out, ended.err, status.second, metrics.second}) {
    EXPECT_EQ(text.find("pa55-in-env"), std::string::npos) << "the password is written out: " << text.substr(0, 2000);
    EXPECT_EQ(text.find("t0ken-in-env"), std::string::npos) << "the token is written out: " << text.substr(0, 2000);
  }
}

// Every example file is a valid pipeline file (with the environment's defaults), so the
// examples the docs point at keep working as plugins change.
TEST(Cli, EveryExampleFileValidates) {
  size_t seen = 0;
  for (auto& e : std::filesystem::directory_iterator(EXAMPLES_DIR)) {
    if (e.path().extension() != ".yaml") continue;
    ++seen;
    auto r = wp({"validate", e.path().string()});
    EXPECT_EQ(r.exit_code, 0) << e.path() << ": " << r.out << r.err;
  }
  EXPECT_GE(seen, 7u);
}
