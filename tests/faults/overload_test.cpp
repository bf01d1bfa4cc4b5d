// Fault: a node asked for more HTTPS checks than its CPU can finish. Expected: it never
// blames a healthy site. It admits what it can finish (the in-flight limit backs off),
// skips and counts the rest, and a check that timed out because watchpost itself was starved
// is `unknown`/`probe`, not `down`. Before: 13,090 of 16,084 results `down`/`timeout`.
#include "fault_helpers.hpp"
#include "http_client.hpp"
#include "http_target.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <sched.h>

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>

using namespace watchpost;
using namespace watchpost::faults;

TEST(Faults, PastItsCapacityANodeSkipsChecksAndNeverReportsAHealthySiteDown) {
#if defined(__SANITIZE_THREAD__)
  // The site is this test process, and TSan slows it about tenfold: it then really cannot
  // accept connections in time (connects time out in its full backlog), so "healthy" no longer
  // holds. The plain build (make test) and ASan run this test.
  GTEST_SKIP() << "under TSan the test's own HTTPS site is too slow to be a healthy site";
#endif
  cpu_set_t all;
  CPU_ZERO(&all);
  if (sched_getaffinity(0, sizeof all, &all) != 0 || CPU_COUNT(&all) < 2)
    GTEST_SKIP() << "needs two CPUs: one for watchpost, one for the site it checks";
  int cpus[2], found = 0;
  for (int c = 0; c < CPU_SETSIZE && found < 2; ++c)
    if (CPU_ISSET(c, &all)) cpus[found++] = c;
  // The site gets a CPU of its own, so it stays healthy; watchpost gets the other, alone.
  cpu_set_t site_cpu;
  CPU_ZERO(&site_cpu);
  CPU_SET(cpus[1], &site_cpu);
  ASSERT_EQ(sched_setaffinity(0, sizeof site_cpu, &site_cpu), 0);
  target::HttpTarget site(target::HttpTarget::Options{true, 0});
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/ca.pem", site.certificate_pem());
  uint16_t port = wt::free_port();
  std::string results = dir + "/results.jsonl";
  // 10,000 targets at 2 s: 5,000 fresh TLS handshakes a second, several times what one CPU does.
  wt::write_file(dir + "/over.yaml",
                 "admin: {listen: \"127.0.0.1:" + std::to_string(port) + "\"}\npipelines:\n  - name: over\n"
                 "    concurrency: 4000\n"
                 "    probe: {plugin: http, interval: 2s, timeout: 2s, ca_file: \"" + dir + "/ca.pem\"}\n"
                 "    targets: [{id: \"t{n}\", url: \"" + site.url("/") + "?n={n}\", repeat: 10000}]\n"
                 "    sinks: [{plugin: stdout, format: json, path: \"" + results + "\", batch_size: 5000}]\n");
#if defined(__SANITIZE_ADDRESS__)
  // Seen once under ASan: LeakSanitizer's own tracer died (signal 11 inside LSan) checking
  // this overloaded child at exit, failing its exit code. Leaks are checked by every other test.
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
#endif
  wt::ChildProcess node({"/usr/bin/taskset", "-c", std::to_string(cpus[0]), WATCHPOST_BIN, "run", dir + "/over.yaml",
                         "--for", "15s", "--plugin-dir", WATCHPOST_PLUGIN_DIR, "--log-format", "json"});
  std::string metrics_text;
  ASSERT_TRUE(wt::wait_until(
      [&] {
        metrics_text = wt::http_get("http://127.0.0.1:" + std::to_string(port) + "/metrics").second;
        return metrics_text.find("watchpost_scheduler_missed_slots_total{pipeline=\"over\"}") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << "demand past capacity: slots are skipped and counted";
  auto exit = node.wait(std::chrono::seconds(60));
  EXPECT_EQ(exit.exit_code, 0) << exit.err.substr(0, 2000);
  size_t up = 0, down = 0, unknown = 0;
  std::string first_down;
  std::ifstream in(results);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"outcome\":\"up\"") != std::string::npos) ++up;
    else if (line.find("\"outcome\":\"down\"") != std::string::npos) {
      if (!down++) first_down = line;
    } else if (line.find("\"outcome\":\"unknown\"") != std::string::npos) {
      ++unknown;
      EXPECT_NE(line.find("\"error_kind\":\"probe\""), std::string::npos) << line;
    }
  }
  std::fprintf(stderr, "up %zu, down %zu, unknown %zu\n", up, down, unknown);
  EXPECT_GT(up, 1000u) << "it kept checking";
  EXPECT_EQ(down, 0u) << "a healthy site was reported down: " << first_down;
}
