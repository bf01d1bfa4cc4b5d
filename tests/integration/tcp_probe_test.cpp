// The tcp probe against real servers on 127.0.0.1: a line server that answers a greeting,
// a port with nothing listening, a server that accepts and says nothing, and TLS.
#include "http_target.hpp"
#include "probe_check.hpp"
#include "process.hpp"
#include "tcp_probe.hpp"

#include <watchpost/testing.hpp>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::tcp::TcpProbe;
namespace asio = boost::asio;

namespace {

// Accepts connections on 127.0.0.1; `greet` is sent first, then each line read gets `reply`.
// With `silent`, it accepts and never says or reads anything.
class LineServer {
 public:
  LineServer(std::string greet, std::string reply, bool silent = false)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), greet_(std::move(greet)), reply_(std::move(reply)),
        silent_(silent) {
    thread_ = std::thread([this] {
      for (;;) {
        asio::ip::tcp::socket s(io_);
        boost::system::error_code ec;
        acceptor_.accept(s, ec);
        if (ec || stop_) return;
        if (silent_) {
          held_.push_back(std::move(s));
          continue;
        }
        asio::write(s, asio::buffer(greet_), ec);
        asio::streambuf in;
        if (!reply_.empty() && asio::read_until(s, in, '\n', ec) > 0) asio::write(s, asio::buffer(reply_), ec);
      }
    });
  }
  ~LineServer() {
    stop_ = true;
    boost::system::error_code ec;
    asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url(const char* scheme = "tcp") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::string greet_, reply_;
  bool silent_;
  std::vector<asio::ip::tcp::socket> held_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

using wt::Seen;

Seen check(TcpProbe& probe, const std::map<std::string, std::string>& opts, uint32_t timeout_ms = 3000) {
  return wt::run_check(probe, opts, timeout_ms);
}

uint16_t closed_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace

TEST(TcpProbe, ConnectSendAndExpect) {
  wt::FakeHost host;
  TcpProbe probe(host.host());
  LineServer redis("", "+PONG\r\n");
  Seen up = check(probe, {{"url", redis.url()}, {"send", "PING\\r\\n"}, {"expect", "+PONG"}});
  EXPECT_EQ(up.outcome, WP_OUTCOME_UP) << up.message;
  EXPECT_GE(up.connect_us, 0);
  EXPECT_GE(up.first_byte_us, 0);
  LineServer smtp("220 mail ready\r\n", "");
  EXPECT_EQ(check(probe, {{"url", smtp.url()}}).outcome, WP_OUTCOME_UP) << "connect alone";
  Seen wrong = check(probe, {{"url", smtp.url()}, {"expect", "220 other"}});
  EXPECT_EQ(wrong.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(wrong.error_kind, WP_ERR_BODY_MISMATCH) << wrong.message;
}

TEST(TcpProbe, RefusedIsConnectAndSilenceIsTimeout) {
  wt::FakeHost host;
  TcpProbe probe(host.host());
  Seen refused = check(probe, {{"url", "tcp://127.0.0.1:" + std::to_string(closed_port())}});
  EXPECT_EQ(refused.error_kind, WP_ERR_CONNECT) << refused.message;
  LineServer mute("", "", true);
  auto began = std::chrono::steady_clock::now();
  Seen silent = check(probe, {{"url", mute.url()}, {"expect", "hello"}}, 500);
  EXPECT_EQ(silent.error_kind, WP_ERR_TIMEOUT) << silent.message;
  EXPECT_NE(silent.message.find("no expected answer within 500 ms"), std::string::npos) << silent.message;
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(3)) << "the timeout is honoured";
}

TEST(TcpProbe, TlsVerifiesTheCertificateAndReadsItsExpiry) {
  wt::FakeHost host;
  TcpProbe probe(host.host());
  target::HttpTarget site(target::HttpTarget::Options{true, 0});
  std::string ca = wt::temp_dir() + "/ca.pem";
  std::ofstream(ca) << site.certificate_pem();
  std::string url = "tls://127.0.0.1:" + std::to_string(site.port());
  Seen ok = check(probe, {{"url", url}, {"ca_file", ca}, {"send", "GET / HTTP/1.0\\r\\n\\r\\n"}, {"expect", "200 OK"}});
  EXPECT_EQ(ok.outcome, WP_OUTCOME_UP) << ok.message;
  EXPECT_GE(ok.tls_us, 0);
  EXPECT_GT(ok.tls_days_left, 0);
  Seen untrusted = check(probe, {{"url", url}});
  EXPECT_EQ(untrusted.error_kind, WP_ERR_TLS) << "a self-signed certificate fails against the system CAs: "
                                               << untrusted.message;
  EXPECT_EQ(check(probe, {{"url", url}, {"tls_verify", "false"}}).outcome, WP_OUTCOME_UP);
}

TEST(TcpProbe, BadAddressesAreOptionErrors) {
  for (std::string bad : {"127.0.0.1:80", "udp://h:1", "tcp://h", "tcp://:80", "tcp://h:99999", "tcp://[::1:80"}) {
    wt::OptionsBuilder b(TcpProbe::options());
    b.set("url", bad);
    auto built = b.build();
    EXPECT_THROW(TcpProbe::validate(built.options()), OptionError) << bad;
  }
}

TEST(TcpProbe, DestroyingTheProbeReportsChecksInFlightAsCancelled) {
  LineServer mute("", "", true);
  wt::FakeHost host;
  int cancelled = 0;
  {
    TcpProbe probe(host.host());
    wt::OptionsBuilder b(TcpProbe::options());
    b.set("url", mute.url());
    b.set("expect", "never");
    auto built = b.build();
    auto target = probe.make_target(built.options());
    auto on_done = [](void* ctx, const wp_probe_report* r) {
      if (r->error_kind == WP_ERR_CANCELLED) ++*static_cast<int*>(ctx);
    };
    std::string rid = "01TESTRESULTID000000000000";
    for (uint64_t i = 0; i < 3; ++i) probe.start(*target, Check{i, rid, 60000, 1}, Completion(on_done, &cancelled, i));
  }
  EXPECT_EQ(cancelled, 3);
}
