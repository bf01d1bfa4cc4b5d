// Fault: SIGTERM while a sink keeps failing. Expected: --drain-timeout bounds the whole drain,
// the sinks' retry sleeps included, and a second signal stops within a second even while the
// sinks flush; what they hold is spooled.
#include "fault_helpers.hpp"
#include "http_client.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

using namespace watchpost;
using namespace watchpost::faults;

namespace {

struct FailingNode {
  std::string dir = wt::temp_dir();
  uint16_t port = wt::free_port();
  std::unique_ptr<wt::ChildProcess> node;

  explicit FailingNode(const std::string& drain_timeout) {
    wt::write_file(dir + "/node.yaml",
                   "admin: {listen: \"127.0.0.1:" + std::to_string(port) + "\"}\nspool: {dir: \"" + dir +
                       "/spool\"}\npipelines:\n  - name: drain\n    probe: {plugin: cprobe, interval: 1s}\n"
                       "    targets: " + cprobe_targets(3) + "\n"
                       "    sinks: [{plugin: chaos, mode: retry_then_ok, retries: 100000000, max_retry_delay: 30s,"
                       " queue_capacity: 1000}]\n");
    node = std::make_unique<wt::ChildProcess>(std::vector<std::string>{
        WATCHPOST_BIN, "run", dir + "/node.yaml", "--drain-timeout", drain_timeout, "--plugin-dir", TEST_PLUGIN_DIR,
        "--log-format", "json"});
  }
  double retries() {
    std::string m = wt::http_get("http://127.0.0.1:" + std::to_string(port) + "/metrics").second;
    const std::string key = "watchpost_sink_retries_total{sink=\"drain/chaos\"} ";
    auto at = m.find(key);
    return at == std::string::npos ? 0 : std::stod(m.substr(at + key.size()));
  }
  // Retries back off exponentially: by the sixth the next sleep is 0.64–6.4 s, far past the
  // deadlines these tests give.
  bool retrying_with_long_sleeps() {
    return wt::wait_until([&] { return retries() >= 6; }, std::chrono::seconds(30));
  }
  size_t spooled_files() {
    size_t n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir + "/spool"))
      n += e.path().extension() == ".spool" && e.file_size() > 0;
    return n;
  }
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST(Faults, TheDrainDeadlineBoundsEverythingWhileASinkIsFailing) {
  FailingNode n("1s");
  ASSERT_TRUE(n.retrying_with_long_sleeps());
  auto signalled = std::chrono::steady_clock::now();
  n.node->signal(SIGTERM);
  auto exit = n.node->wait(std::chrono::seconds(60));
  double took = seconds_since(signalled);
  EXPECT_EQ(exit.exit_code, 0) << exit.err;
  EXPECT_LT(took, 1.0 + 1.0) << "--drain-timeout 1s, retry sleep and all";
  EXPECT_GT(n.spooled_files(), 0u) << "what the sink could not write is spooled";
}

TEST(Faults, ASecondSignalStopsWithinASecondWhileTheSinksFlush) {
  FailingNode n("60s");
  ASSERT_TRUE(n.retrying_with_long_sleeps());
  n.node->signal(SIGTERM);
  // The admin endpoint closes once the checks in flight are done: the sinks are flushing now.
  ASSERT_TRUE(wt::wait_until([&] { return wt::http_get("http://127.0.0.1:" + std::to_string(n.port) + "/healthz").first == 0; },
                             std::chrono::seconds(10)));
  auto second = std::chrono::steady_clock::now();
  n.node->signal(SIGTERM);
  auto exit = n.node->wait(std::chrono::seconds(60));
  EXPECT_LT(seconds_since(second), 1.0) << "a second signal stops at once";
  EXPECT_EQ(exit.exit_code, 0) << exit.err;
  EXPECT_GT(n.spooled_files(), 0u);
}
