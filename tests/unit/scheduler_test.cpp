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

namespace {
std::vector<std::pair<uint32_t, int64_t>> run(Scheduler& s, int64_t from, int64_t to) {
  std::vector<std::pair<uint32_t, int64_t>> fired;
  for (int64_t now = from; now <= to; now += 10) {
    Scheduler::Due d;
    while (s.pop_due(now, d)) fired.emplace_back(d.target, d.slot_ms);
  }
  return fired;
}
}  // namespace

TEST(Scheduler, ARemovedTargetIsNeverDueAgainAndTheOthersKeepTheirSlots) {
  Scheduler s;
  const int64_t start = 1'000'000;
  s.add(0, 1000, 250, start);
  s.add(1, 1000, 700, start);
  s.add(2, 1000, 900, start);
  s.remove(1);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_FALSE(s.contains(1));
  auto fired = run(s, start, start + 3000);
  ASSERT_EQ(fired.size(), 6u);
  for (auto& [target, slot] : fired) {
    EXPECT_NE(target, 1u);
    EXPECT_EQ(slot % 1000, target == 0 ? 250 : 900) << "untouched targets keep their phase";
  }
  s.remove(1);  // twice: nothing happens
  EXPECT_EQ(s.size(), 2u);
}

TEST(Scheduler, AddingATargetAgainChangesItsIntervalNotItsPhaseAndLeavesNoDouble) {
  Scheduler s;
  const int64_t start = 1'000'000;
  s.add(0, 1000, 250, start);
  auto before = run(s, start, start + 1500);
  ASSERT_EQ(before.size(), 2u);
  s.add(0, 2000, 250, start + 1500);  // the same target, a new interval
  auto after = run(s, start + 1510, start + 9000);
  ASSERT_EQ(after.size(), 4u) << "one entry, every 2 s: the old 1 s entry is gone";
  for (auto& [target, slot] : after) EXPECT_EQ(slot % 2000, 250);
  s.remove(0);
  s.add(0, 1000, 250, start + 9000);  // back after removal
  EXPECT_EQ(run(s, start + 9010, start + 11000).size(), 2u);
}

TEST(Scheduler, ManyRemovalsDoNotLeaveTheHeapFullOfDeadEntries) {
  Scheduler s;
  for (uint32_t i = 0; i < 100'000; ++i) s.add(i, 60'000, phase_hash(std::to_string(i)), 0);
  for (uint32_t i = 0; i < 99'000; ++i) s.remove(i);
  EXPECT_EQ(s.size(), 1000u);
  auto fired = run(s, 0, 60'000);
  EXPECT_EQ(fired.size(), 1000u);
  for (auto& [target, slot] : fired) EXPECT_GE(target, 99'000u);
}
