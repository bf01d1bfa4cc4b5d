// The conditions evaluator in a pipeline: real HTTP answers (status, headers through ABI 1.4,
// a JSON body) judged by conditions, and a condition that cannot work refused at load with
// its file:line:column.
#include "config/config.hpp"
#include "http_target.hpp"
#include "process.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

std::string pipeline(const std::string& name, const std::string& url) {
  return "  - name: " + name + "\n    probe: {plugin: http, interval: 1s}\n    targets: [{id: " + name + ", url: \"" + url +
         "\"}]\n    evaluate:\n      - plugin: conditions\n        conditions:\n"
         "          - \"[STATUS] == 200\"\n"
         "          - \"[HEADER:Content-Type] =~ /json/\"\n"
         "          - \"[BODY].status == UP and len([BODY].items) == 3\"\n"
         "          - \"[BODY].db.latency_ms < 100 and [RESPONSE_TIME] < 5s\"\n"
         "    sinks: [{plugin: chaos}]\n";
}

}  // namespace

TEST(Conditions, JudgeRealAnswersByStatusHeadersAndJsonBody) {
  HttpTarget site;
  wt::RunningRuntime rt("pipelines:\n" + pipeline("api", site.url("/json")) + pipeline("page", site.url("/text/x")));
  ASSERT_TRUE(wt::wait_until([&] { return rt.seen.count("api") >= 1 && rt.seen.count("page") >= 1; },
                             std::chrono::seconds(15)));
  auto api = rt.seen.first("api");
  EXPECT_EQ(api->outcome, WP_OUTCOME_UP) << api->error_message;
  ASSERT_EQ(api->verdicts.size(), 1u);
  EXPECT_EQ(api->verdicts[0].message, "all 4 conditions held");
  auto page = rt.seen.first("page");
  EXPECT_EQ(page->outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(page->error_kind, WP_ERR_BODY_MISMATCH);
  EXPECT_EQ(page->error_message,
            "'[HEADER:Content-Type] =~ /json/' failed: [HEADER:Content-Type] was \"text/plain\" (3 of 4 conditions failed)");
  EXPECT_EQ(rt.stop(), 0);
}

TEST(Conditions, AConditionThatCannotWorkIsAConfigErrorAtItsLine) {
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/c.yaml", "pipelines:\n  - name: c\n    probe: {plugin: http}\n"
                                  "    targets: [{url: \"http://127.0.0.1:9/\"}]\n    evaluate:\n"
                                  "      - plugin: conditions\n        conditions: [\"[STATUS] == 200\", \"[RESPONSE_TIME] < 500\"]\n");
  try {
    load_config(dir + "/c.yaml", wt::test_catalog());
    FAIL() << "a duration compared with a bare number must be refused";
  } catch (const ConfigError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("c.yaml:7:"), std::string::npos) << m;
    EXPECT_NE(m.find("condition 2 '[RESPONSE_TIME] < 500', column 17: "), std::string::npos) << m;
    EXPECT_NE(m.find("give the number a unit: ms, s, m or h (e.g. 500ms)"), std::string::npos) << m;
  }
}
