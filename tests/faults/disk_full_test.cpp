// Fault: the spool's disk fills up while the sink is down, and frees up again. Expected: no
// corrupt spool, results held in memory (bounded), checks held back and counted, the state
// logged once and shown in health, and every checked result delivered exactly once after.
#include "fault_helpers.hpp"
#include "observe/health.hpp"
#include "observe/metrics.hpp"
#include "runtime_harness.hpp"
#include "small_disk.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

using namespace watchpost;
using namespace watchpost::faults;

TEST(Faults, AFullSpoolDiskHoldsResultsInMemoryThenDeliversEveryOneOnce) {
  wt::SmallDisk disk(512 << 10);
  if (!disk.mounted()) GTEST_SKIP() << disk.why_not();
  std::string dir = wt::temp_dir();
  std::string gate = dir + "/sink-down", out = dir + "/accepted.txt";
  wt::write_file(gate, "the chaos sink answers RETRY while this file exists");
  wt::RunningRuntime run("spool: {dir: \"" + disk.dir() + "/spool\", fsync: always}\n"
                         "pipelines:\n  - name: diskfull\n"
                         "    probe: {plugin: cprobe, interval: 1s}\n    targets: " + cprobe_targets(20) + "\n"
                         "    sinks: [{plugin: chaos, gate: \"" + gate + "\", path: \"" + out + "\","
                         " queue_capacity: 30, batch_size: 20, batch_delay: 10ms, max_retry_delay: 100ms}]\n");
  const std::string label = "{sink=\"diskfull/chaos\"}";
  ASSERT_TRUE(wt::wait_until([&] { return metrics().get("watchpost_spool_appended_total" + label) >= 40; },
                             std::chrono::seconds(30)));
  auto filled_at = std::chrono::steady_clock::now();
  disk.fill();
  ASSERT_TRUE(wt::wait_until([&] { return metrics().get("watchpost_spool_write_failing" + label) == 1; },
                             std::chrono::seconds(10)))
      << "a full disk is a state, shown in /metrics";
  bool in_health = false;
  for (auto& c : health().conditions()) in_health |= c.key.find("diskfull/chaos") != std::string::npos;
  EXPECT_TRUE(in_health) << "and in /healthz";
  ASSERT_TRUE(wt::wait_until([&] { return metrics().get("watchpost_spool_held_in_memory" + label) >= 30; },
                             std::chrono::seconds(20)))
      << "results wait in memory while the disk refuses them";
  size_t checked_when_full = run.seen.unique();
  EXPECT_LE(metrics().get("watchpost_spool_held_in_memory" + label), 30) << "memory stays bounded";
  double tries = metrics().get("watchpost_spool_errors_total" + label);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - filled_at).count();
  EXPECT_LE(tries, seconds + 3) << "the spool is retried once a second, not once per result";

  disk.free_filler();
  ASSERT_TRUE(wt::wait_until([&] { return metrics().get("watchpost_spool_write_failing" + label) == 0; },
                             std::chrono::seconds(10)))
      << "space returned: the spool takes writes again";
  ASSERT_TRUE(wt::wait_until(
      [&] { return metrics().get("watchpost_scheduler_missed_slots_total{pipeline=\"diskfull\"}") > 0; },
      std::chrono::seconds(10)))
      << "the checks held back while memory was full are counted as skipped slots, not replayed";
  EXPECT_TRUE(wt::wait_until([&] { return run.seen.unique() > checked_when_full; }, std::chrono::seconds(10)))
      << "checking resumed";
  std::remove(gate.c_str());
  ASSERT_TRUE(wt::wait_until(
      [&] {
        auto got = ids_in_file(out, false);
        for (auto& id : run.seen.ids())
          if (!got.count(id)) return false;
        return true;
      },
      std::chrono::seconds(60)));
  EXPECT_EQ(run.stop(), 0);
  auto got = ids_in_file(out, false);
  EXPECT_EQ(got.size(), run.seen.unique()) << "every checked result, each once";
  for (auto& id : run.seen.ids()) EXPECT_EQ(got.count(id), 1u) << id;
  EXPECT_EQ(metrics().get("watchpost_spool_undecodable_total" + label), 0) << "nothing partial was left in the spool";
}
