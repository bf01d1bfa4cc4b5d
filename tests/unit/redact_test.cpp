// Secrets in URLs, DSNs and config values never reach what people and databases see.
#include "config/config.hpp"
#include "results/result.hpp"
#include "results/result_json_decode.hpp"

#include <watchpost/plugin.hpp>
#include <watchpost/redact.hpp>

#include <gtest/gtest.h>

using namespace watchpost;

TEST(Redact, UserinfoIsAlwaysHidden) {
  EXPECT_EQ(redact_url("http://user:pass@host/p"), "http://***@host/p");
  EXPECT_EQ(redact_url("https://alice@host:8443/"), "https://***@host:8443/");
  EXPECT_EQ(redact_url("https://host/a@b"), "https://host/a@b") << "an @ in the path is not userinfo";
  EXPECT_EQ(redact_url("https://host/?next=me@x"), "https://host/?next=me@x");
}

TEST(Redact, SecretQueryParametersAreHiddenOthersKept) {
  EXPECT_EQ(redact_url("https://h/p?token=abc&page=2"), "https://h/p?token=***&page=2");
  EXPECT_EQ(redact_url("https://h/?api_key=1&Signature=2&X-Amz-Signature=3&q=cats#frag"),
            "https://h/?api_key=***&Signature=***&X-Amz-Signature=***&q=cats#frag");
  EXPECT_EQ(redact_url("https://h/?password=&flag"), "https://h/?password=***&flag");
  EXPECT_EQ(redact_url("https://h/?session=s1", {"session"}), "https://h/?session=***") << "the list is configurable";
  EXPECT_EQ(redact_url("https://h/?token=t", {"session"}), "https://h/?token=t");
  EXPECT_EQ(redact_url("https://h/plain"), "https://h/plain");
}

namespace {

const std::vector<wp_option_spec> kProbe = {required_option("url", WP_OPT_STRING, "URL")};
const std::vector<wp_option_spec> kSink = {option("dsn", WP_OPT_STRING, nullptr, "dsn")};

class Catalog : public SchemaCatalog {
 public:
  Catalog()
      : probe_(OptionSchema::from_table(kProbe.data(), kProbe.size(), nullptr)),
        sink_(OptionSchema::from_table(kSink.data(), kSink.size(), nullptr)) {}
  const OptionSchema* schema(std::string_view p, Kind k) const override {
    if (p == "http" && k == Kind::probe) return &probe_;
    if (p == "pg" && k == Kind::sink) return &sink_;
    return nullptr;
  }
  std::vector<std::string> plugin_names(Kind k) const override {
    return k == Kind::probe ? std::vector<std::string>{"http"} : std::vector<std::string>{"pg"};
  }
  std::vector<std::string> plugin_kinds(std::string_view p) const override {
    return {p == "http" ? "probe" : "sink"};
  }

 private:
  OptionSchema probe_, sink_;
};

std::string config_error(const std::string& yaml) {
  Catalog c;
  try {
    parse_config(yaml, "site.yaml", c);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Redact, AnUnclosedVariableInADsnDoesNotEchoThePassword) {
  std::string e = config_error(R"(pipelines:
  - probe: {plugin: http}
    targets: [{url: "http://h/"}]
    sinks: [{plugin: pg, dsn: "postgresql://app:hunter2@db/x?password=${PGPASS"}]
)");
  EXPECT_NE(e.find("unclosed '${'"), std::string::npos) << e;
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
}

TEST(Redact, AUrlUsedAsTheTargetIdIsRedactedAndIdsAreBounded) {
  Catalog c;
  Config cfg = parse_config(R"(redact: {query_params: [sess]}
pipelines:
  - probe: {plugin: http}
    targets: [{url: "https://bob:pw@h/?sess=s3cr3t&token=kept"}]
    sinks: [{plugin: pg}]
)",
                            "site.yaml", c);
  EXPECT_EQ(cfg.pipelines[0].targets[0].id, "https://***@h/?sess=***&token=kept");
  EXPECT_EQ(cfg.pipelines[0].secret_params, std::vector<std::string>{"sess"});
  std::string e = config_error("pipelines:\n  - probe: {plugin: http}\n    targets: [{id: " + std::string(300, 'x') +
                               ", url: \"http://h/\"}]\n    sinks: [{plugin: pg}]\n");
  EXPECT_NE(e.find("site.yaml:3:20: the target id is 300 bytes; at most 256"), std::string::npos) << e;
}

TEST(ResultLimits, TheDecoderRefusesWhatPostgresCouldNotStore) {
  auto with = [](const std::string& target, const std::string& scheduled) {
    return R"({"schema_version":1,"result_id":"01JAAAAAAAAAAAAAAAAAAAAAAA","target_id":")" + target +
           R"(","scheduled_at":")" + scheduled + R"(","outcome":"up"})";
  };
  Result r;
  EXPECT_EQ(decode_result_json(with("ok", "2026-11-27T10:00:00Z"), r), "");
  EXPECT_NE(decode_result_json(with(std::string(4000, 'x'), "2026-11-27T10:00:00Z"), r).find("longer than 256"),
            std::string::npos);
  EXPECT_NE(decode_result_json(with("ok", "9999-12-31T00:00:00Z"), r), "") << "a far-future time is refused";
}
