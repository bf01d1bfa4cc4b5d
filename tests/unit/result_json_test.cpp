#include "results/result.hpp"
#include "results/json_writer.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"
#include "results/ulid.hpp"

#include <gtest/gtest.h>

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
