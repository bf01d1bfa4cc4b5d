#include "delivery/spool/spool.hpp"

#include "process.hpp"
#include "small_disk.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
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
    f.write("WPR2\x30\x00\x00\x00\x11\x22\x33\x44half a rec", 22);  // header promising 48 bytes, 10 written
  }
  Spool s(o);
  EXPECT_EQ(s.recovery().records, 5u);
  EXPECT_EQ(s.recovery().truncated_bytes, 22u);
  EXPECT_NE(s.recovery().note.find("record cut short"), std::string::npos) << s.recovery().note;
  s.append(records(5, 6));
  uint64_t reader = s.claim_reader();
  auto all = s.peek(reader, 10);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.back().substr(0, 9), "record-5-") << "appends after the cut follow the good records";
}

namespace {

// Flips bytes inside record `index` (0-based) of a segment of `size`-byte payloads.
void corrupt_record(const std::string& segment, int index, size_t size = 40) {
  std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(index * (12 + size) + 12 + 3));
  f.write("####", 4);
}

std::vector<int> numbers(const std::vector<std::string>& recs) {
  std::vector<int> out;
  for (auto& r : recs) out.push_back(std::stoi(r.substr(7)));
  return out;
}

size_t quarantined_bytes(const std::string& dir) {
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir + "/quarantine")) n += e.file_size();
  return n;
}

}  // namespace

TEST(Spool, ACorruptRecordInTheMiddleCostsOnlyItselfAndIsQuarantined) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  { Spool(o).append(records(0, 4000)); }
  corrupt_record(last_segment(o.dir), 2000);
  Spool s(o);
  EXPECT_EQ(s.recovery().records, 3999u) << s.recovery().note;
  EXPECT_EQ(s.recovery().truncated_bytes, 0u);
  EXPECT_EQ(s.quarantined().spans, 1u);
  EXPECT_EQ(s.quarantined().bytes, 52u) << "exactly the one record's bytes";
  EXPECT_NE(s.recovery().note.find("checksum"), std::string::npos) << s.recovery().note;
  EXPECT_EQ(quarantined_bytes(o.dir), 52u) << "the bad bytes are kept for a person to look at";
  uint64_t reader = s.claim_reader();
  std::vector<int> got;
  for (;;) {
    auto batch = s.peek(reader, 500);
    if (batch.empty()) break;
    for (int n : numbers(batch)) got.push_back(n);
    s.consume(reader, batch.size());
  }
  ASSERT_EQ(got.size(), 3999u);
  for (int i = 0, k = 0; i < 4000; ++i) {
    if (i == 2000) continue;
    ASSERT_EQ(got[static_cast<size_t>(k++)], i) << "every good record, in order";
  }
  EXPECT_TRUE(s.empty());
}

TEST(Spool, ACorruptLengthCannotSendTheReaderIntoTheWrongBytes) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  { Spool(o).append(records(0, 10)); }
  {
    std::fstream f(last_segment(o.dir), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3 * 52 + 4);  // the length field of record 3: now it claims 52 bytes more
    f.put('\x5c');
  }
  Spool s(o);
  uint64_t reader = s.claim_reader();
  auto got = numbers(s.peek(reader, 100));
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 4, 5, 6, 7, 8, 9}));
}

TEST(Spool, DamageFoundWhileReadingIsSetAsideToo) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  Spool s(o);
  s.append(records(0, 20));
  corrupt_record(last_segment(o.dir), 5);
  uint64_t reader = s.claim_reader();
  auto got = numbers(s.peek(reader, 100));
  EXPECT_EQ(got.size(), 19u);
  EXPECT_EQ(got[5], 6) << "the checksum is verified on every read, not only at start-up";
  s.consume(reader, got.size());
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.quarantined().spans, 1u);
}

TEST(Spool, ASegmentInAnOlderFormatIsSetAsideNotDeleted) {
  Spool::Options o;
  o.dir = wt::temp_dir() + "/s";
  std::filesystem::create_directories(o.dir);
  wt::write_file(o.dir + "/seg-000001.spool", std::string("\x05\x00\x00\x00\x01\x02\x03\x04hello", 13));
  Spool s(o);
  EXPECT_EQ(s.records(), 0u);
  EXPECT_EQ(s.recovery().truncated_bytes, 13u);
  EXPECT_EQ(quarantined_bytes(o.dir), 13u) << "bytes it cannot read are kept aside, never just deleted";
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

TEST(Spool, AFullDiskRefusesAWholeAppendAndTheSpoolWorksOnceSpaceReturns) {
  wt::SmallDisk disk(256 << 10);
  if (!disk.mounted()) GTEST_SKIP() << disk.why_not();
  Spool::Options o;
  o.dir = disk.dir() + "/s";
  o.fsync = Spool::Fsync::always;
  Spool s(o);
  uint64_t reader = s.claim_reader();
  s.append(records(0, 100, 200));
  disk.fill();
  int refused = 0, next = 100;
  for (int attempt = 0; attempt < 50; ++attempt) {
    try {
      s.append(records(next, next + 10, 200));
      next += 10;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, 0) << "the disk was full";
  uint64_t stored = s.records();
  EXPECT_EQ(stored, static_cast<uint64_t>(next)) << "an append stores all of its records or none";
  disk.free_filler();
  s.append(records(next, next + 10, 200));
  next += 10;
  std::vector<int> got;
  for (;;) {
    auto batch = s.peek(reader, 64);
    if (batch.empty()) break;
    for (int n : numbers(batch)) got.push_back(n);
    s.consume(reader, batch.size());
  }
  ASSERT_EQ(got.size(), static_cast<size_t>(next));
  for (int i = 0; i < next; ++i) ASSERT_EQ(got[static_cast<size_t>(i)], i);
  EXPECT_EQ(s.quarantined().spans, 0u) << "nothing partial was left behind";
  struct stat st {};
  ASSERT_EQ(::stat(last_segment(o.dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0) << "a fully delivered segment gives its space back";
}

TEST(Spool, ACursorThatCannotBeSavedKeepsTheOldOneWhole) {
  wt::SmallDisk disk(128 << 10);
  if (!disk.mounted()) GTEST_SKIP() << disk.why_not();
  Spool::Options o;
  o.dir = disk.dir() + "/s";
  {
    Spool s(o);
    uint64_t reader = s.claim_reader();
    s.append(records(0, 10));
    s.consume(reader, s.peek(reader, 3).size());  // cursor saved after record 2
    disk.fill();
    s.consume(reader, s.peek(reader, 3).size());  // cannot be saved
    EXPECT_GT(s.cursor_errors(), 0u);
    EXPECT_EQ(s.records(), 4u);
  }
  disk.free_filler();
  Spool again(o);
  uint64_t reader = again.claim_reader();
  auto got = numbers(again.peek(reader, 100));
  EXPECT_EQ(got, (std::vector<int>{3, 4, 5, 6, 7, 8, 9}))
      << "the last saved cursor holds: records after it come again, none before it, none lost";
}
