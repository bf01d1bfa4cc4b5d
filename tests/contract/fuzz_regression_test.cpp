// Replays the inputs kept in fuzz/regressions/ (and the seed corpus) through the code the
// fuzzers target: no crash, and no broken round trip.
#include "config/config.hpp"
#include "../../fuzz/config_split_check.hpp"
#include "plugins/loader.hpp"
#include "results/result.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"
#include "condition.hpp"
#include "../../fuzz/conditions_input.hpp"
#include "result_decoder.hpp"
#include "result_encoder.hpp"
#include "result_schema.hpp"
#include "target_codec.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace watchpost;

namespace {

std::vector<std::pair<std::string, std::string>> files_in(const std::vector<std::string>& dirs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& d : dirs) {
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(d, ec)) {
      if (e.path().filename() == "README.md") continue;
      std::ifstream f(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      out.emplace_back(e.path().string(), ss.str());
    }
  }
  return out;
}

}  // namespace

TEST(FuzzRegressions, ConfigInputsOnlyEverFailWithAConfigError) {
  PluginCatalog catalog;
  catalog.scan({WATCHPOST_PLUGIN_DIR});
  auto files = files_in({std::string(FUZZ_DIR) + "/regressions/config", std::string(FUZZ_DIR) + "/corpus/config"});
  EXPECT_FALSE(files.empty());
  for (auto& [path, text] : files) {
    try {
      parse_config(text, path, catalog);
    } catch (const ConfigError&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << path << " threw something other than a ConfigError: " << e.what();
    }
    // Its target lists read a part at a time mean what the whole file means.
    EXPECT_EQ(fuzzing::split_difference(text, catalog), "") << path;
  }
}

TEST(FuzzRegressions, MessagesDecodeOrAreRejectedAndRoundTrip) {
  auto files = files_in({std::string(FUZZ_DIR) + "/regressions/result", std::string(FUZZ_DIR) + "/corpus/result"});
  EXPECT_FALSE(files.empty());
  for (auto& [path, text] : files) {
    Result r;
    if (!decode_result_json(text, r).empty()) continue;
    std::string once, twice;
    ResultViews v1(r);
    append_result_json(once, *v1.data());
    Result back;
    ASSERT_EQ(decode_result_json(once, back), "") << path;
    ResultViews v2(back);
    append_result_json(twice, *v2.data());
    EXPECT_EQ(once, twice) << path;
  }
}

TEST(FuzzRegressions, AvroDatumsDecodeOrAreRejectedAndRoundTrip) {
  auto files = files_in({std::string(FUZZ_DIR) + "/regressions/avro", std::string(FUZZ_DIR) + "/corpus/avro"});
  EXPECT_FALSE(files.empty());
  avro::ResultDecoder results(avro::result_schema_json());
  avro::TargetDecoder targets(avro::target_schema_json());
  avro::ResultEncoder encoder;
  size_t read = 0;
  for (auto& [path, bytes] : files) {
    if (targets.decode(bytes, [](const std::string&) {}).empty()) ++read;
    std::string once, twice;
    if (!results.decode(bytes, [&](const wp_result& r) { encoder.encode(r, once); }).empty()) continue;
    ++read;
    ASSERT_EQ(results.decode(once, [&](const wp_result& r) { encoder.encode(r, twice); }), "") << path;
    EXPECT_EQ(once, twice) << path;
  }
  EXPECT_GE(read, 2u) << "the seed corpus holds a result and a target that decode";
}

TEST(FuzzRegressions, ConditionInputsParseOrAreRefusedAndEvaluateOnAnyBody) {
  auto files = files_in({std::string(FUZZ_DIR) + "/regressions/conditions", std::string(FUZZ_DIR) + "/corpus/conditions"});
  EXPECT_FALSE(files.empty());
  size_t parsed = 0;
  for (auto& [path, input] : files) {
    fuzzing::ConditionsInput in(input);
    const wp_result& r = in.result;
    const std::string& text = in.text;
    conditions::Limits limits;
    conditions::Subject subject(r, limits);
    try {
      conditions::Condition c(text);
      ++parsed;
      c.evaluate(subject);
    } catch (const conditions::ConditionError&) {
    }
  }
  EXPECT_GE(parsed, 4u) << "the seed corpus's conditions parse";
}
