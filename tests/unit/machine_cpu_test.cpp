// The idle share of the machine's CPU, read from a /proc/stat-shaped file the test writes.
#include "observe/machine_cpu.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace watchpost;

namespace {

// ctest runs each test in its own process, several at once, all sharing TempDir(): the file is
// named after the test and the process so no other test can write it while this one reads it.
std::string stat_file(const std::string& first_line) {
  static int n = 0;
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string path = ::testing::TempDir() + "/machine_cpu_stat_" + test->name() + "_" +
                     std::to_string(::getpid()) + "_" + std::to_string(++n);
  std::ofstream(path) << first_line << "\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
  return path;
}

}  // namespace

TEST(MachineCpu, TheIdleShareIsIdleAndIowaitTicksOverAllTicksSinceTheLastRead) {
  std::string path = stat_file("cpu  100 0 100 700 100 0 0 0 0 0");
  MachineCpu cpu(path);
  EXPECT_FALSE(cpu.idle_since_last()) << "one sample says nothing about a window";
  // +300 user, +50 system, +40 idle, +10 iowait: 50 of 400 ticks idle.
  std::ofstream(path) << "cpu  400 0 150 740 110 0 0 0 0 0\n";
  auto share = cpu.idle_since_last();
  ASSERT_TRUE(share);
  EXPECT_DOUBLE_EQ(*share, 50.0 / 400.0);
}

TEST(MachineCpu, AMissingOrMalformedFileGivesNothingAndNoCrash) {
  MachineCpu missing(::testing::TempDir() + "/no_such_stat_file");
  EXPECT_FALSE(missing.idle_since_last());
  EXPECT_FALSE(missing.idle_since_last());
  std::string path = stat_file("intr 1 2 3");
  MachineCpu malformed(path);
  EXPECT_FALSE(malformed.idle_since_last());
  EXPECT_FALSE(malformed.idle_since_last());
  std::string backwards = stat_file("cpu 100 0 100 700 100 0 0 0");
  MachineCpu reset(backwards);
  reset.idle_since_last();
  std::ofstream(backwards) << "cpu 10 0 10 70 10 0 0 0\n";  // counters went back (not a window)
  EXPECT_FALSE(reset.idle_since_last());
}

TEST(MachineCpu, ThisMachinesOwnCountersGiveAShareBetweenZeroAndOne) {
  if (!std::ifstream("/proc/stat")) GTEST_SKIP() << "no /proc/stat here (not Linux, or /proc not mounted)";
  MachineCpu cpu;
  EXPECT_FALSE(cpu.idle_since_last()) << "the first read only starts a window";
  // The counters move in clock ticks (10 ms): spin until they did, for at most 5 seconds.
  std::optional<double> share;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  volatile double spin = 0;
  while (!share && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 1'000'000; ++i) spin = spin + i;
    share = cpu.idle_since_last();
  }
  ASSERT_TRUE(share) << "the tick counters did not move in 5 seconds";
  EXPECT_GE(*share, 0.0);
  EXPECT_LE(*share, 1.0);
}
