#include "spool/spool.hpp"

#include "process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace watchpost;
namespace wt = watchpost::testing;

namespace {

std::vector<std::string> records(int from, int to, size_t size = 40) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) {
    std::string r = "record-" + std::to_string(i) + "-";
    r.resize(size, 'x');
    out.push_back(r);
  }
  return out;
}

size_t segment_files(const std::string& dir) {
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".spool";
  return n;
}

std::string last_segment(const std::string& dir) {
  std::string last;
  for (auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".spool" && e.path().string() > last) last = e.path().string();
  return last;
}

}  // namespace

TEST(Spool, DeliversInOrderAndRemembersWhatWasConsumedAcrossReopen) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  {
    Spool s(o);
    uint64_t reader = s.claim_reader();
    s.append(records(0, 10));
    EXPECT_EQ(s.records(), 10u);
    auto first = s.peek(reader, 4);
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first[0].substr(0, 9), "record-0-");
    s.consume(reader, 4);
    EXPECT_EQ(s.records(), 6u);
  }
  Spool again(o);
  EXPECT_EQ(again.recovery().records, 6u);
  EXPECT_EQ(again.recovery().truncated_bytes, 0u);
  uint64_t reader = again.claim_reader();
  auto rest = again.peek(reader, 100);
  ASSERT_EQ(rest.size(), 6u);
  EXPECT_EQ(rest.front().substr(0, 9), "record-4-");
  EXPECT_EQ(rest.back().substr(0, 9), "record-9-");
}

TEST(Spool, SegmentsRollAndDeliveredOnesAreDeleted) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  o.segment_bytes = 1024;
  Spool s(o);
  uint64_t reader = s.claim_reader();
  s.append(records(0, 100, 100));
  EXPECT_GT(segment_files(o.dir), 5u);
  for (int i = 0; i < 100; i += 7) {
    auto batch = s.peek(reader, 7);
    ASSERT_FALSE(batch.empty());
    EXPECT_EQ(batch[0].substr(0, 8 + std::to_string(i).size()), "record-" + std::to_string(i) + "-");
    s.consume(reader, batch.size());
  }
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(segment_files(o.dir), 1u) << "delivered segments are removed";
}

TEST(Spool, ATornTailIsTruncatedReportedAndDoesNotStopStartUp) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  { Spool(o).append(records(0, 5)); }
  {
    std::ofstream f(last_segment(o.dir), std::ios::app | std::ios::binary);
    f.write("\x30\x00\x00\x00\x11\x22\x33\x44half a rec", 18);  // header promising 48 bytes, 10 written
  }
  Spool s(o);
  EXPECT_EQ(s.recovery().records, 5u);
  EXPECT_EQ(s.recovery().truncated_bytes, 18u);
  EXPECT_NE(s.recovery().note.find("record cut short"), std::string::npos) << s.recovery().note;
  s.append(records(5, 6));
  uint64_t reader = s.claim_reader();
  auto all = s.peek(reader, 10);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.back().substr(0, 9), "record-5-") << "appends after the cut follow the good records";
}

TEST(Spool, ACorruptRecordIsCaughtByItsChecksum) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  { Spool(o).append(records(0, 5)); }
  {
    std::fstream f(last_segment(o.dir), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2 * (8 + 40) + 8 + 3);  // a byte inside the third record's payload
    f.put('#');
  }
  Spool s(o);
  EXPECT_EQ(s.recovery().records, 2u);
  EXPECT_EQ(s.recovery().truncated_bytes, 3u * 48);
  EXPECT_NE(s.recovery().note.find("checksum"), std::string::npos);
}

TEST(Spool, TheSizeCapDropsTheOldestAndCountsThem) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  o.segment_bytes = 1024;
  o.max_bytes = 4096;
  Spool s(o);
  s.append(records(0, 200, 100));
  EXPECT_GT(s.dropped(), 0u);
  EXPECT_EQ(s.dropped() + s.records(), 200u) << "every record is either kept or counted as dropped";
  EXPECT_LE(s.bytes(), 4096u + 1024u);
  uint64_t reader = s.claim_reader();
  auto oldest_kept = s.peek(reader, 1);
  ASSERT_EQ(oldest_kept.size(), 1u);
  EXPECT_EQ(oldest_kept[0].substr(0, 7 + std::to_string(s.dropped()).size() + 1),
            "record-" + std::to_string(s.dropped()) + "-")
      << "the newest are kept, in order";
}

TEST(Spool, AnotherProcessCannotUseTheSameFolder) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  Spool first(o);
  try {
    Spool second(o);
    FAIL() << "two spools on one folder must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another watchpost process"), std::string::npos);
  }
  Spool::Options shared;
  shared.dir = wt::temp_dir() + "/shared";
  auto a = Spool::open(shared);
  EXPECT_EQ(a.get(), Spool::open(shared).get()) << "within a process the folder is shared, not reopened";
}

TEST(Spool, OnlyTheLatestReaderDelivers) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  Spool s(o);
  s.append(records(0, 3));
  uint64_t old_reader = s.claim_reader();
  uint64_t new_reader = s.claim_reader();
  EXPECT_TRUE(s.peek(old_reader, 10).empty());
  s.consume(old_reader, 3);
  EXPECT_EQ(s.records(), 3u);
  EXPECT_EQ(s.peek(new_reader, 10).size(), 3u);
}
