// The conditions language (plugins/conditions, docs/conditions.md): every field, operator,
// selector and function against results with known values; every load-time error with its
// column; hostile bodies.
#include "condition.hpp"
#include "conditions_evaluator.hpp"
#include "results/result.hpp"

#include <watchpost/testing.hpp>

#include <gtest/gtest.h>

using namespace watchpost;
using watchpost::conditions::Condition;
using watchpost::conditions::ConditionError;

namespace {

Result sample() {
  Result r;
  r.result_id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  r.target_id = "api";
  r.http_status = 200;
  r.total_us = 812'000;
  r.dns_us = 1'000;
  r.connect_us = 2'000;
  r.tls_us = -1;
  r.first_byte_us = 300'000;
  r.bytes_received = 1234;
  r.tls_days_left = 20;
  r.resolved_ip = "127.0.0.1";
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"X-Version", "7"}};
  r.body = R"({"status": "UP", "count": 3, "ratio": 0.5, "ok": true, "items": [1, 2, 3], "data": {"id": "a/b", "empty": null}})";
  return r;
}

// What a condition says of a result: "holds", "fails: why", "undecided: why".
std::string judge(const std::string& text, const Result& r = sample()) {
  Condition c(text);
  ResultViews view(r, /*with_body=*/true);
  conditions::Limits limits;
  conditions::Subject subject(*view.data(), limits);
  auto v = c.evaluate(subject);
  if (v.outcome == Condition::Outcome::Holds) return "holds";
  return (v.outcome == Condition::Outcome::Fails ? "fails: " : "undecided: ") + v.why;
}

std::string refused(const std::string& text) {
  try {
    Condition c(text);
  } catch (const ConditionError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST(Conditions, FieldsAndComparisons) {
  EXPECT_EQ(judge("[STATUS] == 200"), "holds");
  EXPECT_EQ(judge("[STATUS] != 200"), "fails: [STATUS] was 200");
  EXPECT_EQ(judge("[STATUS] >= 200 and [STATUS] < 300"), "holds");
  EXPECT_EQ(judge("[RESPONSE_TIME] < 500ms"), "fails: [RESPONSE_TIME] was 812ms");
  EXPECT_EQ(judge("[RESPONSE_TIME] <= 1s"), "holds");
  EXPECT_EQ(judge("[FIRST_BYTE_TIME] > 250ms"), "holds");
  EXPECT_EQ(judge("[DNS_TIME] < 2ms and [CONNECT_TIME] == 2ms"), "holds");
  EXPECT_EQ(judge("[TLS_TIME] < 1s"), "fails: [TLS_TIME] was not measured");
  EXPECT_EQ(judge("[BYTES] > 1000"), "holds");
  EXPECT_EQ(judge("[CERTIFICATE_DAYS] > 30"), "fails: [CERTIFICATE_DAYS] was 20");
  EXPECT_EQ(judge("[IP] == \"127.0.0.1\""), "holds");
  EXPECT_EQ(judge("200 == [STATUS]"), "holds") << "a literal may come first";
}

TEST(Conditions, HeadersByNameCaseInsensitively) {
  EXPECT_EQ(judge("[HEADER:content-type] =~ /json/"), "holds");
  EXPECT_EQ(judge("[HEADER:X-VERSION] == \"7\""), "holds");
  EXPECT_EQ(judge("[HEADER:X-Missing] == \"1\""), "fails: [HEADER:X-Missing] was absent");
  EXPECT_EQ(judge("has([HEADER:X-Version]) and not has([HEADER:X-Missing])"), "holds");
  EXPECT_EQ(judge("[HEADER:Content-Type] !~ /xml/"), "holds");
}

TEST(Conditions, TheBodyAsTextAndAsJson) {
  EXPECT_EQ(judge("[BODY] =~ /\"status\": \"UP\"/"), "holds");
  EXPECT_EQ(judge("[BODY].status == UP"), "holds") << "a bare word is text";
  EXPECT_EQ(judge("[BODY].status == \"DOWN\""), "fails: [BODY].status was \"UP\"");
  EXPECT_EQ(judge("[BODY]/status == \"UP\""), "holds") << "a JSON Pointer";
  EXPECT_EQ(judge("[BODY].count > 2 and [BODY].count < 4"), "holds");
  EXPECT_EQ(judge("[BODY].ratio == 0"), "fails: [BODY].ratio was 0.5");
  EXPECT_EQ(judge("[BODY].ratio < 0.75 and [BODY].ratio >= 5e-1"), "holds") << "decimals and exponents";
  EXPECT_EQ(judge("[RESPONSE_TIME] < 1.5s"), "holds");
  EXPECT_EQ(judge("[BODY].ok == true"), "holds");
  EXPECT_EQ(judge("[BODY].items[1] == 2"), "holds");
  EXPECT_EQ(judge("[BODY]/items/2 == 3"), "holds");
  EXPECT_EQ(judge("[BODY].data.id == \"a/b\""), "holds");
  EXPECT_EQ(judge("[BODY]/data/empty == null"), "holds");
  EXPECT_EQ(judge("[BODY].nothing == 1"), "fails: [BODY].nothing was absent");
  EXPECT_EQ(judge("[BODY].status > 1"), "fails: [BODY].status was \"UP\"") << "text is not ordered against a number";
  EXPECT_EQ(judge("[BODY].status =~ /^U/"), "holds");
}

TEST(Conditions, Functions) {
  EXPECT_EQ(judge("len([BODY].items) == 3"), "holds");
  EXPECT_EQ(judge("len([BODY].data) == 2"), "holds");
  EXPECT_EQ(judge("len([BODY].status) == 2"), "holds");
  EXPECT_EQ(judge("len([BODY]) > 10"), "holds");
  EXPECT_EQ(judge("len([BODY].count) > 0"), "fails: [BODY].count was 3, which has no length");
  EXPECT_EQ(judge("has([BODY].data.id)"), "holds");
  EXPECT_EQ(judge("has([BODY].data.missing)"), "fails: [BODY].data.missing was absent");
}

TEST(Conditions, LogicAndPrecedence) {
  EXPECT_EQ(judge("[STATUS] == 500 or [STATUS] == 200"), "holds");
  EXPECT_EQ(judge("not [STATUS] == 500"), "holds");
  EXPECT_EQ(judge("[STATUS] == 500 or [STATUS] == 200 and [BYTES] == 1"), "fails: [STATUS] was 200")
      << "and binds tighter than or";
  EXPECT_EQ(judge("([STATUS] == 500 or [STATUS] == 200) and [BYTES] > 1"), "holds");
  EXPECT_EQ(judge("[STATUS] == 200 && ![BYTES] == 1 || false"), "holds");
}

TEST(Conditions, ABodyThatIsNotJsonFailsItsJsonConditionsAndSaysWhy) {
  Result r = sample();
  r.body = "<html>not json</html>";
  EXPECT_EQ(judge("[BODY].status == UP", r), "fails: [BODY] is not JSON");
  EXPECT_EQ(judge("[BODY] =~ /html/", r), "holds");
  r.body = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(judge("has([BODY]/0)", r), "fails: [BODY] is nested deeper than 64 levels");
  r.body = std::string(64, '[') + "1" + std::string(64, ']');
  EXPECT_EQ(judge("has([BODY]/0)", r), "holds") << "64 levels are read";
  r.body = std::string(65, '[') + "1" + std::string(65, ']');
  EXPECT_EQ(judge("has([BODY]/0)", r), "fails: [BODY] is nested deeper than 64 levels");
  r.body = "{\"big\": [123456789012345678901234567890], \"deep\": " + std::string(70, '[') + std::string(70, ']') + "}";
  EXPECT_EQ(judge("has([BODY]/big)", r), "fails: [BODY] is nested deeper than 64 levels")
      << "a body with a huge number is read another way, with the same bound";
  r.body = "{\"n\": 1e999999, \"s\": \"\xff\"}";
  EXPECT_EQ(judge("[BODY].n > 1", r).rfind("fails: [BODY] is not JSON", 0), 0u);
  r.body = "{\"n\": 123456789012345678901234567890}";
  EXPECT_EQ(judge("[BODY].n > 1", r), "holds") << "a huge number is a number";
  r.http_status = 0;
  EXPECT_EQ(judge("[STATUS] == 200", r), "fails: [STATUS] was none (no answer)");
}

TEST(Conditions, APatternPastItsLimitsIsUndecided) {
  Result r = sample();
  r.body = std::string(40, 'a') + "b";  // 2^40 steps unbounded; the regex plugin's limits stop it
  EXPECT_EQ(judge("[BODY] =~ /^(a+)+$/", r).rfind("undecided: [BODY] =~ /^(a+)+$/: ", 0), 0u) << judge("[BODY] =~ /^(a+)+$/", r);
}

TEST(Conditions, WhatCannotWorkIsRefusedAtLoadWithItsColumn) {
  EXPECT_EQ(refused("[STATU] == 200").rfind("column 1: unknown field [STATU]: fields are [STATUS]", 0), 0u);
  EXPECT_EQ(refused("[RESPONSE_TIME] < 500"),
            "column 17: '[RESPONSE_TIME]' (a duration) < '500' (a number): give the number a unit: ms, s, m or h (e.g. 500ms)");
  EXPECT_EQ(refused("[STATUS] == \"ok\""), "column 10: '[STATUS]' (a number) == '\"ok\"' (text) cannot be compared");
  EXPECT_EQ(refused("[BODY] > 3"), "column 8: '[BODY]' (text) > '3' (a number): only numbers and durations are ordered");
  EXPECT_EQ(refused("[STATUS] =~ /2../"), "column 10: '[STATUS]' (a number) =~ '/2../' (a regular expression): a pattern matches text");
  EXPECT_EQ(refused("[BODY] =~ \"ok\""), "column 8: '[BODY]' (text) =~ '\"ok\"' (text): write the pattern between slashes, e.g. /ok/");
  EXPECT_EQ(refused("[BODY] =~ /(unclosed/").rfind("column 11: ", 0), 0u);
  EXPECT_EQ(refused("[STATUS]"), "column 1: '[STATUS]' is a number, not a condition: compare it, e.g. [STATUS] == ...");
  EXPECT_EQ(refused("[STATUS] == 200 [BYTES] > 1"), "column 17: unexpected '[BYTES] > 1': join conditions with and / or");
  EXPECT_EQ(refused("len([STATUS]) > 1"), "column 5: len() measures text or a JSON value, not a number");
  EXPECT_EQ(refused("has([STATUS])"), "column 5: has() asks for a JSON value ([BODY].a.b) or a header ([HEADER:Name])");
  EXPECT_EQ(refused("[BODY].items[x] == 1"), "column 13: an index in a selector is a number in brackets: [BODY].items[0]");
  EXPECT_EQ(refused("([STATUS] == 200"), "column 17: a '(' at column 1 is not closed");
  EXPECT_EQ(refused("[STATUS] == 200 and [BYTES]"), "column 21: '[BYTES]' is a number; 'and' joins conditions");
  EXPECT_EQ(refused("[RESPONSE_TIME] < 5parsecs"), "column 20: unknown unit after 5: durations take ms, s, m or h");
  EXPECT_EQ(refused(std::string(100, '(') + "true" + std::string(100, ')')), "column 66: nested too deeply");
}

TEST(Conditions, HostileConditionTextNeverCrashes) {
  const std::string alphabet = "[]()/.\"\\!=<>~andornot 0123456789msSTATUSBODYHEADER:lenhas";
  uint32_t seed = 7;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    size_t n = (seed = seed * 1103515245 + 12345) % 40;
    for (size_t k = 0; k < n; ++k) text += alphabet[((seed = seed * 1103515245 + 12345) >> 16) % alphabet.size()];
    try {
      Condition c(text);
      judge(text);
    } catch (const ConditionError&) {
    }
  }
}

TEST(ConditionsEvaluator, AllMustHoldAndTheFirstFailureIsNamedWithTheCount) {
  watchpost::testing::FakeHost host;
  auto evaluator = [&](std::vector<std::string> list) {
    watchpost::testing::OptionsBuilder b(conditions::ConditionsEvaluator::options());
    b.set_list("conditions", std::move(list));
    auto built = b.build();
    conditions::ConditionsEvaluator::validate(built.options());
    return std::make_unique<conditions::ConditionsEvaluator>(host.host(), built.options());
  };
  Result r = sample();
  ResultViews view(r, /*with_body=*/true);
  auto failing = evaluator({"[STATUS] == 200", "[RESPONSE_TIME] < 500ms", "[BODY].count > 5"});
  Verdict v = failing->evaluate(*view.data());
  EXPECT_EQ(v.pass, 0);
  EXPECT_EQ(v.message, "'[RESPONSE_TIME] < 500ms' failed: [RESPONSE_TIME] was 812ms (2 of 3 conditions failed)");
  Verdict ok = evaluator({"[STATUS] == 200", "[BODY].status == UP"})->evaluate(*view.data());
  EXPECT_EQ(ok.pass, 1);
  EXPECT_EQ(ok.message, "all 2 conditions held");
  try {
    evaluator({"[STATUS] == 200", "[STATUS] = 200"});
    ADD_FAILURE() << "a misspelt operator must be refused";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.option(), "conditions");
    EXPECT_EQ(std::string(e.what()), "condition 2 '[STATUS] = 200', column 10: unexpected '= 200': join conditions with and / or");
  }
}
