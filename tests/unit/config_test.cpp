// Validation of pipeline YAML against option schemas, with a catalog declared here so each
// error can be provoked precisely.
#include "config/config.hpp"

#include <watchpost/plugin.hpp>

#include <gtest/gtest.h>

#include <cstdlib>

using namespace watchpost;

namespace {

const std::vector<wp_option_spec> kProbeSpecs = {
    required_option("url", WP_OPT_STRING, "URL"),
    option("method", WP_OPT_STRING, "GET", "method", "GET|HEAD"),
    option("expected_status", WP_OPT_STRING_LIST, "200-399", "statuses"),
    option("headers", WP_OPT_STRING_MAP, nullptr, "headers"),
};
const std::vector<wp_option_spec> kEvalSpecs = {
    required_option("pattern", WP_OPT_STRING_LIST, "pattern"),
};
const std::vector<wp_option_spec> kSinkSpecs = {
    option("format", WP_OPT_STRING, "human", "format", "human|json"),
};

// Stands in for PCRE2: '(' alone is the invalid pattern.
int eval_validate(const wp_options* raw, wp_error* err) {
  Options o(raw);
  for (auto& p : o.list("pattern"))
    if (p == "(") {
      detail::set_error(err, "pattern", "missing closing parenthesis at offset 1");
      return WP_ERROR;
    }
  return WP_OK;
}

class FakeCatalog : public SchemaCatalog {
 public:
  FakeCatalog() {
    probe_ = OptionSchema::from_table(kProbeSpecs.data(), kProbeSpecs.size(), nullptr);
    eval_ = OptionSchema::from_table(kEvalSpecs.data(), kEvalSpecs.size(), &eval_validate);
    sink_ = OptionSchema::from_table(kSinkSpecs.data(), kSinkSpecs.size(), nullptr);
  }
  const OptionSchema* schema(std::string_view plugin, Kind kind) const override {
    if (plugin == "http" && kind == Kind::probe) return &probe_;
    if (plugin == "regex" && kind == Kind::evaluator) return &eval_;
    if (plugin == "stdout" && kind == Kind::sink) return &sink_;
    return nullptr;
  }
  std::vector<std::string> plugin_names(Kind kind) const override {
    switch (kind) {
      case Kind::probe: return {"http"};
      case Kind::evaluator: return {"regex"};
      case Kind::sink: return {"stdout"};
      default: return {};
    }
  }
  std::vector<std::string> plugin_kinds(std::string_view plugin) const override {
    if (plugin == "http") return {"probe"};
    if (plugin == "regex") return {"evaluator"};
    if (plugin == "stdout") return {"sink"};
    return {};
  }

 private:
  OptionSchema probe_, eval_, sink_;
};

Config parse(const std::string& yaml) {
  FakeCatalog catalog;
  return parse_config(yaml, "site.yaml", catalog);
}

// The error text of a config that must fail.
std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return {};
}

const char* kGood = R"(
pipelines:
  - name: web
    concurrency: 10
    probe:
      plugin: http
      interval: 15s
      expected_status: [200, "300-302"]
    targets:
      - id: shop
        url: https://shop.example/
        labels: {team: web}
      - url: https://blog.example/
        interval: 1m
        timeout: 2s
        method: HEAD
    evaluate:
      - plugin: regex
        pattern: Welcome
    sinks:
      - plugin: stdout
        format: json
        batch_size: 10
)";

}  // namespace

TEST(Config, ParsesAGoodFileWithDefaultsAndOverrides) {
  Config c = parse(kGood);
  ASSERT_EQ(c.pipelines.size(), 1u);
  const PipelineConfig& p = c.pipelines[0];
  EXPECT_EQ(p.name, "web");
  EXPECT_EQ(p.concurrency, 10);
  ASSERT_EQ(p.targets.size(), 2u);
  EXPECT_EQ(p.targets[0].id, "shop");
  EXPECT_EQ(p.targets[0].interval_ms, 15000) << "pipeline-level interval is the default";
  EXPECT_EQ(p.targets[0].timeout_ms, 10000) << "timeout defaults to the interval, at most 10s";
  EXPECT_EQ(p.targets[0].labels.at(0).second, "web");
  EXPECT_EQ(p.targets[1].id, "https://blog.example/") << "the url is the id when none is given";
  EXPECT_EQ(p.targets[1].interval_ms, 60000);
  EXPECT_EQ(p.targets[1].timeout_ms, 2000);
  EXPECT_EQ(find_option(p.targets[1].probe_options, "method")->text, "HEAD");
  EXPECT_EQ(find_option(p.targets[0].probe_options, "method"), nullptr)
      << "a target keeps what was given; its probe target gets the defaults when it is made";
  auto* statuses = find_option(p.targets[0].probe_options, "expected_status");
  ASSERT_NE(statuses, nullptr);
  EXPECT_EQ(statuses->items, (std::vector<std::string>{"200", "300-302"}));
  ASSERT_EQ(p.evaluators.size(), 1u);
  EXPECT_EQ(find_option(p.evaluators[0].options, "pattern")->items.at(0), "Welcome");
  ASSERT_EQ(p.sinks.size(), 1u);
  EXPECT_EQ(p.sinks[0].batch_size, 10);
  EXPECT_EQ(p.sinks[0].batch_delay_ms, 200);
}

TEST(Config, MisspeltKeyNamesLineColumnAndTheNearestKey) {
  std::string e = error_of(R"(pipelines:
  - name: web
    probe: {plugin: http}
    targets:
      - url: http://a/
        intervl: 10s
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("site.yaml:6:9:"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'intervl'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'interval'?"), std::string::npos) << e;
  EXPECT_NE(e.find("Valid keys:"), std::string::npos) << e;
}

TEST(Config, BadDurationIsAnErrorAtItsValue) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http, interval: 10 seconds}
    targets: [{url: "http://a/"}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("site.yaml:2:37:"), std::string::npos) << e;
  EXPECT_NE(e.find("is not a duration"), std::string::npos) << e;
}

TEST(Config, IntervalBelowOneSecondIsRefused) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http, interval: 500ms}
    targets: [{url: "http://a/"}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("'interval' must be at least 1s"), std::string::npos) << e;
}

TEST(Config, UnknownPluginSuggestsTheNearestName) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: htp}
    targets: [{url: "http://a/"}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("no probe plugin named 'htp' (did you mean 'http'?)"), std::string::npos) << e;
}

TEST(Config, PluginOfTheWrongKindSaysWhatItIs) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: stdout}
    targets: [{url: "http://a/"}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("plugin 'stdout' is not a probe (it provides: sink)"), std::string::npos) << e;
}

TEST(Config, MissingRequiredOption) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http}
    targets:
      - id: nameless
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("site.yaml:4:9: target needs 'url'"), std::string::npos) << e;
}

TEST(Config, ValueOutsideTheChoices) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/", method: GETT}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("'GETT' is not one of: GET, HEAD (did you mean 'GET'?)"), std::string::npos) << e;
}

TEST(Config, WrongTypes) {
  std::string e = error_of(R"(pipelines:
  - concurrency: many
    probe: {plugin: http}
    targets: [{url: "http://a/", headers: [a, b], attempts: 2.5}]
    sinks: [{plugin: stdout, batch_size: lots}]
)");
  EXPECT_NE(e.find("expected an integer, got 'many'"), std::string::npos) << e;
  EXPECT_NE(e.find("'headers' must be a mapping"), std::string::npos) << e;
  EXPECT_NE(e.find("expected an integer, got '2.5'"), std::string::npos) << e;
  EXPECT_NE(e.find("expected an integer, got 'lots'"), std::string::npos) << e;
}

TEST(Config, PluginValidationErrorPointsAtTheOption) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/"}]
    evaluate:
      - plugin: regex
        pattern: "("
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("site.yaml:6:18: evaluator 'regex': 'pattern': missing closing parenthesis at offset 1"),
            std::string::npos)
      << e;
}

TEST(Config, DuplicateTargetIdsAndMissingSinks) {
  std::string e = error_of(R"(pipelines:
  - name: web
    probe: {plugin: http}
    targets:
      - {id: a, url: "http://a/"}
      - {id: a, url: "http://b/"}
)");
  EXPECT_NE(e.find("duplicate target id 'a'"), std::string::npos) << e;
  EXPECT_NE(e.find("has no sinks"), std::string::npos) << e;
}

TEST(Config, YamlSyntaxErrorHasAPosition) {
  std::string e = error_of("pipelines:\n  - name: [unclosed\n");
  EXPECT_NE(e.find("site.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("YAML syntax"), std::string::npos) << e;
}

TEST(Config, TargetLevelEvaluatorsReplaceThePipelines) {
  Config c = parse(R"(pipelines:
  - probe: {plugin: http}
    targets:
      - url: "http://a/"
        evaluate: [{plugin: regex, pattern: [one, two]}]
      - url: "http://b/"
    evaluate: [{plugin: regex, pattern: shared}]
    sinks: [{plugin: stdout}]
)");
  auto& t = c.pipelines[0].targets;
  ASSERT_TRUE(t[0].evaluators.has_value());
  EXPECT_EQ(find_option(t[0].evaluators->at(0).options, "pattern")->items.size(), 2u);
  EXPECT_FALSE(t[1].evaluators.has_value());
}

TEST(Interpolation, EnvironmentVariablesAndDefaults) {
  setenv("WP_TEST_HOST", "shop.example", 1);
  unsetenv("WP_TEST_UNSET");
  std::string out;
  EXPECT_EQ(interpolate_env("https://${WP_TEST_HOST}/", out), "");
  EXPECT_EQ(out, "https://shop.example/");
  EXPECT_EQ(interpolate_env("${WP_TEST_UNSET:-fallback}", out), "");
  EXPECT_EQ(out, "fallback");
  EXPECT_EQ(interpolate_env("cost $$5 and $HOME stays", out), "");
  EXPECT_EQ(out, "cost $5 and $HOME stays");
  EXPECT_NE(interpolate_env("${WP_TEST_UNSET}", out).find("WP_TEST_UNSET is not set"), std::string::npos);
  EXPECT_NE(interpolate_env("${WP_TEST_HOST", out).find("unclosed"), std::string::npos);
  EXPECT_NE(interpolate_env("${BAD-NAME}", out).find("not a valid"), std::string::npos);
}

TEST(Interpolation, AppliesInsideConfigValuesWithPositions) {
  setenv("WP_TEST_URL", "http://from-env/", 1);
  Config c = parse(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "${WP_TEST_URL}"}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_EQ(c.pipelines[0].targets[0].url, "http://from-env/");
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "${WP_TEST_NOT_SET_ANYWHERE}"}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("site.yaml:3:21: environment variable WP_TEST_NOT_SET_ANYWHERE is not set"), std::string::npos) << e;
}

TEST(Config, RepeatExpandsOneTargetIntoMany) {
  Config c = parse(R"(pipelines:
  - probe: {plugin: http}
    targets:
      - {id: "site-{n}", url: "https://host/{n}", repeat: 1000}
    sinks: [{plugin: stdout}]
)");
  auto& t = c.pipelines[0].targets.at(0);
  EXPECT_EQ(t.repeat, 1000);
  EXPECT_EQ(expand_n(t.id, 42), "site-42");
  EXPECT_EQ(find_option(expand_options(t.probe_options, 7), "url")->text, "https://host/7");
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{id: same, url: "https://host/{n}", repeat: 3}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("needs {n} in its id"), std::string::npos) << e;
}

TEST(Config, DuplicateKeysAreErrorsAtTheSecondOne) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http, interval: 5s}
    targets:
      - url: http://a/
        interval: 10s
        url: http://b/
        labels: {team: web, team: ops}
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("site.yaml:6:9: duplicate key 'url' (first at line 4)"), std::string::npos) << e;
  EXPECT_NE(e.find("site.yaml:7:29: duplicate key 'team' (first at line 7)"), std::string::npos) << e;
}

TEST(Config, MergeKeysLetAnchorsShareDefaults) {
  Config c = parse(R"(x-probe: &probe {plugin: http, interval: 15s, timeout: 3s}
x-target: &target {interval: 1m, labels: {team: web}}
pipelines:
  - probe: {<<: *probe, timeout: 4s}
    targets:
      - {<<: *target, url: "http://a/"}
      - {<<: [*target], url: "http://b/", interval: 5s}
    sinks: [{plugin: stdout}]
)");
  auto& t = c.pipelines[0].targets;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].interval_ms, 60000);
  EXPECT_EQ(t[0].timeout_ms, 4000) << "a key written beside the merge wins";
  ASSERT_EQ(t[0].labels.size(), 1u);
  EXPECT_EQ(t[1].interval_ms, 5000);
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http, <<: not-a-mapping}
    targets: [{url: "http://a/"}]
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("'<<' merges mappings"), std::string::npos) << e;
}

TEST(Config, ErrorsComeInFileOrderEachOnce) {
  try {
    parse(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/", interval: soon}]
    sinks: [{plugin: stdout, format: xml}]
  - probe: {plugin: http}
    targets: [{url: "http://b/", timout: 1s}]
    sinks: [{plugin: stdout}]
)");
    FAIL() << "three mistakes";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 3u) << e.what();
    EXPECT_LT(e.issues()[0].pos.line, e.issues()[1].pos.line);
    EXPECT_LT(e.issues()[1].pos.line, e.issues()[2].pos.line);
  }
}

TEST(Config, ARegionIsAPlainShortName) {
  const std::string body = R"(
pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/"}]
    sinks: [{plugin: stdout}]
)";
  EXPECT_EQ(parse("region: eu-west.1" + body).region, "eu-west.1");
  std::string e = error_of("region: \"eu west\"" + body);
  EXPECT_NE(e.find("site.yaml:1:9:"), std::string::npos) << e;
  EXPECT_NE(e.find("'region' must be 1 to 64 letters, digits"), std::string::npos) << e;
}
