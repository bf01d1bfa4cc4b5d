// /probe against blackbox_exporter itself: the same probes of the same servers through both
// (Debian's prometheus-blackbox-exporter), and the metric pages compared. What watchpost
// writes must be what a Prometheus scraping the blackbox exporter already reads: the same
// names, types and labels, and the same values where both measure the same thing.
#include "http_client.hpp"
#include "http_target.hpp"
#include "process.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"
#include "blackbox/blackbox_format.hpp"
#include "blackbox/probe_endpoint.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include <unistd.h>

using namespace watchpost;
namespace wt = watchpost::testing;

namespace {

const char* kBlackbox = "/usr/bin/prometheus-blackbox-exporter";

// One page of the Prometheus text format: sample (name{labels}) -> value, name -> type.
struct Page {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (auto& [sample, v] : samples) out.insert(sample.substr(0, sample.find('{')));
    return out;
  }
  bool has(const std::string& sample) const { return samples.count(sample) != 0; }
  double at(const std::string& sample) const {
    auto it = samples.find(sample);
    return it == samples.end() ? -12345 : it->second;
  }
};

Page parse_page(const std::string& text) {
  Page p;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      p.types[name] = type;
    } else if (!line.empty() && line[0] != '#') {
      size_t space = line.rfind(' ');
      p.samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
  }
  return p;
}

class ProbeEndpointVsBlackbox : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kBlackbox, X_OK) != 0)
      GTEST_SKIP() << kBlackbox << " is not installed (scripts/install-deps.sh installs prometheus-blackbox-exporter)";
    dir_ = wt::temp_dir();
    ca_ = dir_ + "/ca.pem";
    wt::write_file(ca_, https_.certificate_pem());
    wt::write_file(dir_ + "/blackbox.yml",
                   "modules:\n"
                   "  http_2xx:\n"
                   "    prober: http\n"
                   "    timeout: 5s\n"
                   "    http: {tls_config: {ca_file: " + ca_ + "}}\n"
                   "  http_regex:\n"
                   "    prober: http\n"
                   "    http: {fail_if_body_not_matches_regexp: [\"nomatchxyz\"]}\n"
                   "  http_regex_ok:\n"
                   "    prober: http\n"
                   "    http: {fail_if_body_not_matches_regexp: [\"watchpost\"]}\n"
                   "  tcp:\n"
                   "    prober: tcp\n");
    bb_port_ = wt::free_port();
    blackbox_ = std::make_unique<wt::ChildProcess>(std::vector<std::string>{
        kBlackbox, "--config.file=" + dir_ + "/blackbox.yml", "--web.listen-address=127.0.0.1:" + std::to_string(bb_port_)});
    wp_port_ = wt::free_port();
    runtime_ = std::make_unique<wt::RunningRuntime>(
        "admin: {listen: 127.0.0.1:" + std::to_string(wp_port_) + "}\n"
        "probe_modules:\n"
        "  http_2xx:\n"
        "    probe: {plugin: http, timeout: 5s, expected_status: 2xx, ca_file: " + ca_ + "}\n"
        "  http_regex:\n"
        "    probe: {plugin: http, expected_status: 2xx}\n"
        "    evaluate: [{plugin: regex, pattern: nomatchxyz}]\n"
        "  http_regex_ok:\n"
        "    probe: {plugin: http, expected_status: 2xx}\n"
        "    evaluate: [{plugin: regex, pattern: watchpost}]\n"
        "  tcp:\n"
        "    probe: {plugin: tcp}\n");
    ASSERT_TRUE(wt::wait_until([&] { return wt::http_get(bb("/metrics")).first == 200; }, std::chrono::seconds(20)))
        << "the blackbox exporter did not start";
    ASSERT_TRUE(wt::wait_until([&] { return wt::http_get(wp("/healthz")).first == 200; }, std::chrono::seconds(20)));
  }

  std::string bb(const std::string& path) { return "http://127.0.0.1:" + std::to_string(bb_port_) + path; }
  std::string wp(const std::string& path) { return "http://127.0.0.1:" + std::to_string(wp_port_) + path; }
  static std::string probe_path(const std::string& module, const std::string& target) {
    return "/probe?module=" + module + "&target=" + target;
  }

  // Both pages for one probe; every metric watchpost writes must be on blackbox's page too,
  // with the same type, and the samples the same label sets.
  std::pair<Page, Page> compare(const std::string& module, const std::string& target) {
    auto ours = wt::http_get(wp(probe_path(module, target)), {}, 15000);
    auto theirs = wt::http_get(bb(probe_path(module, target)), {}, 15000);
    EXPECT_EQ(ours.first, 200) << ours.second;
    EXPECT_EQ(theirs.first, 200) << theirs.second;
    Page w = parse_page(ours.second), b = parse_page(theirs.second);
    for (auto& name : w.names()) {
      EXPECT_TRUE(b.types.count(name)) << module << " " << target << ": watchpost writes " << name
                                       << ", which the blackbox exporter does not:\n" << theirs.second;
      EXPECT_EQ(w.types[name], b.types[name]) << name;
    }
    for (auto& [sample, v] : w.samples)
      if (sample.find('{') != std::string::npos)
        EXPECT_TRUE(b.has(sample)) << sample << " has labels the blackbox exporter does not use";
    for (const char* required : {"probe_success", "probe_duration_seconds"}) {
      EXPECT_TRUE(w.has(required)) << required << " missing from watchpost's page:\n" << ours.second;
      EXPECT_TRUE(b.has(required)) << required;
    }
    EXPECT_EQ(w.at("probe_success"), b.at("probe_success")) << module << " " << target << "\nwatchpost:\n"
                                                            << ours.second << "\nblackbox:\n" << theirs.second;
    return {w, b};
  }

  void expect_same(const std::pair<Page, Page>& pages, const std::vector<std::string>& samples) {
    for (auto& s : samples) {
      EXPECT_TRUE(pages.first.has(s)) << s << " missing from watchpost's page";
      EXPECT_EQ(pages.first.at(s), pages.second.at(s)) << s;
    }
  }

  target::HttpTarget http_;
  target::HttpTarget https_{target::HttpTarget::Options{true, 0}};
  std::string dir_, ca_;
  uint16_t bb_port_ = 0, wp_port_ = 0;
  std::unique_ptr<wt::ChildProcess> blackbox_;
  std::unique_ptr<wt::RunningRuntime> runtime_;
};

const std::vector<std::string> kHttpPhases = {
    "probe_http_duration_seconds{phase=\"connect\"}", "probe_http_duration_seconds{phase=\"processing\"}",
    "probe_http_duration_seconds{phase=\"resolve\"}", "probe_http_duration_seconds{phase=\"tls\"}",
    "probe_http_duration_seconds{phase=\"transfer\"}"};

}  // namespace

TEST_F(ProbeEndpointVsBlackbox, AnUpSiteReadsTheSameInBoth) {
  auto pages = compare("http_2xx", http_.url("/"));
  EXPECT_EQ(pages.first.at("probe_success"), 1);
  expect_same(pages, {"probe_http_status_code", "probe_http_ssl", "probe_http_redirects", "probe_failed_due_to_regex",
                      "probe_http_uncompressed_body_length", "probe_ip_addr_hash", "probe_ip_protocol"});
  for (auto& phase : kHttpPhases) EXPECT_TRUE(pages.first.has(phase)) << phase;
}

TEST_F(ProbeEndpointVsBlackbox, AStatusOutsideTheModulesSetIsAFailureInBoth) {
  auto pages = compare("http_2xx", http_.url("/status/503"));
  EXPECT_EQ(pages.first.at("probe_success"), 0);
  expect_same(pages, {"probe_http_status_code", "probe_failed_due_to_regex"});
  EXPECT_EQ(pages.first.at("probe_http_status_code"), 503);
}

TEST_F(ProbeEndpointVsBlackbox, ARegexThatFailsIsReportedAsSuch) {
  auto failing = compare("http_regex", http_.url("/"));
  EXPECT_EQ(failing.first.at("probe_failed_due_to_regex"), 1);
  expect_same(failing, {"probe_failed_due_to_regex", "probe_http_status_code"});
  auto passing = compare("http_regex_ok", http_.url("/"));
  EXPECT_EQ(passing.first.at("probe_success"), 1);
  expect_same(passing, {"probe_failed_due_to_regex"});
}

TEST_F(ProbeEndpointVsBlackbox, HttpsGivesTheSameCertificateExpiryAndSsl) {
  auto pages = compare("http_2xx", https_.url("/"));
  EXPECT_EQ(pages.first.at("probe_success"), 1);
  expect_same(pages, {"probe_ssl_earliest_cert_expiry", "probe_http_ssl", "probe_http_status_code"});
  EXPECT_GT(pages.first.at("probe_ssl_earliest_cert_expiry"), static_cast<double>(time(nullptr)));
}

TEST_F(ProbeEndpointVsBlackbox, RedirectsAreCountedAlike) {
  auto pages = compare("http_2xx", http_.url("/redirect/2"));
  expect_same(pages, {"probe_http_redirects", "probe_http_status_code"});
  EXPECT_EQ(pages.first.at("probe_http_redirects"), 2);
}

TEST_F(ProbeEndpointVsBlackbox, NothingListeningFailsInBoth) {
  uint16_t closed = wt::free_port();
  auto pages = compare("http_2xx", "http://127.0.0.1:" + std::to_string(closed) + "/");
  EXPECT_EQ(pages.first.at("probe_success"), 0);
  expect_same(pages, {"probe_http_status_code"});
}

TEST_F(ProbeEndpointVsBlackbox, TheTcpModuleConnectsLikeTheBlackboxOne) {
  auto pages = compare("tcp", "127.0.0.1:" + std::to_string(http_.port()));
  EXPECT_EQ(pages.first.at("probe_success"), 1);
  expect_same(pages, {"probe_ip_protocol", "probe_ip_addr_hash"});
}

TEST_F(ProbeEndpointVsBlackbox, BadRequestsAreRefusedAsTheBlackboxExporterRefusesThem) {
  auto unknown_ours = wt::http_get(wp("/probe?module=nosuch&target=x"));
  auto unknown_theirs = wt::http_get(bb("/probe?module=nosuch&target=x"));
  EXPECT_EQ(unknown_ours.first, 400);
  EXPECT_EQ(unknown_theirs.first, 400);
  EXPECT_NE(unknown_ours.second.find("Unknown module \"nosuch\""), std::string::npos) << unknown_ours.second;
  EXPECT_EQ(wt::http_get(wp("/probe?module=http_2xx")).first, 400);
  EXPECT_EQ(wt::http_get(bb("/probe?module=http_2xx")).first, 400);
}

// Not a comparison: what a request carries is data. ${VAR} in a target must not read the
// environment (the URL would carry the secret to whoever runs the named host).
TEST_F(ProbeEndpointVsBlackbox, ATargetIsNeverInterpolatedFromTheEnvironment) {
  setenv("WATCHPOST_TEST_SECRET", "127.0.0.1", 1);
  std::string target = "http://$%7BWATCHPOST_TEST_SECRET%7D:" + std::to_string(http_.port()) + "/";
  uint64_t before = http_.requests();
  auto ours = wt::http_get(wp(probe_path("http_2xx", target)));
  EXPECT_EQ(ours.first, 200);
  EXPECT_EQ(parse_page(ours.second).at("probe_success"), 0) << ours.second;
  EXPECT_EQ(http_.requests(), before) << "the target was interpolated into a reachable address";
}

TEST(ProbeEndpoint, QueryParametersArePercentDecoded) {
  EXPECT_EQ(blackbox::query_param("module=http_2xx&target=http%3A%2F%2Fa.example%2F%3Fq%3D1", "target"),
            "http://a.example/?q=1");
  EXPECT_EQ(blackbox::query_param("target=a&module=m", "module"), "m");
  EXPECT_EQ(blackbox::query_param("target=a", "module"), "");
  EXPECT_EQ(blackbox::query_param("target=%zz", "target"), "%zz") << "a bad escape stays as written";
}

TEST(ProbeEndpoint, TheAddressHashIsBlackboxExportersFnvOverTheAddressBytes) {
  // Values read off blackbox_exporter 0.23 for these addresses.
  EXPECT_EQ(blackbox::ip_hash("127.0.0.1"), 3668918509u);
  EXPECT_NE(blackbox::ip_hash("::1"), blackbox::ip_hash("127.0.0.1"));
}

TEST(ProbeEndpoint, ModulesNeedTheAdminEndpointAndHaveNoUrl) {
  auto check = [](const std::string& yaml) {
    try {
      parse_config(yaml, "m.yaml", wt::test_catalog());
      return std::string();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_NE(check("probe_modules: {a: {probe: {plugin: http}}}\n").find("add 'admin:"), std::string::npos);
  EXPECT_NE(check("admin: {listen: 127.0.0.1:0}\nprobe_modules: {a: {probe: {plugin: http, url: http://x/}}}\n")
                .find("m.yaml:2:"),
            std::string::npos);
  EXPECT_EQ(check("admin: {listen: 127.0.0.1:0}\nprobe_modules: {a: {probe: {plugin: http, timeout: 2s}}}\n"), "");
}
