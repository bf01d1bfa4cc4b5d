// The uptime report's text, apart from the database it reads.
#include "report/uptime_report.hpp"

#include <gtest/gtest.h>

using namespace watchpost;

TEST(ReportFormat, TheWindowIsSaidInTheUnitItWasGivenIn) {
  auto head = [](int64_t ms) {
    report::Query q;
    q.since_ms = ms;
    std::string t = report::render_table({}, q);
    return t.substr(0, t.find('\n'));
  };
  EXPECT_EQ(head(30'000), "Checks in the last 30 s");
  EXPECT_EQ(head(90 * 60'000), "Checks in the last 90 min");
  EXPECT_EQ(head(24 * 3'600'000), "Checks in the last 24 h");
  EXPECT_EQ(head(7 * 86'400'000LL), "Checks in the last 7 d");
  EXPECT_EQ(head(36 * 3'600'000), "Checks in the last 36 h");
  EXPECT_EQ(head(3'600'000), "Checks in the last 1 h") << "not 60 min";
  EXPECT_EQ(head(90'000), "Checks in the last 1.5 min");
}
