// The alert engine's rules on results made here, in the order a pipeline would hand them:
// latency percentiles, quorum verdicts across regions, replays, and the file store's history.
#include "alerting/alert_engine.hpp"
#include "alerting/alert_override.hpp"
#include "process.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wt = watchpost::testing;
using watchpost::AlertEngine;
using watchpost::AlertRecord;
using watchpost::AlertRuleConfig;
using watchpost::Result;

namespace {

constexpr int64_t kSlot = 10'000'000;  // 10 s between slots

Result result(int64_t slot, bool up, int64_t total_ms = 50, const std::string& region = "", const std::string& target = "site") {
  Result r;
  r.target_id = target;
  r.pipeline = "web";
  r.url = "http://127.0.0.1/";
  r.region = region;
  r.scheduled_at_us = 1'800'000'000'000'000 + slot * kSlot;
  r.outcome = up ? WP_OUTCOME_UP : WP_OUTCOME_DOWN;
  if (!up) r.error_kind = WP_ERR_HTTP_STATUS;
  r.total_us = total_ms * 1000;
  return r;
}

// "state@slot" of each event.
std::string feed(AlertEngine& engine, const std::vector<Result>& results) {
  std::string out;
  for (size_t i = 0; i < results.size(); ++i) {
    std::vector<AlertRecord> events;
    engine.observe(results[i], events);
    for (auto& e : events)
      out += (out.empty() ? "" : " ") + std::string(e.state == WP_ALERT_FIRING ? "firing" : "resolved") + "@" +
             std::to_string(i);
  }
  return out;
}

AlertRuleConfig latency_rule(int64_t percentile, int64_t above_ms, int64_t window_s, int64_t min_results = 1) {
  AlertRuleConfig r;
  r.name = "slow";
  r.kind = "latency";
  r.percentile = percentile;
  r.above_ms = above_ms;
  r.window_ms = window_s * 1000;
  r.min_results = min_results;
  return r;
}

AlertRuleConfig quorum_rule(int64_t quorum, int64_t down, int64_t up) {
  AlertRuleConfig r;
  r.name = "down-by-quorum";
  r.kind = "quorum";
  r.regions = {"eu", "us", "ap"};
  r.quorum = quorum;
  r.down = down;
  r.up = up;
  return r;
}

}  // namespace

TEST(AlertEngine, ALatencyRuleFiresWhenItsPercentileOfTheWindowPassesTheBound) {
  // p80 of the last 100 s (10 results at 10 s) above 500 ms: by nearest rank, the 8th of 10.
  AlertEngine engine("web", {latency_rule(80, 500, 100)}, "n", nullptr);
  std::vector<Result> rs;
  for (int i = 0; i < 10; ++i) rs.push_back(result(i, true, 100));  // fast
  rs.push_back(result(10, true, 900));  // window now 1..10: one slow → 8th of 10 is 100
  rs.push_back(result(11, true, 900));  // two slow: 8th is 100
  rs.push_back(result(12, true, 900));  // three slow: the 8th of 10 is 900 → fires
  rs.push_back(result(13, true, 100));  // still three slow in the window
  for (int i = 14; i < 24; ++i) rs.push_back(result(i, true, 100));  // slow ones slide out
  EXPECT_EQ(feed(engine, rs), "firing@12 resolved@20");
}

TEST(AlertEngine, ALatencyRuleWaitsForMinResultsAndCountsATimeoutAsSlow) {
  AlertEngine engine("web", {latency_rule(100, 500, 60, 3)}, "n", nullptr);
  std::vector<Result> rs = {result(0, false, 2000), result(1, true, 100), result(2, true, 100)};
  EXPECT_EQ(feed(engine, rs), "firing@2") << "the maximum of 3 results (a 2 s timeout among them)";
}

TEST(AlertEngine, AQuorumRuleFiresOnlyOnSlotsEnoughRegionsCallDown) {
  AlertEngine engine("web", {quorum_rule(2, 2, 1)}, "n", nullptr);
  std::vector<Result> rs;
  auto slot = [&](int s, bool eu, bool us, bool ap) {
    rs.push_back(result(s, eu, 50, "eu"));
    rs.push_back(result(s, us, 50, "us"));
    rs.push_back(result(s, ap, 50, "ap"));
  };
  slot(0, false, true, true);   // degraded: one region
  slot(1, false, true, true);
  slot(2, false, false, true);  // down by quorum
  slot(3, false, true, true);   // degraded again: resets the count
  slot(4, false, false, true);
  slot(5, true, false, false);  // second down slot in a row → fires on its 2nd down region's result (index 17)
  slot(6, true, true, false);   // not down → resolves once the verdict is sure (index 19: 2 up, 1 cannot make quorum)
  EXPECT_EQ(feed(engine, rs), "firing@17 resolved@19");
}

TEST(AlertEngine, AQuorumRuleDecidesSlotsInOrderAndCountsAMissingRegionAsNotDown) {
  AlertEngine engine("web", {quorum_rule(2, 2, 1)}, "n", nullptr);
  // ap never reports; eu and us both down for slots 0 and 1, arriving out of order across regions.
  std::vector<Result> rs = {result(0, false, 50, "eu"), result(1, false, 50, "eu"), result(0, false, 50, "us"),
                            result(1, false, 50, "us"),
                            // Slot 2: eu down, us up, ap silent: ap could still make it down, so it
                            // stays open until 3 newer slots are (at slot 5), then counts as not down.
                            result(2, false, 50, "eu"), result(2, true, 50, "us"), result(3, false, 50, "eu"),
                            result(4, false, 50, "eu"), result(5, false, 50, "eu"), result(6, false, 50, "eu"),
                            // A region that is not listed, and a result for a slot decided already: ignored.
                            result(7, false, 50, "mars"), result(0, true, 50, "ap")};
  std::string got = feed(engine, rs);
  EXPECT_EQ(got, "firing@3 resolved@8") << "slots 0 and 1 down by quorum; slot 2 closed by slot 5's result";
}

TEST(AlertEngine, ResultsOfSeveralRegionsForOneSlotAreAllJudgedButAReplayIsNot) {
  AlertRuleConfig rule;
  rule.name = "down";
  rule.down = 2;
  rule.up = 1;
  AlertEngine engine("web", {rule}, "n", nullptr);
  // Two regions report slot 0 down: two down results in a row. The replay of eu's changes nothing.
  std::vector<Result> rs = {result(0, false, 50, "eu"), result(0, false, 50, "eu"), result(0, false, 50, "us"),
                            result(1, true, 50, "us"), result(1, true, 50, "us")};
  EXPECT_EQ(feed(engine, rs), "firing@2 resolved@3");
}

TEST(AlertEngine, TheFileStoreKeepsWhatFiresAndAHistoryOfEveryChange) {
  std::string spool = wt::temp_dir();
  AlertRuleConfig rule;
  rule.name = "down";
  rule.down = 1;
  rule.up = 1;
  {
    AlertEngine engine("web", {rule}, "n", watchpost::file_alert_store(spool, "web"));
    EXPECT_EQ(feed(engine, {result(0, false), result(1, true), result(2, false)}), "firing@0 resolved@1 firing@2");
    engine.save();
    EXPECT_EQ(engine.firing(), 1u);
  }
  // What fires is back after a "restart", with the value it fired with; the history holds all three.
  AlertEngine again("web", {rule}, "n", watchpost::file_alert_store(spool, "web"));
  ASSERT_EQ(again.firing(), 1u);
  EXPECT_NE(again.firing_alerts().at(0).value.find("1 down in a row"), std::string::npos);
  EXPECT_EQ(feed(again, {result(2, false), result(3, true)}), "resolved@1") << "slot 2 is a replay";
  again.save();
  std::ifstream in(spool + "/alerts/web.history.jsonl");
  std::vector<std::string> states;
  for (std::string line; std::getline(in, line);) states.push_back(nlohmann::json::parse(line).value("state", "?"));
  EXPECT_EQ(states, (std::vector<std::string>{"firing", "resolved", "firing", "resolved"}));
}

TEST(AlertEngine, AStateFileOfTheFirstVersionIsStillRead) {
  std::string spool = wt::temp_dir();
  std::filesystem::create_directories(spool + "/alerts");
  std::ofstream(spool + "/alerts/web.json")
      << R"({"version":1,"pipeline":"web","firing":[{"rule":"down","target_id":"site","started_at_us":5,)"
         R"("last_slot_us":1800000000000000,"url":"http://x/","labels":{"team":"a"}}]})";
  AlertRuleConfig rule;
  rule.name = "down";
  rule.down = 1;
  AlertEngine engine("web", {rule}, "n", watchpost::file_alert_store(spool, "web"));
  ASSERT_EQ(engine.firing(), 1u);
  EXPECT_EQ(engine.firing_alerts().at(0).started_at_us, 5);
}

TEST(AlertEngine, AStateFileThatIsNotOneStopsTheStartWithAClearError) {
  std::string spool = wt::temp_dir();
  std::filesystem::create_directories(spool + "/alerts");
  std::ofstream(spool + "/alerts/web.json") << "{\"firing\": [tor";
  AlertRuleConfig rule;
  rule.name = "down";
  try {
    AlertEngine engine("web", {rule}, "n", watchpost::file_alert_store(spool, "web"));
    FAIL() << "a torn state file was taken as empty";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is not an alert state file (move it away"), std::string::npos) << e.what();
  }
}

TEST(AlertEngine, ATargetsAlertLabelsChangeItsRulesAndStayOutOfTheEvents) {
  AlertRuleConfig rule;
  rule.name = "down";
  rule.down = 3;
  rule.up = 1;
  AlertEngine engine("web", {rule}, "n", nullptr);
  auto with = [](Result r, watchpost::Labels labels) {
    r.labels = std::make_shared<watchpost::Labels>(std::move(labels));
    return r;
  };
  watchpost::Labels quick = {{"team", "web"}, {"alert.down.down", "1"}};
  // "fast" fires at its first down; "plain" needs three; "muted" never fires.
  std::vector<AlertRecord> events;
  engine.observe(with(result(0, false, 50, "", "fast"), quick), events);
  engine.observe(with(result(0, false, 50, "", "plain"), {}), events);
  engine.observe(with(result(0, false, 50, "", "muted"), {{"alert.down", "off"}}), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].target_id, "fast");
  EXPECT_EQ(events[0].labels, (watchpost::Labels{{"team", "web"}})) << "alert. labels are settings, not labels";
  for (int i = 1; i < 5; ++i) engine.observe(with(result(i, false, 50, "", "muted"), {{"alert.down", "off"}}), events);
  engine.observe(with(result(1, false, 50, "", "plain"), {}), events);
  engine.observe(with(result(2, false, 50, "", "plain"), {}), events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].target_id, "plain");
  // Turning the rule off for a target whose alert fires resolves it.
  engine.observe(with(result(3, false, 50, "", "plain"), {{"alert.down", "off"}}), events);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].state, WP_ALERT_RESOLVED);
  EXPECT_EQ(events[2].value, "the rule is off for this target");
  // A label that does not apply is ignored (and logged), the pipeline's rule stays.
  engine.observe(with(result(0, false, 50, "", "odd"), {{"alert.down.threshold", "2"}}), events);
  EXPECT_EQ(events.size(), 3u);
}

TEST(AlertEngine, AlertLabelsAreCheckedAgainstTheRuleTheyName) {
  AlertRuleConfig down, slow;
  down.name = "down";
  slow.name = "slow.p95";
  slow.kind = "latency";
  std::vector<AlertRuleConfig> rules = {down, slow};
  std::vector<char> off;
  EXPECT_EQ(watchpost::apply_alert_label(rules, off, "alert.down.down", "5"), "");
  EXPECT_EQ(rules[0].down, 5);
  EXPECT_EQ(watchpost::apply_alert_label(rules, off, "alert.slow.p95.above", "2s"), "") << "a rule name with a dot";
  EXPECT_EQ(rules[1].above_ms, 2000);
  EXPECT_EQ(watchpost::apply_alert_label(rules, off, "alert.slow.p95", "off"), "");
  EXPECT_TRUE(off[1]);
  EXPECT_NE(watchpost::apply_alert_label(rules, off, "alert.down.down", "0").find("at least 1"), std::string::npos);
  EXPECT_NE(watchpost::apply_alert_label(rules, off, "alert.down.above", "1s").find("has no 'above'"), std::string::npos);
  EXPECT_NE(watchpost::apply_alert_label(rules, off, "alert.gone.down", "1").find("names no alert rule"), std::string::npos);
  EXPECT_NE(watchpost::apply_alert_label(rules, off, "alert.down", "maybe").find("takes off or on"), std::string::npos);
  EXPECT_NE(watchpost::apply_alert_label(rules, off, "alert.slow.p95.percentile", "101").find("from 1 to 100"),
            std::string::npos);
}
