// Validation of pipeline YAML against option schemas, with a catalog declared here so each
// error can be provoked precisely.
#include "config/config.hpp"
#include "config/target_list_split.hpp"

#include <watchpost/plugin.hpp>

#include <gtest/gtest.h>

#include <cstdint>
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

// ---- long target lists read a part at a time (config/target_list_split.hpp) ----------------
// Every document is read both ways — split from two items on, and whole — and must give the
// same targets with the same positions, or the same errors at the same places.

namespace {

std::string summary(const Config& c) {
  std::string s;
  for (auto& p : c.pipelines) {
    s += "pipeline " + p.name + "\n";
    for (auto& t : p.targets) {
      s += "  " + t.id + " " + t.url + " @" + t.pos.str() + " interval=" + std::to_string(t.interval_ms);
      for (auto& [k, v] : t.labels) s += " " + k + "=" + v;
      for (auto& o : t.probe_options) s += " " + o.name + ":" + o.text;
      if (t.evaluators) s += " evaluators=" + std::to_string(t.evaluators->size());
      s += "\n";
    }
  }
  return s;
}

std::string read_as(const std::string& yaml, size_t split_from, bool* was_split = nullptr) {
  static FakeCatalog catalog;
  try {
    return summary(parse_config(yaml, "site.yaml", catalog, split_from, was_split));
  } catch (const ConfigError& e) {
    return std::string("error:\n") + e.what();
  }
}

// Both ways give the same; returns it. `split`: whether the first way did split the list.
std::string same_both_ways(const std::string& yaml, bool split = true) {
  bool was_split = false;
  std::string first = read_as(yaml, 2, &was_split), whole = read_as(yaml, SIZE_MAX);
  EXPECT_EQ(first, whole) << yaml;
  EXPECT_EQ(was_split, split) << (split ? "expected to be read a part at a time: " : "expected to be read whole: ")
                              << yaml;
  return whole;
}

const char* kHead = "pipelines:\n  - name: web\n    probe: {plugin: http, interval: 60s}\n";

}  // namespace

TEST(ConfigSplit, ALongListReadsAsTheWholeTreeDoes) {
  std::string yaml = std::string(kHead) +
                     "    targets:\n"
                     "      - id: a\n        url: https://a.example/\n        labels: {team: web}\n"
                     "      # a comment between items\n\n"
                     "      - {id: b, url: \"https://b.example/\"}\n"
                     "      -\n        id: c\n        url: https://c.example/\n"
                     "      - id: d\n        url: https://d.example/\n        evaluate:\n          - plugin: regex\n"
                     "            pattern: ok\n"
                     "      - url: https://e.example/\n        interval: 2m\n"
                     "    sinks:\n      - plugin: stdout\n";
  ASSERT_EQ(split_long_target_lists(yaml, 2).lists.size(), 1u) << "the list is split";
  std::string out = same_both_ways(yaml);
  EXPECT_NE(out.find("  c https://c.example/ @site.yaml:12:9"), std::string::npos) << out;
  EXPECT_NE(out.find("https://e.example/ @site.yaml:19:9 interval=120000"), std::string::npos) << out;
  EXPECT_EQ(out.find("error"), std::string::npos) << out;
}

TEST(ConfigSplit, ErrorsInSplitTargetsAreWhereTheyAreInTheFile) {
  std::string yaml = std::string(kHead) +
                     "    sinks: [{plugin: stdout}]\n"
                     "    targets:\n"
                     "      - id: a\n        url: https://a.example/\n"
                     "      - id: b\n        url: https://b.example/\n        interval: soon\n"
                     "      - id: c\n        uurl: https://c.example/\n"
                     "      - id: a\n        url: https://a2.example/\n";
  std::string out = same_both_ways(yaml);
  EXPECT_NE(out.find("site.yaml:10:19: 'interval'"), std::string::npos) << "the bad interval: " << out;
  EXPECT_NE(out.find("site.yaml:12:9: unknown key 'uurl'"), std::string::npos) << out;
  EXPECT_NE(out.find("duplicate target id 'a'"), std::string::npos) << out;
  // A duplicate key in a split target: the shape error alone, as with the whole tree.
  std::string dup = std::string(kHead) + "    sinks: [{plugin: stdout}]\n    targets:\n"
                    "      - url: https://a.example/\n      - url: https://b.example/\n"
                    "      - url: https://c.example/\n        url: https://d.example/\n        interval: soon\n"
                    "      - url: https://e.example/\n";
  out = same_both_ways(dup);
  EXPECT_NE(out.find("site.yaml:9:9: duplicate key 'url' (first at line 8)"), std::string::npos) << out;
  EXPECT_EQ(out.find("interval"), std::string::npos) << "only the shape error, as the whole tree gives: " << out;
}

TEST(ConfigSplit, WhatASplitWouldChangeIsReadWhole) {
  std::string sinks = "    sinks: [{plugin: stdout}]\n";
  std::vector<std::string> documents = {
      // A quoted value running over lines: a line at the items' indentation is inside it.
      std::string(kHead) + sinks + "    targets:\n      - id: a\n        url: \"https://a.example/x\n      - y\"\n"
                                   "      - url: https://b.example/\n",
      // An anchor in one item, merged into another.
      std::string(kHead) + sinks + "    targets:\n      - &base {url: https://a.example/, interval: 2m}\n"
                                   "      - <<: *base\n        id: b\n      - url: https://c.example/\n",
      // The list is shared by two pipelines through an alias.
      std::string(kHead) + sinks + "    targets: &all\n      - url: https://a.example/\n      - url: https://b.example/\n"
                                   "  - name: copy\n    probe: {plugin: http}\n" + sinks + "    targets: *all\n",
      // A pipeline merged into another takes its targets with it.
      std::string("x-base: &base\n  probe: {plugin: http}\n  sinks: [{plugin: stdout}]\n  targets:\n"
                  "    - url: https://a.example/\n    - url: https://b.example/\n"
                  "pipelines:\n  - <<: *base\n    name: one\n  - <<: *base\n    name: two\n"),
      // A syntax error inside a split item.
      std::string(kHead) + sinks + "    targets:\n      - url: https://a.example/\n      - url: [unclosed\n"
                                   "      - url: https://c.example/\n",
      // `- targets:` opening a pipeline, items at the key's own indentation, CRLF line ends.
      "pipelines:\r\n  - targets:\r\n    - url: https://a.example/\r\n    - url: https://b.example/\r\n"
      "    - url: https://c.example/\r\n    name: crlf\r\n    probe: {plugin: http}\r\n    sinks: [{plugin: stdout}]\r\n",
      // Tabs where indentation should be.
      std::string(kHead) + sinks + "    targets:\n      - url: https://a.example/\n      - url: https://b.example/\n"
                                   "      -\turl: https://c.example/\n",
  };
  for (size_t i = 0; i < documents.size(); ++i) {
    SCOPED_TRACE("document " + std::to_string(i));
    // The one split: `- targets:` opening a pipeline, items at the key's indentation, CRLF.
    std::string out = same_both_ways(documents[i], i == 5);
    if (i == 5) EXPECT_NE(out.find("https://c.example/ @site.yaml:5:7"), std::string::npos) << out;
  }
}

TEST(ConfigSplit, TwoPipelinesWithLongListsEachKeepTheirOwn) {
  std::string yaml = "pipelines:\n";
  for (std::string name : {"one", "two"}) {
    yaml += "  - name: " + name + "\n    probe: {plugin: http}\n    targets:\n";
    for (int i = 0; i < 1200; ++i) yaml += "      - url: https://" + name + std::to_string(i) + ".example/\n";
    yaml += "    sinks: [{plugin: stdout}]\n";
  }
  EXPECT_EQ(split_long_target_lists(yaml, kSplitTargetListsFrom).lists.size(), 2u);
  std::string out = same_both_ways(yaml);
  EXPECT_NE(out.find("https://two1199.example/ @site.yaml:2408:9"), std::string::npos) << out.substr(out.size() - 300);
}

TEST(ConfigAlerts, RulesAreCheckedWhereTheyAreWritten) {
  std::string base = std::string(kHead) + "    sinks: [{plugin: stdout}]\n    targets: [{url: https://a.example/}]\n";
  Config ok = parse(base + "    alerts:\n      - {name: down, down: 2, up: 3, severity: warning, labels: {team: web}}\n"
                           "      - {name: slow}\n");
  ASSERT_EQ(ok.pipelines[0].alerts.size(), 2u);
  auto& r = ok.pipelines[0].alerts[0];
  EXPECT_EQ(r.down, 2);
  EXPECT_EQ(r.up, 3);
  EXPECT_EQ(r.severity, "warning");
  ASSERT_EQ(r.labels.size(), 1u);
  EXPECT_EQ(ok.pipelines[0].alerts[1].down, 3) << "the defaults";
  EXPECT_EQ(ok.pipelines[0].alerts[1].up, 1);

  std::string e = error_of(base + "    alerts:\n      - {name: down, down: 0, dwon: 2}\n      - {name: down}\n"
                                  "      - {down: 2}\n      - {name: \"a b\", notify: [pager]}\n");
  EXPECT_NE(e.find("site.yaml:7:28: 'down' must be at least 1"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'dwon' in alert rule: did you mean 'down'?"), std::string::npos) << e;
  EXPECT_NE(e.find("duplicate alert rule name 'down'"), std::string::npos) << e;
  EXPECT_NE(e.find("site.yaml:9:9: alert rule needs 'name'"), std::string::npos) << e;
  EXPECT_NE(e.find("'name' must be 1 to 64 letters"), std::string::npos) << e;
  EXPECT_NE(e.find("notifies 'pager', which is not in 'notifiers:'"), std::string::npos) << e;
  EXPECT_NE(error_of(base + "    alerts: {name: x}\n").find("'alerts' must be a list"), std::string::npos);
}

TEST(ConfigAlerts, WindowRulesNeedAThresholdOrARatioAndKnownConditions) {
  std::string base = std::string(kHead) + "    sinks: [{plugin: stdout}]\n    targets: [{url: https://a.example/}]\n";
  Config ok = parse(base + "    alerts:\n      - {name: errors, when: window, window: 5m, threshold: 3, "
                           "match_status: [5xx, 429, 500-504], match_error: [timeout]}\n"
                           "      - {name: ratio, when: window, ratio: 0.2}\n");
  auto& w = ok.pipelines[0].alerts[0];
  EXPECT_EQ(w.window_ms, 300000);
  EXPECT_EQ(w.threshold, 3);
  EXPECT_EQ(w.match_status.size(), 3u);
  EXPECT_DOUBLE_EQ(ok.pipelines[0].alerts[1].ratio, 0.2);
  std::string e = error_of(base + "    alerts:\n      - {name: a, when: window}\n"
                                  "      - {name: b, when: window, threshold: 2, ratio: 0.5}\n"
                                  "      - {name: c, when: window, threshold: 1, match_status: [6xy], match_error: [gremlins]}\n"
                                  "      - {name: d, match_status: [5xx]}\n      - {name: e, when: sometimes}\n");
  EXPECT_NE(e.find("site.yaml:7:9: a window rule needs one of 'threshold'"), std::string::npos) << e;
  EXPECT_NE(e.find("site.yaml:8:9: a window rule needs one of 'threshold'"), std::string::npos) << e;
  EXPECT_NE(e.find("'6xy' is not a status, a class or a range"), std::string::npos) << e;
  EXPECT_NE(e.find("'gremlins' is not an error kind"), std::string::npos) << e;
  EXPECT_NE(e.find("site.yaml:10:9: 'match_status' and 'match_error' are for 'when: window' rules"), std::string::npos) << e;
  EXPECT_NE(e.find("sometimes"), std::string::npos) << e;
}

TEST(ConfigAlerts, LatencyAndQuorumRulesAreCheckedWhereTheyAreWritten) {
  std::string base = std::string(kHead) + "    sinks: [{plugin: stdout}]\n    targets: [{url: https://a.example/}]\n";
  Config ok = parse(base + "    alerts:\n      - {name: slow, when: latency, percentile: 99, above: 800ms, window: 10m, "
                           "min_results: 5}\n"
                           "      - {name: fleet, when: quorum, regions: [eu, us, ap], quorum: 2, down: 3}\n");
  auto& l = ok.pipelines[0].alerts[0];
  EXPECT_EQ(l.percentile, 99);
  EXPECT_EQ(l.above_ms, 800);
  EXPECT_EQ(l.window_ms, 600000);
  EXPECT_EQ(l.min_results, 5);
  auto& q = ok.pipelines[0].alerts[1];
  EXPECT_EQ(q.regions.size(), 3u);
  EXPECT_EQ(q.quorum, 2);
  std::string e = error_of(base + "    alerts:\n      - {name: a, when: latency, percentile: 0}\n"
                                  "      - {name: b, when: quorum}\n"
                                  "      - {name: c, when: quorum, regions: [eu, us], quorum: 3}\n"
                                  "      - {name: d, regions: [eu]}\n"
                                  "      - {name: f, when: quorum, regions: [eu, eu]}\n");
  EXPECT_NE(e.find("site.yaml:7:46: 'percentile' must be 1 to 100"), std::string::npos) << e;
  EXPECT_NE(e.find("site.yaml:8:9: a quorum rule needs 'regions'"), std::string::npos) << e;
  EXPECT_NE(e.find("'quorum' must be 1 to 2 (the number of regions listed)"), std::string::npos) << e;
  EXPECT_NE(e.find("site.yaml:10:28: 'regions' is for 'when: quorum' rules"), std::string::npos) << e;
  EXPECT_NE(e.find("site.yaml:11:9: a quorum rule needs 'regions'"), std::string::npos) << e;
}

TEST(ConfigAlerts, ATargetsAlertLabelsAreCheckedAgainstThePipelinesRules) {
  std::string head = std::string(kHead) + "    sinks: [{plugin: stdout}]\n";
  Config ok = parse(head + "    targets: [{url: https://a.example/, labels: {alert.down.down: \"5\", alert.down: \"on\"}}]\n"
                           "    alerts: [{name: down}]\n");
  EXPECT_EQ(ok.pipelines[0].targets[0].labels.size(), 2u);
  std::string e = error_of(head + "    targets: [{url: https://a.example/, labels: {alert.down.above: 1s}}]\n"
                                  "    alerts: [{name: down}]\n");
  EXPECT_NE(e.find("site.yaml:5:49: label 'alert.down.above': a consecutive rule has no 'above'"), std::string::npos) << e;
  // Without rules (a fleet's checker) they are passed on unchecked.
  EXPECT_NO_THROW(parse(head + "    targets: [{url: https://a.example/, labels: {alert.down.above: 1s}}]\n"));
}
