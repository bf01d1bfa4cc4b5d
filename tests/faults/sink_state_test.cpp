// Fault: a sink that cannot write for a while. Expected: the state is visible — logged when it
// starts (with the cause) and when it ends, in /healthz as degraded with the sink and since
// when, and in watchpost_sink_failing — not one line per retry, not silence.
#include "fault_helpers.hpp"
#include "observe/health.hpp"
#include "observe/metrics.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <cstdio>

using namespace watchpost;
using namespace watchpost::faults;

namespace {

bool degraded_by(const std::string& key, std::string* text = nullptr) {
  for (auto& c : health().conditions())
    if (c.key == key) {
      if (text) *text = c.text;
      return true;
    }
  return false;
}

}  // namespace

TEST(Faults, ASinkThatCannotWriteIsAStateInHealthAndMetricsUntilItRecovers) {
  std::string dir = wt::temp_dir();
  std::string gate = dir + "/down";
  wt::write_file(gate, "");
  wt::RunningRuntime run("pipelines:\n  - name: state\n    probe: {plugin: cprobe, interval: 1s}\n"
                         "    targets: " + cprobe_targets(2) + "\n"
                         "    sinks: [{plugin: chaos, gate: \"" + gate + "\", max_retry_delay: 200ms}]\n");
  std::string text;
  ASSERT_TRUE(wt::wait_until([&] { return degraded_by("sink state/chaos", &text); }, std::chrono::seconds(20)));
  EXPECT_EQ(text, "cannot write: chaos: gate file present") << "the cause, in the sink's words";
  EXPECT_EQ(metrics().get("watchpost_sink_failing{sink=\"state/chaos\"}"), 1);
  ASSERT_TRUE(wt::wait_until([&] { return metrics().get("watchpost_sink_retries_total{sink=\"state/chaos\"}") >= 5; },
                             std::chrono::seconds(20)));
  EXPECT_TRUE(degraded_by("sink state/chaos")) << "still failing after several retries";
  std::remove(gate.c_str());
  ASSERT_TRUE(wt::wait_until([&] { return !degraded_by("sink state/chaos"); }, std::chrono::seconds(20)))
      << "recovered: the condition clears";
  EXPECT_EQ(metrics().get("watchpost_sink_failing{sink=\"state/chaos\"}"), 0);
  EXPECT_EQ(run.stop(), 0);
}
