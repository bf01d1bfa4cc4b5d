// Targets as data: a pipeline whose targets come from a targets plugin (here the test plugin
// file_targets, which sends a full snapshot whenever its file changes) and change while it
// runs. Added targets start, changed ones take their new settings, removed ones stop, bad ones
// are skipped, and targets that did not change keep their slots exactly.
#include "http_target.hpp"
#include "observe/metrics.hpp"
#include "process.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

class Catalog : public ::testing::Test {
 protected:
  void SetUp() override { list_ = dir_ + "/targets.yaml"; }

  void write_targets(const std::string& yaml) {
    // Written aside and renamed: the plugin never reads half a file.
    wt::write_file(list_ + ".tmp", yaml);
    std::rename((list_ + ".tmp").c_str(), list_.c_str());
  }
  std::string pipeline_yaml() const {
    return "pipelines:\n"
           "  - name: live\n"
           "    probe: {plugin: http, interval: 1s, timeout: 2s}\n"
           "    targets: {plugin: file_targets, path: " + list_ + "}\n"
           "    sinks: [{plugin: chaos}]\n";
  }
  std::string url(const std::string& path) const { return site_.url(path); }

  HttpTarget site_;
  std::string dir_ = wt::temp_dir();
  std::string list_;
};

// Results of `target` scheduled at or after `since_us`.
std::vector<ResultPtr> since(const wt::SeenResults& seen, const std::string& target, int64_t since_us) {
  std::vector<ResultPtr> out;
  for (auto& r : seen.all())
    if (r->target_id == target && r->scheduled_at_us >= since_us) out.push_back(r);
  return out;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_F(Catalog, AddedChangedAndRemovedTargetsTakeEffectWhileTheOthersKeepTheirSlots) {
  write_targets("- {id: steady, url: '" + url("/text/steady") + "'}\n"
                "- {id: changing, url: '" + url("/text/changing") + "'}\n"
                "- {id: leaving, url: '" + url("/text/leaving") + "'}\n");
  wt::RunningRuntime rt(pipeline_yaml());
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("steady") >= 2 && rt.seen.count("leaving") >= 1; },
                             std::chrono::seconds(15)));
  int64_t steady_phase = rt.seen.first("steady")->scheduled_at_us % 1000000;

  int64_t changed_at = now_us();
  write_targets("- {id: steady, url: '" + url("/text/steady") + "'}\n"
                "- {id: changing, url: '" + url("/status/503") + "'}\n"
                "- {id: arriving, url: '" + url("/text/arriving") + "'}\n");
  // Within 2 s of the change: the new target checked, the changed one down with its new URL.
  EXPECT_TRUE(wt::wait_until([&] { return !since(rt.seen, "arriving", changed_at).empty(); }, std::chrono::seconds(3)))
      << "an added target is checked within 2 s (its first slot is at most 1 s away)";
  EXPECT_TRUE(wt::wait_until(
      [&] {
        auto r = rt.seen.last("changing");
        return r && r->scheduled_at_us > changed_at && r->http_status == 503;
      },
      std::chrono::seconds(3)))
      << "a changed target is checked with its new URL";
  // Nothing of the removed one scheduled after its removal was applied (a check in flight at
  // that moment may still arrive; its slot is before the change).
  ASSERT_TRUE(wt::wait_until([&] { return since(rt.seen, "steady", changed_at + 2'500'000).size() >= 1; },
                             std::chrono::seconds(6)));
  for (auto& r : since(rt.seen, "leaving", changed_at + 1'000'000))
    ADD_FAILURE() << "a result of the removed target scheduled at " << r->scheduled_at_us;
  // The untouched target kept its phase through all of it.
  for (auto& r : rt.seen.all())
    if (r->target_id == "steady") EXPECT_EQ(r->scheduled_at_us % 1000000, steady_phase);
  rt.stop();
  EXPECT_EQ(rt.seen.duplicates(), 0u);
}

TEST_F(Catalog, ABadTargetIsSkippedCountedAndTheRestRun) {
  write_targets("- {id: good, url: '" + url("/text/good") + "'}\n"
                "- {id: no-scheme, url: 'example.com/x'}\n"
                "- {id: too-often, url: '" + url("/") + "', interval: 100ms}\n"
                "- {id: unknown-key, url: '" + url("/") + "', colour: blue}\n"
                "- {id: bad-regex, url: '" + url("/") + "', evaluate: [{plugin: regex, pattern: '(unclosed'}]}\n");
  wt::RunningRuntime rt(pipeline_yaml());
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("good") >= 1; }, std::chrono::seconds(10)));
  EXPECT_TRUE(wt::wait_until(
      [&] { return metrics().render_prometheus().find("watchpost_catalog_rejected_targets{pipeline=\"live\"} 4") !=
                   std::string::npos; },
      std::chrono::seconds(5)))
      << metrics().render_prometheus();
  for (const char* bad : {"no-scheme", "too-often", "unknown-key", "bad-regex"}) EXPECT_EQ(rt.seen.count(bad), 0u) << bad;

  // Fixing a row brings it in; the good one is not disturbed.
  write_targets("- {id: good, url: '" + url("/text/good") + "'}\n"
                "- {id: no-scheme, url: '" + url("/text/fixed") + "'}\n");
  EXPECT_TRUE(wt::wait_until([&] { return rt.seen.count("no-scheme") >= 1; }, std::chrono::seconds(4)));
  EXPECT_TRUE(wt::wait_until(
      [&] { return metrics().render_prometheus().find("watchpost_catalog_rejected_targets{pipeline=\"live\"} 0") !=
                   std::string::npos; },
      std::chrono::seconds(5)));
}

TEST_F(Catalog, ASourceThatCannotBeReadKeepsTheTargetsThePipelineHas) {
  write_targets("- {id: kept, url: '" + url("/text/kept") + "'}\n");
  wt::RunningRuntime rt(pipeline_yaml());
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("kept") >= 1; }, std::chrono::seconds(10)));
  std::remove(list_.c_str());  // the plugin now answers "retry"
  size_t before = rt.seen.count("kept");
  EXPECT_TRUE(wt::wait_until([&] { return rt.seen.count("kept") >= before + 2; }, std::chrono::seconds(5)))
      << "the target goes on being checked while its source is unreadable";
  EXPECT_NE(metrics().render_prometheus().find("watchpost_catalog_poll_errors_total"), std::string::npos);
}

TEST_F(Catalog, OnceChecksEveryTargetOfTheFirstSnapshotThenExits) {
  write_targets("- {id: one, url: '" + url("/text/one") + "'}\n"
                "- {id: two, url: '" + url("/text/two") + "'}\n");
  RunOptions once;
  once.once = true;
  wt::RunningRuntime rt(pipeline_yaml(), once);
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("one") == 1 && rt.seen.count("two") == 1; },
                             std::chrono::seconds(10)))
      << "--once waits for the plugin's first snapshot, then checks each target once";
}

TEST(CatalogConfig, TargetsFromAPluginAreValidatedAsAPluginBlock) {
  auto check = [](const std::string& yaml) {
    try {
      parse_config(yaml, "c.yaml", wt::test_catalog());
      return std::string();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
  };
  const std::string head = "pipelines:\n  - probe: {plugin: http}\n    sinks: [{plugin: chaos}]\n";
  EXPECT_EQ(check(head + "    targets: {plugin: file_targets, path: /tmp/x}\n"), "");
  EXPECT_NE(check(head + "    targets: {plugin: file_targets}\n").find("needs 'path'"), std::string::npos);
  EXPECT_NE(check(head + "    targets: {plugin: http}\n").find("is not a targets"), std::string::npos);
  EXPECT_NE(check(head + "    targets: {plugin: nosuch}\n").find("no targets plugin named 'nosuch'"), std::string::npos);
}
