// Fault: one result among good ones that the sink refuses for good (PostgreSQL's "value out of
// range", "index row too large"). Expected: only that result goes to the dead-letter file,
// with the reason; every other result of its batch is stored.
#include "fault_helpers.hpp"
#include "observe/metrics.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace watchpost;
using namespace watchpost::faults;

TEST(Faults, AResultTheSinkRefusesIsDeadLetteredAloneAndTheRestOfItsBatchStored) {
  std::string dir = wt::temp_dir();
  std::string out = dir + "/accepted.txt", dead = dir + "/dead.jsonl";
  wt::RunningRuntime run("pipelines:\n  - name: poison\n"
                         "    probe: {plugin: cprobe, interval: 1s}\n    targets: " + cprobe_targets(10) + "\n"
                         "    sinks: [{plugin: chaos, refuse_target: t3, path: \"" + out + "\", dead_letter: \"" +
                         dead + "\", batch_size: 40, batch_delay: 500ms}]\n");
  ASSERT_TRUE(wt::wait_until([&] { return run.seen.count("t3") >= 3 && lines_of(dead).size() >= 3; },
                             std::chrono::seconds(30)));
  EXPECT_EQ(run.stop(), 0);
  auto stored = ids_in_file(out, false);
  std::multiset<std::string> dead_ids;
  for (auto& line : lines_of(dead)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["sink"], "poison/chaos");
    EXPECT_NE(j["reason"].get<std::string>().find("refusing t3"), std::string::npos) << line;
    EXPECT_EQ(j["result"]["target_id"], "t3") << "only the refused result is dead-lettered";
    dead_ids.insert(j["result"]["result_id"].get<std::string>());
  }
  for (auto& r : run.seen.all()) {
    if (r->target_id == "t3") {
      EXPECT_EQ(dead_ids.count(r->result_id), 1u) << r->result_id;
      EXPECT_EQ(stored.count(r->result_id), 0u);
    } else {
      EXPECT_EQ(stored.count(r->result_id), 1u) << "stored, although its batch held a refused result: "
                                                << r->target_id << " " << r->result_id;
    }
  }
  EXPECT_EQ(metrics().get("watchpost_sink_dead_lettered_total{sink=\"poison/chaos\"}"),
            static_cast<double>(dead_ids.size()));
}
