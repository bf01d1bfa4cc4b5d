#include "regex_evaluator.hpp"

#include <watchpost/testing.hpp>

#include <gtest/gtest.h>

#include <chrono>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::regex::RegexEvaluator;

namespace {

struct Eval {
  wt::FakeHost host;
  wt::OptionsBuilder::Built opts;
  std::unique_ptr<RegexEvaluator> eval;

  explicit Eval(std::vector<std::string> patterns, std::map<std::string, std::string> more = {}) {
    wt::OptionsBuilder b(RegexEvaluator::options());
    b.set_list("pattern", std::move(patterns));
    for (auto& [k, v] : more) b.set(k, v);
    opts = b.build();
    RegexEvaluator::validate(opts.options());
    eval = std::make_unique<RegexEvaluator>(host.host(), opts.options());
  }
  Verdict on(const std::string& body) const {
    wp_result r{};
    r.struct_size = sizeof r;
    r.body = str(body);
    return eval->evaluate(r);
  }
};

}  // namespace

TEST(Regex, MustMatchPassesWhenPresentAndFailsWhenAbsent) {
  Eval e({"Welcome to \\w+"});
  EXPECT_EQ(e.on("<h1>Welcome to Shop</h1>").pass, 1);
  Verdict v = e.on("<h1>Maintenance</h1>");
  EXPECT_EQ(v.pass, 0);
  EXPECT_EQ(v.error_kind, WP_ERR_BODY_MISMATCH);
  EXPECT_NE(v.message.find("not found in 20 body bytes"), std::string::npos) << v.message;
}

TEST(Regex, MustNotMatchFailsWhenPresent) {
  Eval e({"(?i)error"}, {{"mode", "must_not_match"}});
  EXPECT_EQ(e.on("all good").pass, 1);
  Verdict v = e.on("Fatal ERROR in module");
  EXPECT_EQ(v.pass, 0);
  EXPECT_NE(v.message.find("found at byte 6"), std::string::npos) << v.message;
}

TEST(Regex, EveryPatternMustHold) {
  Eval e({"alpha", "beta"});
  EXPECT_EQ(e.on("alpha beta").pass, 1);
  EXPECT_EQ(e.on("alpha only").pass, 0);
}

TEST(Regex, CaseInsensitiveAndMultilineFlags) {
  EXPECT_EQ(Eval({"welcome"}).on("WELCOME").pass, 0);
  EXPECT_EQ(Eval({"welcome"}, {{"case_insensitive", "true"}}).on("WELCOME").pass, 1);
  EXPECT_EQ(Eval({"^status: ok$"}).on("x\nstatus: ok\ny").pass, 0);
  EXPECT_EQ(Eval({"^status: ok$"}, {{"multiline", "true"}}).on("x\nstatus: ok\ny").pass, 1);
}

TEST(Regex, InvalidPatternIsAnOptionErrorWithPcreMessageAndOffset) {
  wt::OptionsBuilder b(RegexEvaluator::options());
  b.set_list("pattern", {"ok", "foo(bar"});
  auto built = b.build();
  try {
    RegexEvaluator::validate(built.options());
    FAIL() << "an invalid pattern must be refused";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.option(), "pattern");
    EXPECT_NE(std::string(e.what()).find("at offset 7"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing closing parenthesis"), std::string::npos) << e.what();
  }
}

TEST(Regex, CatastrophicBacktrackingIsBoundedAndUndecided) {
  Eval e({"^(a+)+$"}, {{"match_limit", "10000"}});
  std::string body(40, 'a');
  body += 'b';
  auto start = std::chrono::steady_clock::now();
  Verdict v = e.on(body);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(v.pass, -1) << v.message;
  EXPECT_EQ(v.error_kind, WP_ERR_EVALUATOR);
  EXPECT_NE(v.message.find("limit"), std::string::npos) << v.message;
  // Unbounded, this pattern takes 2^40 steps; bounded, it gives up almost at once.
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(Regex, InvalidUtf8BodyDoesNotBreakMatching) {
  Eval e({"tail"});
  EXPECT_EQ(e.on(std::string("\xff\xfe garbage \xc3 tail")).pass, 1);
}
