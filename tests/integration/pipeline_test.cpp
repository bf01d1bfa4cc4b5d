// Pipelines end to end: real plugins loaded from disk, real HTTP targets on 127.0.0.1, exact
// accounting by result id.
#include "config/config.hpp"
#include "http_client.hpp"
#include "http_target.hpp"
#include "plugins/loader.hpp"
#include "observe/metrics.hpp"
#include "process.hpp"
#include "runtime.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <curl/curl.h>

#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace watchpost;
using watchpost::testing::free_port;
using watchpost::testing::http_get;
namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

const PluginCatalog& catalog() { return wt::test_catalog(); }

struct Harness {
  std::string dir = wt::temp_dir();
  std::string file = dir + "/pipelines.yaml";
  wt::SeenResults seen;

  int run(const std::string& yaml, RunOptions options) {
    wt::write_file(file, yaml);
    Config config = load_config(file, catalog());
    options.observer = [this](const ResultPtr& r) { seen.add(r); };
    Runtime rt(catalog(), std::move(config), file, std::move(options));
    return rt.run();
  }
  static RunOptions once() {
    RunOptions o;
    o.once = true;
    return o;
  }
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

}  // namespace

TEST(Pipeline, EveryResultReachesTheSinkExactlyOnce) {
  HttpTarget server;
  Harness h;
  std::string out = h.dir + "/results.jsonl";
  std::string yaml = R"(pipelines:
  - name: web
    probe: {plugin: http, timeout: 5s}
    targets:
      - {id: home, url: ")" + server.url("/") + R"("}
      - {id: words, url: ")" + server.url("/text/abc") + R"("}
      - {id: broken, url: ")" + server.url("/status/500") + R"("}
      - id: missing-word
        url: ")" + server.url("/text/abc") + R"("
        evaluate: [{plugin: regex, pattern: "xyz"}]
    evaluate:
      - plugin: regex
        pattern: "(ok|hello) \\w+"
    sinks:
      - {plugin: stdout, format: json, path: ")" + out + R"("}
)";
  ASSERT_EQ(h.run(yaml, Harness::once()), 0);
  auto results = h.seen.all();
  ASSERT_EQ(results.size(), 4u);
  std::map<std::string, ResultPtr> by_target;
  for (auto& r : results) by_target[r->target_id] = r;
  EXPECT_EQ(by_target["home"]->outcome, WP_OUTCOME_UP);
  EXPECT_EQ(by_target["words"]->outcome, WP_OUTCOME_UP);
  EXPECT_EQ(by_target["words"]->verdicts.at(0).pass, 1);
  EXPECT_EQ(by_target["broken"]->outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(by_target["broken"]->error_kind, WP_ERR_HTTP_STATUS);
  EXPECT_TRUE(by_target["broken"]->verdicts.empty()) << "a down target is not evaluated";
  EXPECT_EQ(by_target["missing-word"]->outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(by_target["missing-word"]->error_kind, WP_ERR_BODY_MISMATCH);

  // The sink file holds each result id exactly once.
  auto written = lines(wt::read_file(out));
  ASSERT_EQ(written.size(), 4u);
  std::multiset<std::string> ids_in_file;
  for (auto& l : written) {
    auto at = l.find("\"result_id\":\"");
    ASSERT_NE(at, std::string::npos) << l;
    ids_in_file.insert(l.substr(at + 13, 26));
  }
  for (auto& r : results) EXPECT_EQ(ids_in_file.count(r->result_id), 1u) << r->result_id;
}

TEST(Pipeline, ThrowingPluginsBecomeUnknownResultsAndThePipelineGoesOn) {
  HttpTarget server;
  Harness h;
  std::string yaml = R"(pipelines:
  - name: chaos
    probe: {plugin: chaos}
    targets:
      - {id: throws-on-start, mode: throw_start}
      - id: evaluator-throws
        mode: up
        evaluate: [{plugin: chaos, mode: throw}]
      - {id: fine, mode: up}
    sinks: [{plugin: chaos}]
  - name: web
    probe: {plugin: http}
    targets: [{id: home, url: ")" + server.url("/") + R"("}]
    sinks: [{plugin: chaos}]
)";
  ASSERT_EQ(h.run(yaml, Harness::once()), 0);
  auto start = h.seen.first("throws-on-start");
  ASSERT_TRUE(start);
  EXPECT_EQ(start->outcome, WP_OUTCOME_UNKNOWN);
  EXPECT_EQ(start->error_kind, WP_ERR_PROBE);
  EXPECT_NE(start->error_message.find("chaos: start threw on purpose"), std::string::npos) << start->error_message;
  auto eval = h.seen.first("evaluator-throws");
  ASSERT_TRUE(eval);
  EXPECT_EQ(eval->outcome, WP_OUTCOME_UNKNOWN);
  EXPECT_EQ(eval->error_kind, WP_ERR_EVALUATOR);
  EXPECT_NE(eval->error_message.find("chaos: evaluator threw on purpose"), std::string::npos);
  EXPECT_EQ(h.seen.first("fine")->outcome, WP_OUTCOME_UP);
  EXPECT_EQ(h.seen.first("home")->outcome, WP_OUTCOME_UP);
}

TEST(Pipeline, ASinkThatAlwaysFailsIsCountedWhileChecksGoOn) {
  Harness h;
  double before = metrics().get("watchpost_sink_errors_total{sink=\"failing/chaos\"}");
  RunOptions o;
  o.run_for = std::chrono::milliseconds(2500);
  ASSERT_EQ(h.run(R"(pipelines:
  - name: failing
    probe: {plugin: cprobe, interval: 1s}
    targets: [{id: t1, name: one}, {id: t2, name: two}]
    sinks: [{plugin: chaos, mode: fail_always, batch_delay: 0ms}]
)",
                  o),
            0);
  size_t checks = h.seen.all().size();
  EXPECT_GE(checks, 2u) << "checking continues while the sink fails";
  double after = metrics().get("watchpost_sink_errors_total{sink=\"failing/chaos\"}");
  EXPECT_EQ(after - before, static_cast<double>(checks)) << "every result the sink refused is counted";
}

TEST(Pipeline, ARetryingSinkGetsEveryResultAfterItsRetries) {
  Harness h;
  std::string out = h.dir + "/accepted.txt";
  ASSERT_EQ(h.run(R"(pipelines:
  - name: flaky
    probe: {plugin: cprobe}
    targets: [{id: a, name: a}, {id: b, name: b}, {id: c, name: c}, {id: d, name: d}, {id: e, name: e}]
    sinks: [{plugin: chaos, mode: retry_then_ok, retries: 3, path: ")" + out + R"(", max_retry_delay: 200ms}]
)",
                  Harness::once()),
            0);
  auto accepted = lines(wt::read_file(out));
  std::set<std::string> accepted_ids(accepted.begin(), accepted.end());
  EXPECT_EQ(accepted.size(), 5u) << "no duplicates from retries";
  for (auto& r : h.seen.all()) EXPECT_EQ(accepted_ids.count(r->result_id), 1u);
  EXPECT_GE(metrics().get("watchpost_sink_retries_total{sink=\"flaky/chaos\"}"), 3);
}

TEST(Pipeline, AProbeThatNeverReportsIsEndedByTheWatchdog) {
  Harness h;
  ASSERT_EQ(h.run(R"(pipelines:
  - name: silent
    probe: {plugin: chaos, timeout: 1s}
    targets: [{id: mute, mode: never_report}, {id: fine, mode: up}]
    sinks: [{plugin: chaos}]
)",
                  Harness::once()),
            0);
  auto mute = h.seen.first("mute");
  ASSERT_TRUE(mute);
  EXPECT_EQ(mute->outcome, WP_OUTCOME_UNKNOWN);
  EXPECT_EQ(mute->error_kind, WP_ERR_PROBE);
  EXPECT_NE(mute->error_message.find("did not report"), std::string::npos);
  EXPECT_EQ(h.seen.count("mute"), 1u);
}

TEST(Pipeline, AttemptsRetryADownTargetAndRecordHowMany) {
  Harness h;
  ASSERT_EQ(h.run(R"(pipelines:
  - name: retry
    probe: {plugin: chaos, attempts: 3, retry_delay: 50ms}
    targets: [{id: down, mode: down}, {id: up, mode: up}]
    sinks: [{plugin: chaos}]
)",
                  Harness::once()),
            0);
  EXPECT_EQ(h.seen.first("down")->attempts, 3u);
  EXPECT_EQ(h.seen.first("down")->outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(h.seen.first("up")->attempts, 1u);
  EXPECT_EQ(h.seen.count("down"), 1u) << "attempts make one result, not three";
}

TEST(Pipeline, ConcurrencyCapBoundsChecksInFlight) {
  HttpTarget server;
  Harness h;
  std::string targets;
  for (int i = 0; i < 8; ++i) targets += "      - {id: slow" + std::to_string(i) + ", url: \"" + server.url("/delay/200") + "\"}\n";
  ASSERT_EQ(h.run("pipelines:\n  - name: capped\n    concurrency: 2\n    probe: {plugin: http, timeout: 5s}\n"
                  "    targets:\n" + targets + "    sinks: [{plugin: chaos}]\n",
                  Harness::once()),
            0);
  auto results = h.seen.all();
  ASSERT_EQ(results.size(), 8u);
  // At any start, how many other checks were running? Never more than the cap allows.
  for (auto& a : results) {
    int overlapping = 0;
    for (auto& b : results)
      if (b->started_at_us <= a->started_at_us && a->started_at_us < b->started_at_us + b->total_us) ++overlapping;
    EXPECT_LE(overlapping, 2) << a->target_id;
    EXPECT_EQ(a->outcome, WP_OUTCOME_UP);
  }
}

TEST(Pipeline, TargetsRunEveryIntervalOnAStablePhase) {
  Harness h;
  RunOptions o;
  o.run_for = std::chrono::milliseconds(3300);
  ASSERT_EQ(h.run(R"(pipelines:
  - name: sched
    probe: {plugin: cprobe, interval: 1s}
    targets: [{id: alpha, name: a}, {id: beta, name: b}, {id: gamma, name: c}]
    sinks: [{plugin: chaos}]
)",
                  o),
            0);
  std::map<std::string, std::set<int64_t>> phases;
  std::set<std::string> ids;
  for (auto& r : h.seen.all()) {
    phases[r->target_id].insert((r->scheduled_at_us / 1000) % 1000);
    ids.insert(r->result_id);
  }
  EXPECT_EQ(ids.size(), h.seen.all().size()) << "result ids are unique";
  for (const char* t : {"alpha", "beta", "gamma"}) {
    EXPECT_GE(h.seen.count(t), 2u) << t;
    EXPECT_LE(h.seen.count(t), 4u) << t;
    EXPECT_EQ(phases[t].size(), 1u) << t << " keeps one phase";
  }
}

TEST(Pipeline, SighupReloadsAddsAndRemovesTargetsKeepsPhasesAndRejectsABadFile) {
  Harness h;
  const char* first = R"(pipelines:
  - name: live
    probe: {plugin: cprobe, interval: 1s}
    targets: [{id: a, name: a}]
    sinks: [{plugin: chaos}]
)";
  wt::write_file(h.file, first);
  Config config = load_config(h.file, catalog());
  RunOptions o;
  o.observer = [&](const ResultPtr& r) { h.seen.add(r); };
  Runtime rt(catalog(), std::move(config), h.file, std::move(o));
  int code = -1;
  std::thread runner([&] { code = rt.run(); });

  ASSERT_TRUE(wt::wait_until([&] { return h.seen.count("a") >= 1; }));
  wt::write_file(h.file, R"(pipelines:
  - name: live
    probe: {plugin: cprobe, interval: 1s}
    targets: [{id: a, name: a}, {id: b, name: b}]
    sinks: [{plugin: chaos}]
)");
  kill(getpid(), SIGHUP);
  EXPECT_TRUE(wt::wait_until([&] { return h.seen.count("b") >= 1; })) << "the added target runs";

  wt::write_file(h.file, "pipelines:\n  - probe: {plugin: nosuchplugin}\n");
  kill(getpid(), SIGHUP);
  size_t a_before = h.seen.count("a");
  EXPECT_TRUE(wt::wait_until([&] { return h.seen.count("a") >= a_before + 2; }))
      << "after a rejected reload the old pipelines keep running";

  wt::write_file(h.file, R"(pipelines:
  - name: live
    probe: {plugin: cprobe, interval: 1s}
    targets: [{id: b, name: b}]
    sinks: [{plugin: chaos}]
)");
  kill(getpid(), SIGHUP);
  // Once b has run twice more after the reload, a (removed) must have stopped.
  size_t b_at_reload = h.seen.count("b");
  ASSERT_TRUE(wt::wait_until([&] { return h.seen.count("b") >= b_at_reload + 2; }));
  size_t a_after_removal = h.seen.count("a");
  size_t b_now = h.seen.count("b");
  ASSERT_TRUE(wt::wait_until([&] { return h.seen.count("b") >= b_now + 2; }));
  EXPECT_EQ(h.seen.count("a"), a_after_removal) << "a removed target is no longer checked";

  rt.request_stop();
  runner.join();
  EXPECT_EQ(code, 0);
  std::set<int64_t> a_phases;
  for (auto& r : h.seen.all())
    if (r->target_id == "a") a_phases.insert((r->scheduled_at_us / 1000) % 1000);
  EXPECT_EQ(a_phases.size(), 1u) << "an unchanged target keeps its phase across reloads";
}


TEST(Admin, MetricsHealthAndStatusAreServed) {
  HttpTarget server;
  Harness h;
  std::string port = std::to_string(free_port());
  wt::write_file(h.file, "admin: {listen: \"127.0.0.1:" + port + "\"}\npipelines:\n  - name: web\n"
                               "    probe: {plugin: http, interval: 1s}\n"
                               "    targets: [{id: home, url: \"" + server.url("/") + "\"}, {id: gone, url: \"" +
                               server.url("/status/404") + "\"}]\n    sinks: [{plugin: chaos}]\n");
  RunOptions o;
  o.observer = [&](const ResultPtr& r) { h.seen.add(r); };
  Runtime rt(catalog(), load_config(h.file, catalog()), h.file, std::move(o));
  std::thread runner([&] { rt.run(); });
  ASSERT_TRUE(wt::wait_until([&] { return h.seen.count("home") >= 1 && h.seen.count("gone") >= 1; }));
  std::string base = "http://127.0.0.1:" + port;
  auto health = http_get(base + "/healthz");
  EXPECT_EQ(health.first, 200);
  EXPECT_EQ(health.second, "ok\n");
  auto m = http_get(base + "/metrics");
  EXPECT_EQ(m.first, 200);
  for (const char* s : {"# TYPE watchpost_checks_total counter", "watchpost_checks_total{pipeline=\"web\",outcome=\"up\"}",
                        "watchpost_check_errors_total{pipeline=\"web\",kind=\"http_status\"}",
                        "# TYPE watchpost_check_duration_seconds histogram",
                        "watchpost_scheduler_lateness_seconds_bucket{pipeline=\"web\",le=\"0.005\"}",
                        "watchpost_sink_written_total{sink=\"web/chaos\"}"})
    EXPECT_NE(m.second.find(s), std::string::npos) << s << "\n" << m.second;
  auto st = http_get(base + "/status");
  EXPECT_EQ(st.first, 200);
  EXPECT_NE(st.second.find("\"degraded\":[]"), std::string::npos) << "nothing is degraded: " << st.second;
  EXPECT_NE(st.second.find("{\"id\":\"gone\",\"url\":\"" + server.url("/status/404") +
                           "\",\"outcome\":\"down\",\"http_status\":404"),
            std::string::npos)
      << st.second;
  EXPECT_EQ(http_get(base + "/nope").first, 404);
  ASSERT_TRUE(wt::wait_until([&] { return h.seen.count("gone") >= 2; }));
  m = http_get(base + "/metrics");
  for (const char* s : {"watchpost_target_up{pipeline=\"web\",target=\"home\"} 1\n",
                        "watchpost_target_up{pipeline=\"web\",target=\"gone\"} 0\n",
                        "watchpost_target_http_status_code{pipeline=\"web\",target=\"gone\"} 404\n",
                        "watchpost_target_phase_duration_seconds{pipeline=\"web\",target=\"home\",phase=\"connect\"} "})
    EXPECT_NE(m.second.find(s), std::string::npos) << s << "\n" << m.second;
  rt.request_stop();
  runner.join();
}

TEST(Admin, PerTargetSeriesStopAboveTheConfiguredNumberOfTargets) {
  Harness h;
  std::string port = std::to_string(free_port());
  wt::write_file(h.file, "admin: {listen: \"127.0.0.1:" + port + "\", target_series_limit: 1}\npipelines:\n"
                               "  - name: web\n    probe: {plugin: cprobe, interval: 1s}\n"
                               "    targets: [{id: a, name: a}, {id: b, name: b}]\n    sinks: [{plugin: chaos}]\n");
  RunOptions o;
  o.observer = [&](const ResultPtr& r) { h.seen.add(r); };
  Runtime rt(catalog(), load_config(h.file, catalog()), h.file, std::move(o));
  std::thread runner([&] { rt.run(); });
  ASSERT_TRUE(wt::wait_until([&] { return h.seen.count("a") >= 1 && h.seen.count("b") >= 1; }));
  auto m = http_get("http://127.0.0.1:" + port + "/metrics");
  rt.request_stop();
  runner.join();
  EXPECT_EQ(m.first, 200);
  EXPECT_EQ(m.second.find("watchpost_target_"), std::string::npos) << "2 targets, limit 1: no per-target series";
  EXPECT_NE(m.second.find("watchpost_checks_total"), std::string::npos) << "the rest of /metrics is there";
}

TEST(Admin, SpoolDropsAtTheSizeCapAreCountedInMetrics) {
  Harness h;
  std::string port = std::to_string(free_port());
  std::string targets;
  for (int i = 0; i < 3000; ++i) targets += std::string(i ? ", " : "") + "{id: t" + std::to_string(i) + ", name: n}";
  wt::write_file(h.file, "admin: {listen: \"127.0.0.1:" + port + "\"}\nspool: {dir: \"" + h.dir +
                               "/spool\", max_size: 1MiB, fsync: never}\npipelines:\n  - name: flood\n"
                               "    concurrency: 5000\n    probe: {plugin: cprobe, interval: 1s}\n    targets: [" +
                               targets + "]\n    sinks: [{plugin: chaos, mode: retry_then_ok, retries: 100000000,"
                               " queue_capacity: 1, batch_size: 1}]\n");
  RunOptions o;
  o.drain_timeout = std::chrono::milliseconds(200);
  Runtime rt(catalog(), load_config(h.file, catalog()), h.file, std::move(o));
  std::thread runner([&] { rt.run(); });
  std::string metric = "watchpost_spool_dropped_total{sink=\"flood/chaos\"}";
  bool seen = wt::wait_until([&] { return http_get("http://127.0.0.1:" + port + "/metrics").second.find(metric) !=
                                          std::string::npos; },
                             std::chrono::seconds(30));
  rt.request_stop();
  runner.join();
  EXPECT_TRUE(seen) << "drops past the spool's size cap must show in /metrics";
  EXPECT_GT(metrics().get(metric), 0);
}

TEST(Secrets, CredentialsInATargetUrlNeverReachResultsStatusOrLogs) {
  HttpTarget server;
  Harness h;
  std::string port = std::to_string(free_port());
  std::string url = "http://alice:hunter2@127.0.0.1:" + std::to_string(server.port()) + "/?access_token=abc123&page=2";
  std::string results = h.dir + "/results.jsonl";
  wt::write_file(h.file, "admin: {listen: \"127.0.0.1:" + port + "\"}\npipelines:\n  - name: web\n"
                               "    probe: {plugin: http, interval: 1s}\n"
                               "    targets: [{url: \"" + url + "\"}]\n"
                               "    sinks: [{plugin: stdout, format: json, path: \"" + results + "\", batch_delay: 0ms}]\n");
  RunOptions o;
  o.observer = [&](const ResultPtr& r) { h.seen.add(r); };
  Runtime rt(catalog(), load_config(h.file, catalog()), h.file, std::move(o));
  std::thread runner([&] { rt.run(); });
  ASSERT_TRUE(wt::wait_until([&] { return h.seen.unique() >= 2 && !wt::read_file(results).empty(); }));
  std::string status = http_get("http://127.0.0.1:" + port + "/status").second;
  rt.request_stop();
  runner.join();
  auto r = h.seen.all().front();
  EXPECT_EQ(outcome_name(r->outcome), "up") << "the check itself used the real URL: " << r->error_message;
  std::string shown = "http://***@127.0.0.1:" + std::to_string(server.port()) + "/?access_token=***&page=2";
  EXPECT_EQ(r->url, shown);
  EXPECT_EQ(r->target_id, shown) << "a URL used as the id is redacted too";
  for (const std::string& text : {status, wt::read_file(results)}) {
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_EQ(text.find("abc123"), std::string::npos) << text;
  }
  EXPECT_NE(status.find("access_token=***"), std::string::npos) << status;
}
