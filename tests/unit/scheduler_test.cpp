#include "schedule/scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace watchpost;

TEST(Scheduler, FirstSlotIsStrictlyAfterNowAndOnThePhase) {
  EXPECT_EQ(Scheduler::first_slot_after(1000, 100, 30), 1030);
  EXPECT_EQ(Scheduler::first_slot_after(1030, 100, 30), 1130);
  EXPECT_EQ(Scheduler::first_slot_after(1029, 100, 30), 1030);
}

TEST(Scheduler, FiresEachTargetOncePerIntervalAtItsPhase) {
  Scheduler s;
  const int64_t start = 1'000'000;
  s.add(0, 1000, 250, start);
  s.add(1, 1000, 700, start);
  std::vector<std::pair<uint32_t, int64_t>> fired;
  for (int64_t now = start; now <= start + 3000; now += 10) {
    Scheduler::Due d;
    while (s.pop_due(now, d)) fired.emplace_back(d.target, d.slot_ms);
  }
  ASSERT_EQ(fired.size(), 6u);
  for (auto& [target, slot] : fired) EXPECT_EQ(slot % 1000, target == 0 ? 250 : 700);
}

TEST(Scheduler, PhasesOfManyTargetsSpreadEvenly) {
  // 100,000 targets on a 60 s interval: no second of the minute may hold more than 2x its share.
  Scheduler s;
  const int64_t interval = 60'000;
  std::vector<int> per_second(60, 0);
  for (uint32_t i = 0; i < 100'000; ++i) {
    uint64_t phase = phase_hash("target-" + std::to_string(i)) % interval;
    per_second[phase / 1000]++;
  }
  int max = *std::max_element(per_second.begin(), per_second.end());
  int min = *std::min_element(per_second.begin(), per_second.end());
  EXPECT_LT(max, 2 * 100'000 / 60);
  EXPECT_GT(min, 100'000 / 60 / 2);
}

TEST(Scheduler, AStallSkipsMissedSlotsInsteadOfReplayingThem) {
  Scheduler s;
  s.add(7, 1000, 0, 0);  // slots at 1000, 2000, ...
  Scheduler::Due d;
  ASSERT_TRUE(s.pop_due(1000, d));
  EXPECT_EQ(d.skipped, 0u);
  // Nothing runs for 5.5 s: one check for the latest slot, four counted as skipped.
  ASSERT_TRUE(s.pop_due(6500, d));
  EXPECT_EQ(d.slot_ms, 6000);
  EXPECT_EQ(d.skipped, 4u);
  EXPECT_EQ(d.lateness_ms, 500);
  EXPECT_FALSE(s.pop_due(6500, d)) << "the missed slots must not be replayed";
  EXPECT_EQ(s.next_due_ms(), 7000);
}

TEST(Scheduler, SameIdSamePhaseAcrossRestarts) {
  Scheduler a, b;
  a.add(0, 30'000, phase_hash("shop"), 1'000'000);
  b.add(0, 30'000, phase_hash("shop"), 1'017'000);  // "restarted" 17 s later
  EXPECT_EQ(a.next_due_ms() % 30'000, b.next_due_ms() % 30'000);
  EXPECT_NE(phase_hash("shop") % 30'000, phase_hash("blog") % 30'000);
}
