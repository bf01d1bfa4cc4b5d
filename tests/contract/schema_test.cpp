// Every built plugin's schema accepting and rejecting configs, through the real ABI.
#include "config/config.hpp"
#include "plugins/loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace watchpost;

namespace {

const PluginCatalog& catalog() {
  static PluginCatalog c = [] {
    PluginCatalog c;
    c.scan({WATCHPOST_PLUGIN_DIR});
    return c;
  }();
  return c;
}

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "t.yaml", catalog());
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an error for\n" << yaml;
  return {};
}

}  // namespace

TEST(Schemas, EveryExampleFileValidates) {
  int files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(EXAMPLES_DIR)) {
    if (e.path().extension() != ".yaml") continue;
    // custom_plugin/ runs a plugin built from its own folder (tests/sdk_install_test.sh loads it).
    if (e.path().string().find("/custom_plugin/") != std::string::npos) continue;
    ++files;
    EXPECT_NO_THROW(load_config(e.path().string(), catalog())) << e.path();
  }
  EXPECT_GE(files, 1);
}

TEST(Schemas, HttpRejectsBadUrlsStatusesAndHeaders) {
  EXPECT_NE(error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "ftp://files.example/"}]
    sinks: [{plugin: stdout}]
)").find("t.yaml:3:21: target: 'url': 'ftp://files.example/': only http:// and https:// are checked"),
            std::string::npos);
  EXPECT_NE(error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/", expected_status: [200, 2000]}]
    sinks: [{plugin: stdout}]
)").find("'2000' is not a status"),
            std::string::npos);
  EXPECT_NE(error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/", headers: {"Bad Name": x}}]
    sinks: [{plugin: stdout}]
)").find("'Bad Name' is not a valid header name"),
            std::string::npos);
}

TEST(Schemas, RegexRejectsAnInvalidPatternWithPcresMessage) {
  std::string e = error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/"}]
    evaluate:
      - plugin: regex
        pattern: "[unclosed"
    sinks: [{plugin: stdout}]
)");
  EXPECT_NE(e.find("t.yaml:6:18: evaluator 'regex': 'pattern': invalid regular expression '[unclosed' at offset 9"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("missing terminating ]"), std::string::npos) << e;
}

TEST(Schemas, StdoutRejectsUnknownFormat) {
  EXPECT_NE(error_of(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://a/"}]
    sinks: [{plugin: stdout, format: xml}]
)").find("'xml' is not one of: auto, human, json"),
            std::string::npos);
}
