// The tls probe against real TLS servers on 127.0.0.1: a trusted certificate, an untrusted
// one, a wrong name, too few days left, an expired one, and a port that does not speak TLS.
#include "http_target.hpp"
#include "probe_check.hpp"
#include "process.hpp"
#include "tls_probe.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <fstream>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::tls::TlsProbe;

namespace {

struct Site {
  target::HttpTarget server;
  std::string ca, url;
  explicit Site(int valid_days = 30) : server(target::HttpTarget::Options{true, 0, valid_days}) {
    ca = wt::temp_dir() + "/ca.pem";
    std::ofstream(ca) << server.certificate_pem();
    url = "tls://127.0.0.1:" + std::to_string(server.port());
  }
};

}  // namespace

TEST(TlsProbe, ATrustedCertificateIsUpWithItsDaysAndExpiry) {
  wt::FakeHost host;
  TlsProbe probe(host.host());
  Site site;
  wt::Seen ok = wt::run_check(probe, {{"url", site.url}, {"ca_file", site.ca}});
  EXPECT_EQ(ok.outcome, WP_OUTCOME_UP) << ok.message;
  EXPECT_GE(ok.tls_us, 0);
  EXPECT_GE(ok.tls_days_left, 29);
  EXPECT_LE(ok.tls_days_left, 30);
  // The server's certificate is valid 30 days and an hour from its making.
  int64_t in_30_days = (static_cast<int64_t>(time(nullptr)) + 30 * 86400) * 1000000;
  EXPECT_NEAR(static_cast<double>(ok.tls_earliest_expiry_us), static_cast<double>(in_30_days), 2 * 3600e6);
  EXPECT_EQ(ok.ip, "127.0.0.1");
}

TEST(TlsProbe, AnUntrustedChainOrAWrongNameIsTls) {
  wt::FakeHost host;
  TlsProbe probe(host.host());
  Site site;
  wt::Seen untrusted = wt::run_check(probe, {{"url", site.url}});
  EXPECT_EQ(untrusted.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(untrusted.error_kind, WP_ERR_TLS) << untrusted.message;
  wt::Seen wrong_name = wt::run_check(probe, {{"url", site.url}, {"ca_file", site.ca}, {"server_name", "db.example"}});
  EXPECT_EQ(wrong_name.error_kind, WP_ERR_TLS) << "the certificate is for 127.0.0.1/localhost: " << wrong_name.message;
  EXPECT_EQ(wt::run_check(probe, {{"url", site.url}, {"tls_verify", "false"}}).outcome, WP_OUTCOME_UP);
}

TEST(TlsProbe, TooFewDaysLeftIsDownAndSaysHowMany) {
  wt::FakeHost host;
  TlsProbe probe(host.host());
  Site site;
  wt::Seen soon = wt::run_check(probe, {{"url", site.url}, {"ca_file", site.ca}, {"min_days_left", "45"}});
  EXPECT_EQ(soon.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(soon.error_kind, WP_ERR_TLS);
  EXPECT_NE(soon.message.find("min_days_left is 45"), std::string::npos) << soon.message;
  EXPECT_EQ(wt::run_check(probe, {{"url", site.url}, {"ca_file", site.ca}, {"min_days_left", "14"}}).outcome,
            WP_OUTCOME_UP);
}

TEST(TlsProbe, AnExpiredCertificateIsDownEvenWithoutVerification) {
  wt::FakeHost host;
  TlsProbe probe(host.host());
  Site expired(-3);
  wt::Seen seen = wt::run_check(probe, {{"url", expired.url}, {"tls_verify", "false"}});
  EXPECT_EQ(seen.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(seen.error_kind, WP_ERR_TLS);
  EXPECT_NE(seen.message.find("expired"), std::string::npos) << seen.message;
  EXPECT_EQ(wt::run_check(probe, {{"url", expired.url}, {"ca_file", expired.ca}}).error_kind, WP_ERR_TLS)
      << "verification refuses an expired chain too";
}

TEST(TlsProbe, APortThatDoesNotSpeakTlsIsTls) {
  wt::FakeHost host;
  TlsProbe probe(host.host());
  target::HttpTarget plain;
  wt::Seen seen = wt::run_check(probe, {{"url", "127.0.0.1:" + std::to_string(plain.port())}, {"tls_verify", "false"}});
  EXPECT_EQ(seen.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(seen.error_kind, WP_ERR_TLS) << seen.message;
}

TEST(TlsProbe, AMinimumVersionAboveTheServersIsRefused) {
  wt::FakeHost host;
  TlsProbe probe(host.host());
  Site site;
  // The test server speaks up to TLS 1.3: asking for 1.3 passes, and 1.2 passes too.
  EXPECT_EQ(wt::run_check(probe, {{"url", site.url}, {"ca_file", site.ca}, {"min_tls_version", "1.3"}}).outcome,
            WP_OUTCOME_UP);
  EXPECT_EQ(wt::run_check(probe, {{"url", site.url}, {"ca_file", site.ca}, {"min_tls_version", "1.2"}}).outcome,
            WP_OUTCOME_UP);
}

TEST(TlsProbe, AddressesAndOptionsAreCheckedUpFront) {
  std::string host, port;
  EXPECT_EQ(tls::parse_tls_address("https://example.com/x", host, port), "");
  EXPECT_EQ(host, "example.com");
  EXPECT_EQ(port, "443");
  EXPECT_EQ(tls::parse_tls_address("https://example.com:8443", host, port), "");
  EXPECT_EQ(port, "8443");
  EXPECT_EQ(tls::parse_tls_address("imap.example:993", host, port), "");
  EXPECT_EQ(port, "993");
  EXPECT_EQ(tls::parse_tls_address("tls://[::1]:636", host, port), "");
  EXPECT_EQ(host, "::1");
  EXPECT_NE(tls::parse_tls_address("http://example.com/", host, port), "");
  EXPECT_NE(tls::parse_tls_address("example.com", host, port), "") << "no port, no https://";

  wt::FakeHost fake;
  TlsProbe probe(fake.host());
  wt::OptionsBuilder b(TlsProbe::options());
  b.set("url", "tls://127.0.0.1:1");
  b.set("ca_file", "/nonexistent/ca.pem");
  auto built = b.build();
  try {
    probe.make_target(built.options());
    ADD_FAILURE() << "a missing ca_file must be refused when the target is made, not at every check";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.option(), "ca_file");
  }
  EXPECT_EQ(tls::certificate_policy(10, 14), "the certificate expires in 10 days; min_days_left is 14");
  EXPECT_EQ(tls::certificate_policy(INT32_MIN, 0), "the peer presented no certificate");
}
