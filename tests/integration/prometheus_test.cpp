// watchpost as Prometheus sees it: Debian's own prometheus scrapes a node's admin endpoint and
// its query API shows the counters and the latency histogram moving; promtool finds nothing to
// say about our metric pages (names, units, help texts); the example scrape config and
// alerting rules in examples/prometheus/ are valid, and the rules fire on the series they are for.
#include "grafana_dashboard.hpp"
#include "http_client.hpp"
#include "http_target.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace wt = watchpost::testing;
using nlohmann::json;
using watchpost::target::HttpTarget;

namespace {

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kPromtool = "/usr/bin/promtool";

#define SKIP_WITHOUT_PROMETHEUS()                                                              \
  if (!std::filesystem::exists(kPrometheus) || !std::filesystem::exists(kPromtool))              \
  GTEST_SKIP() << "Debian's prometheus package (prometheus, promtool) is not installed; "       \
                  "scripts/install-deps.sh installs it"

// A node checking one local target every second, with its admin endpoint on `port`.
std::unique_ptr<wt::ChildProcess> start_node(const HttpTarget& site, const std::string& port, const std::string& dir) {
  wt::write_file(dir + "/node.yaml",
                 "admin: {listen: \"127.0.0.1:" + port + "\"}\nspool: {dir: \"" + dir + "/spool\"}\n"
                 "notifiers: [{plugin: webhook, url: \"" + site.url("/hook") + "\"}]\n"
                 "pipelines:\n  - name: web\n    probe: {plugin: http, interval: 1s, timeout: 800ms}\n"
                 "    targets: [{id: site, url: \"" + site.url("/") + "\"}, {id: broken, url: \"" + site.url("/status/503") + "\"}]\n"
                 "    alerts: [{name: down, down: 1}]\n"
                 "    sinks: [{plugin: stdout, format: json, path: \"" + dir + "/out.jsonl\"}]\n");
  return std::make_unique<wt::ChildProcess>(
      std::vector<std::string>{WATCHPOST_BIN, "run", dir + "/node.yaml", "--plugin-dir", WATCHPOST_PLUGIN_DIR});
}

// One value of an instant query, or -1.
double query(const std::string& prometheus, const std::string& expr) {
  char* e = curl_easy_escape(nullptr, expr.data(), static_cast<int>(expr.size()));
  auto [status, body] = wt::http_get(prometheus + "/api/v1/query?query=" + e);
  curl_free(e);
  auto j = json::parse(body, nullptr, false);
  if (status != 200 || j.is_discarded() || j["data"]["result"].empty()) return -1;
  return std::stod(j["data"]["result"][0]["value"][1].get<std::string>());
}

}  // namespace

TEST(Prometheus, ARealPrometheusScrapesTheAdminEndpointAndSeesChecksAndLatencyMove) {
  SKIP_WITHOUT_PROMETHEUS();
  HttpTarget site;
  std::string dir = wt::temp_dir();
  std::string admin = std::to_string(wt::free_port());
  auto node = start_node(site, admin, dir);
  std::string port = std::to_string(wt::free_port());
  wt::write_file(dir + "/prometheus.yml", "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                                          "scrape_configs:\n  - job_name: watchpost\n"
                                          "    static_configs: [{targets: [\"127.0.0.1:" + admin + "\"]}]\n");
  wt::ChildProcess prometheus({kPrometheus, "--config.file=" + dir + "/prometheus.yml",
                               "--storage.tsdb.path=" + dir + "/tsdb", "--web.listen-address=127.0.0.1:" + port});
  std::string api = "http://127.0.0.1:" + port;
  ASSERT_TRUE(wt::wait_until([&] { return wt::http_get(api + "/-/ready").first == 200; }, std::chrono::seconds(30)))
      << prometheus.err_so_far().substr(0, 3000);
  ASSERT_TRUE(wt::wait_until([&] { return query(api, "up{job=\"watchpost\"}") == 1; }, std::chrono::seconds(30)))
      << "Prometheus scrapes the node";
  // The counters move between scrapes, as Prometheus stores them.
  double first = -1;
  ASSERT_TRUE(wt::wait_until([&] {
    first = query(api, "sum(watchpost_checks_total{job=\"watchpost\"})");
    return first > 0;
  }, std::chrono::seconds(30)));
  EXPECT_TRUE(wt::wait_until([&] { return query(api, "sum(watchpost_checks_total{job=\"watchpost\"})") >= first + 3; },
                             std::chrono::seconds(30)));
  EXPECT_GT(query(api, "sum(watchpost_checks_total{outcome=\"down\"})"), 0) << "the broken target counts as down";
  // The histogram is one: Prometheus computes quantiles from its buckets.
  EXPECT_TRUE(wt::wait_until([&] {
    return query(api, "histogram_quantile(0.95, sum by (le) (rate(watchpost_check_duration_seconds_bucket[30s])))") > 0;
  }, std::chrono::seconds(30)));
  EXPECT_EQ(query(api, "watchpost_target_up{target=\"site\"}"), 1);
  EXPECT_EQ(query(api, "watchpost_target_up{target=\"broken\"}"), 0);
  EXPECT_EQ(query(api, "watchpost_alerts_firing"), 1);
  // Every expression of the Grafana dashboard runs here and finds series (its variables set to
  // "all", its rate interval to one Prometheus can fill in this short a run).
  auto dashboard = wt::grafana_dashboard("watchpost-prometheus.json");
  ASSERT_TRUE(dashboard.is_object());
  size_t expressions = 0;
  for (auto& panel : dashboard["panels"])
    for (auto& target : panel["targets"]) {
      std::string e = target.value("expr", "");
      for (auto [from, to] : {std::pair<std::string, std::string>{"$job", "watchpost"}, {"$pipeline", ".*"},
                              {"$__rate_interval", "15s"}})
        for (size_t at; (at = e.find(from)) != std::string::npos;) e.replace(at, from.size(), to);
      EXPECT_TRUE(wt::wait_until([&] { return query(api, e) >= 0; }, std::chrono::seconds(20)))
          << panel.value("title", "") << ": " << e;
      ++expressions;
    }
  EXPECT_GE(expressions, 10u);
  prometheus.signal(SIGTERM);
  prometheus.wait(std::chrono::seconds(20));
  node->signal(SIGTERM);
  EXPECT_EQ(node->wait(std::chrono::seconds(20)).exit_code, 0);
}

TEST(Prometheus, PromtoolFindsNothingToSayAboutOurMetricPages) {
  SKIP_WITHOUT_PROMETHEUS();
  HttpTarget site;
  std::string dir = wt::temp_dir();
  std::string admin = std::to_string(wt::free_port());
  auto node = start_node(site, admin, dir);
  // Wait until the page has every kind: counters, gauges, histograms, per-target series, alerts.
  std::string page;
  ASSERT_TRUE(wt::wait_until([&] {
    page = wt::http_get("http://127.0.0.1:" + admin + "/metrics").second;
    return page.find("watchpost_alerts_firing") != std::string::npos &&
           page.find("watchpost_notifications_total") != std::string::npos &&
           page.find("watchpost_target_up") != std::string::npos;
  }, std::chrono::seconds(30))) << page;
  wt::write_file(dir + "/metrics.txt", page);
  auto lint = wt::run_process({"/bin/sh", "-c", std::string(kPromtool) + " check metrics < " + dir + "/metrics.txt"});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out + lint.err, "") << "every family has a help text and a name in Prometheus's form";
  node->signal(SIGTERM);
  node->wait(std::chrono::seconds(20));
}

TEST(Prometheus, TheExampleScrapeConfigAndAlertingRulesAreValidAndTheRulesFire) {
  SKIP_WITHOUT_PROMETHEUS();
  std::string examples = std::string(EXAMPLES_DIR) + "/prometheus";
  auto config = wt::run_process({kPromtool, "check", "config", examples + "/prometheus.yml"});
  EXPECT_EQ(config.exit_code, 0) << config.out << config.err;
  auto rules = wt::run_process({kPromtool, "check", "rules", examples + "/watchpost-rules.yml"});
  EXPECT_EQ(rules.exit_code, 0) << rules.out << rules.err;
  EXPECT_NE(rules.out.find("SUCCESS: 7 rules found"), std::string::npos) << rules.out;
  // The rules' own unit tests: each fires on the series it is for, with its summary filled in.
  auto fire = wt::run_process({kPromtool, "test", "rules", examples + "/watchpost-rules.test.yml"});
  EXPECT_EQ(fire.exit_code, 0) << fire.out << fire.err;
}
