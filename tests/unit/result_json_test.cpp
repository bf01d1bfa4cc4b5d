#include "results/result.hpp"
#include "results/json_chars.hpp"
#include "results/json_writer.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"
#include "results/ulid.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <random>
#include <set>

using namespace watchpost;

namespace {

Result sample() {
  Result r;
  r.result_id = make_ulid(1'790'000'000'000);
  r.target_id = "shop";
  r.pipeline = "web";
  r.url = "https://shop.example/\"quoted\"";
  r.node = "n1";
  r.labels = std::make_shared<Labels>(Labels{{"team", "web"}});
  r.scheduled_at_us = 1'790'000'000'000'000;
  r.started_at_us = r.scheduled_at_us + 1234;
  r.total_us = 5000;
  r.connect_us = 300;
  r.http_status = 503;
  r.outcome = WP_OUTCOME_DOWN;
  r.error_kind = WP_ERR_HTTP_STATUS;
  r.error_message = "HTTP 503\n";
  r.verdicts.push_back({"web/regex", 0, "pattern 'x' not found"});
  return r;
}

}  // namespace

TEST(ResultJson, CarriesSchemaVersionAndEscapes) {
  Result r = sample();
  ResultViews v(r);
  std::string json;
  append_result_json(json, *v.data());
  EXPECT_NE(json.find("\"schema_version\":1"), std::string::npos);
  EXPECT_NE(json.find("\"outcome\":\"down\""), std::string::npos);
  EXPECT_NE(json.find("\"error_kind\":\"http_status\""), std::string::npos);
  EXPECT_NE(json.find("https://shop.example/\\\"quoted\\\""), std::string::npos);
  EXPECT_NE(json.find("HTTP 503\\n"), std::string::npos);
  EXPECT_NE(json.find("\"labels\":{\"team\":\"web\"}"), std::string::npos);
  EXPECT_NE(json.find("\"dns\":null"), std::string::npos) << "unmeasured phases are null, not -1";
  EXPECT_NE(json.find("\"connect\":300"), std::string::npos);
  EXPECT_NE(json.find("\"scheduled_at\":\"2026-09-21T"), std::string::npos) << json;
  EXPECT_NE(json.find("{\"evaluator\":\"web/regex\",\"pass\":\"fail\""), std::string::npos);
}

TEST(ResultViews, RoundTripThroughTheCView) {
  Result r = sample();
  ResultViews v(r);
  Result back = result_from_c(*v.data());
  EXPECT_EQ(back.result_id, r.result_id);
  EXPECT_EQ(back.url, r.url);
  EXPECT_EQ(back.labels->at(0).second, "web");
  EXPECT_EQ(back.verdicts.at(0).message, r.verdicts[0].message);
  EXPECT_EQ(back.error_kind, WP_ERR_HTTP_STATUS);
  EXPECT_EQ(back.total_us, 5000);
}

TEST(Ulid, UniqueSortableAndTwentySixChars) {
  std::set<std::string> ids;
  std::string previous;
  for (int64_t ms = 1'700'000'000'000; ms < 1'700'000'000'000 + 2000; ++ms) {
    std::string id = make_ulid(ms);
    ASSERT_EQ(id.size(), 26u);
    EXPECT_GT(id.substr(0, 10), previous.empty() ? "" : previous.substr(0, 10));
    previous = id;
    ids.insert(id);
    ids.insert(make_ulid(ms));  // same millisecond, still unique
  }
  EXPECT_EQ(ids.size(), 4000u);
}

TEST(ResultJson, TimesAreRfc3339WithMicroseconds) {
  Result r = sample();
  r.scheduled_at_us = 1'795'269'463'057'001;  // 2026-11-21T13:57:43.057001Z
  r.started_at_us = 0;
  ResultViews v(r);
  std::string json;
  append_result_json(json, *v.data());
  EXPECT_NE(json.find("\"scheduled_at\":\"2026-11-21T13:57:43.057001Z\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"started_at\":\"1970-01-01T00:00:00.000000Z\""), std::string::npos) << json;
}

// Strings come from targets and probes; whatever their bytes, the JSON stays valid UTF-8.
TEST(JsonWriter, EscapesControlsKeepsUtf8AndReplacesBytesThatAreNotUtf8) {
  auto encode = [](std::string_view s) {
    std::string out;
    JsonWriter(out).value(s);
    return out;
  };
  EXPECT_EQ(encode("plain"), "\"plain\"");
  EXPECT_EQ(encode(std::string_view("a\"b\\c\n\r\t\x01\x1f", 10)), "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\"");
  EXPECT_EQ(encode(std::string_view("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(encode("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x99\x82"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x99\x82\"");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(encode("a\xFF" "b"), "\"a" + fffd + "b\"") << "a byte that starts nothing";
  EXPECT_EQ(encode("a\xC3"), "\"a" + fffd + "\"") << "a sequence cut short at the end";
  EXPECT_EQ(encode("\xC0\xAF"), "\"" + fffd + fffd + "\"") << "overlong";
  EXPECT_EQ(encode("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"") << "a UTF-16 surrogate";
  EXPECT_EQ(encode("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"") << "past U+10FFFF";
  EXPECT_EQ(encode("\xE2\x82" "x"), "\"" + fffd + fffd + "x\"") << "a continuation missing";
}

TEST(ResultJson, TheRegionIsWrittenWhenSetAndReadBack) {
  Result r = sample();
  std::string json;
  append_result_json(json, *ResultViews(r).data());
  EXPECT_EQ(json.find("\"region\""), std::string::npos) << "no region: no key, as before regions";
  r.region = "eu-west";
  json.clear();
  append_result_json(json, *ResultViews(r).data());
  EXPECT_NE(json.find("\"node\":\"n1\",\"region\":\"eu-west\""), std::string::npos) << json;
  Result back;
  EXPECT_EQ(decode_result_json(json, back), "");
  EXPECT_EQ(back.region, "eu-west");
  EXPECT_EQ(result_from_c(*ResultViews(back).data()).region, "eu-west");
  // A record from a plugin built before the field (shorter struct) has no region.
  wp_result old = *ResultViews(r).data();
  old.struct_size = offsetof(wp_result, region);
  EXPECT_EQ(region_of(old).size, 0u);
}

// Response headers (ABI 1.4) are in the view evaluators get, never in a sink's.
TEST(ResultViews, HeadersGoToEvaluatorsOnly) {
  Result r;
  r.result_id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  r.target_id = "t";
  r.body = "{}";
  r.headers = {{"Content-Type", "application/json"}, {"X-Version", "7"}};
  ResultViews for_evaluators(r, /*with_body=*/true);
  size_t count = 0;
  const wp_label* h = wp_result_headers(for_evaluators.data(), &count);
  ASSERT_EQ(count, 2u);
  EXPECT_EQ(std::string(h[1].key.data, h[1].key.size), "X-Version");
  EXPECT_EQ(std::string(h[1].value.data, h[1].value.size), "7");
  ResultViews for_sinks(r);
  EXPECT_EQ(wp_result_headers(for_sinks.data(), &count), nullptr);
  EXPECT_EQ(count, 0u);
  std::string json;
  append_result_json(json, *for_evaluators.data());
  EXPECT_EQ(json.find("X-Version"), std::string::npos) << "headers are not part of the stored record";
}

// The escaper skips plain text eight bytes at a time: a character that needs escaping must
// be found at every offset of such a word and across its edge, and the text read back whole.
TEST(JsonWriter, EscapesACharacterAtEveryOffsetOfTheWordSkip) {
  const std::string specials[] = {"\"", "\\", "\n", std::string(1, '\x01'), std::string(1, '\0'), "\x7f",
                                  "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x99\x82"};
  for (const std::string& special : specials) {
    for (size_t at = 0; at < 24; ++at) {
      std::string s = std::string(at, 'a') + special + std::string(23 - at, 'b');
      std::string out;
      JsonWriter(out).value(s);
      EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), s) << "offset " << at << ": " << out;
    }
  }
  std::string out;
  JsonWriter(out).value(std::string(17, 'x') + "\xFF");
  EXPECT_EQ(out, "\"" + std::string(17, 'x') + "\xEF\xBF\xBD\"") << "a stray byte after two plain words";
}

// Times are formatted by arithmetic, not gmtime_r: both must agree, leap days and centuries
// included.
TEST(ResultJson, TimesAgreeWithGmtimeAcrossLeapDaysAndCenturies) {
  auto by_gmtime = [](int64_t us) {
    std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us % 1'000'000));
    return std::string(buf);
  };
  std::vector<int64_t> times = {0, 951'782'399'999'999, 951'782'400'000'000, 951'868'800'000'001,
                                4'107'542'400'000'000, 253'402'300'799'999'999};
  std::mt19937_64 random(17);
  for (int i = 0; i < 20000; ++i) times.push_back(static_cast<int64_t>(random() % 253'402'300'800'000'000ULL));
  for (int64_t us : times) {
    char buf[json_chars::kTimeSize];
    json_chars::rfc3339_us(buf, us);
    ASSERT_EQ(std::string(buf, sizeof buf), by_gmtime(us)) << us;
  }
}

// The host's result_to_json: a buffer too small is left alone and the exact size returned, so
// a sink can size its buffer once and get the same bytes append_result_json writes.
TEST(ResultJson, WritingIntoASmallBufferReturnsTheExactSizeNeeded) {
  Result r = sample();
  r.error_message = std::string(300, '\x01');  // six bytes each once escaped: the bound is far off
  ResultViews v(r);
  std::string expected;
  append_result_json(expected, *v.data());
  std::string small(16, '#');
  EXPECT_EQ(write_result_json(*v.data(), small.data(), small.size()), expected.size());
  EXPECT_EQ(small, std::string(16, '#')) << "nothing written when it does not fit";
  EXPECT_EQ(write_result_json(*v.data(), nullptr, 0), expected.size());
  std::string exact(expected.size(), '#');
  ASSERT_EQ(write_result_json(*v.data(), exact.data(), exact.size()), expected.size());
  EXPECT_EQ(exact, expected);
  std::string roomy(expected.size() * 8, '#');
  ASSERT_EQ(write_result_json(*v.data(), roomy.data(), roomy.size()), expected.size());
  EXPECT_EQ(roomy.substr(0, expected.size()), expected);
}

// The encoder's memory is sized by a bound and grown for a result that needs more: a result
// of 16,000 bytes that each escape to six or two (64 KB of JSON) is written whole and reads back.
TEST(ResultJson, AHugeResultOfControlCharactersIsWrittenWholeAndReadsBack) {
  Result r = sample();
  r.error_message = std::string(8'000, '\x01');
  r.url = std::string(8'000, '"');
  std::string json;
  append_result_json(json, *ResultViews(r).data());
  Result back;
  ASSERT_EQ(decode_result_json(json, back), "");
  EXPECT_EQ(back.error_message, r.error_message);
  EXPECT_EQ(back.url, r.url);
  std::string again;
  append_result_json(again, *ResultViews(sample()).data());
  EXPECT_EQ(again.find("\\u0001"), std::string::npos) << "the next, small result is not polluted by the big one";
}
