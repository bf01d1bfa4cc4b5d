#include <watchpost/utf8.hpp>
#include <watchpost/values.hpp>

#include <gtest/gtest.h>

using namespace watchpost;

TEST(Durations, AcceptTheUsualForms) {
  EXPECT_EQ(parse_duration_ms("250ms"), 250);
  EXPECT_EQ(parse_duration_ms("30s"), 30000);
  EXPECT_EQ(parse_duration_ms("5m"), 300000);
  EXPECT_EQ(parse_duration_ms("1h"), 3600000);
  EXPECT_EQ(parse_duration_ms("1h30m"), 5400000);
  EXPECT_EQ(parse_duration_ms("1.5s"), 1500);
  EXPECT_EQ(parse_duration_ms("2"), 2000);  // a bare number is seconds
  EXPECT_EQ(parse_duration_ms("0ms"), 0);
}

TEST(Durations, RejectWhatIsNotADuration) {
  for (const char* bad : {"", "abc", "5x", "s", "1.s", "-5s", "5 s", "1s2", "10y"})
    EXPECT_FALSE(parse_duration_ms(bad).has_value()) << bad;
}

TEST(Bytes, AcceptUnits) {
  EXPECT_EQ(parse_bytes("1048576"), 1048576);
  EXPECT_EQ(parse_bytes("64KiB"), 65536);
  EXPECT_EQ(parse_bytes("1MiB"), 1048576);
  EXPECT_EQ(parse_bytes("10MB"), 10000000);
  EXPECT_FALSE(parse_bytes("1 XB").has_value());
  EXPECT_FALSE(parse_bytes("MiB").has_value());
}

TEST(StatusRanges, SingleRangeAndClass) {
  auto one = parse_status_range("204");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->low, 204);
  EXPECT_EQ(one->high, 204);
  auto range = parse_status_range("200-299");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->high, 299);
  auto cls = parse_status_range("3xx");
  ASSERT_TRUE(cls);
  EXPECT_EQ(cls->low, 300);
  EXPECT_EQ(cls->high, 399);
  for (const char* bad : {"99", "600", "299-200", "2x", "abc", "200-", "6xx"})
    EXPECT_FALSE(parse_status_range(bad).has_value()) << bad;
}

TEST(Utf8, TextKeepsWellFormedUtf8AndReplacesNulAndStrayBytes) {
  auto text = [](std::string_view s) {
    std::string out = "<";
    utf8::append_text(out, s);
    return out;
  };
  EXPECT_EQ(text("plain \t text"), "<plain \t text");
  EXPECT_EQ(text("caf\xC3\xA9 \xF0\x9F\x99\x82"), "<caf\xC3\xA9 \xF0\x9F\x99\x82");
  EXPECT_EQ(text(std::string_view("a\0b", 3)), "<a\xEF\xBF\xBD" "b") << "NUL: PostgreSQL text refuses it";
  EXPECT_EQ(text("a\xFF\xC3"), "<a\xEF\xBF\xBD\xEF\xBF\xBD") << "a stray byte, a cut sequence";
}
