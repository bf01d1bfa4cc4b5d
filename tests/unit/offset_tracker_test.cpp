#include "offset_tracker.hpp"

#include <gtest/gtest.h>

using watchpost::kafka::OffsetTracker;

TEST(OffsetTracker, CommitsOnlyOverAContiguousRunOfDoneOffsets) {
  OffsetTracker t;
  uint64_t a = t.track("r", 0, 10), b = t.track("r", 0, 11), c = t.track("r", 0, 12);
  t.done(b);
  EXPECT_TRUE(t.take_commits().empty()) << "10 is not done: nothing may be committed";
  t.done(a);
  auto commits = t.take_commits();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].offset, 12) << "10 and 11 done: the next offset to read is 12";
  EXPECT_TRUE(t.take_commits().empty()) << "reported once";
  t.done(c);
  EXPECT_EQ(t.take_commits().at(0).offset, 13);
  EXPECT_EQ(t.in_flight(), 0u);
}

TEST(OffsetTracker, PartitionsAreIndependent) {
  OffsetTracker t;
  uint64_t p0 = t.track("r", 0, 5);
  t.track("r", 1, 7);
  t.done(p0);
  auto commits = t.take_commits();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].partition, 0);
  EXPECT_EQ(commits[0].offset, 6);
}

TEST(OffsetTracker, ARevokedPartitionIgnoresLateAcks) {
  OffsetTracker t;
  uint64_t a = t.track("r", 3, 100);
  t.forget("r", 3);
  t.done(a);
  EXPECT_TRUE(t.take_commits().empty());
  EXPECT_EQ(t.in_flight(), 0u);
  uint64_t again = t.track("r", 3, 100);  // redelivered after reassignment
  EXPECT_NE(again, a);
  t.done(again);
  EXPECT_EQ(t.take_commits().at(0).offset, 101);
}

// A message taken back (its schema registry was down: it will be read again) holds no place:
// the offsets before it commit as usual, nothing past it commits, and when it is read again
// and done the run goes on through it.
TEST(OffsetTracker, AnUntrackedMessageIsAsIfNeverReadAndBlocksNothingBeforeIt) {
  OffsetTracker t;
  uint64_t a = t.track("r", 0, 10);
  uint64_t b = t.track("r", 0, 11);
  t.untrack(b);
  EXPECT_EQ(t.in_flight(), 1u);
  t.done(b);  // a stale token: ignored
  EXPECT_TRUE(t.take_commits().empty());
  t.done(a);
  auto commits = t.take_commits();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].offset, 11) << "10 is done; 11 was taken back, so reading resumes at 11";
  uint64_t again = t.track("r", 0, 11);
  uint64_t next = t.track("r", 0, 12);
  t.done(next);
  EXPECT_TRUE(t.take_commits().empty()) << "11, read again, is not done yet";
  t.done(again);
  EXPECT_EQ(t.take_commits().at(0).offset, 13);
  t.untrack(12345);  // unknown: nothing happens
  EXPECT_EQ(t.in_flight(), 0u);
}
