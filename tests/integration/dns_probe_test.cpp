// The dns probe against a real DNS server on 127.0.0.1 (Debian's dnsmasq, serving a hosts
// file, an MX and a TXT record), and against hostile peers: a port with nothing listening,
// a server that never answers, one that answers garbage.
#include "dns_message.hpp"
#include "dns_probe.hpp"
#include "probe_check.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <unistd.h>

#include <csignal>

#include <atomic>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::dns::DnsProbe;
namespace asio = boost::asio;

namespace {

const char* kDnsmasq = "/usr/sbin/dnsmasq";

// A port free for UDP and for TCP alike: a DNS server binds both, and a TCP port in the
// ephemeral range is often someone's outgoing connection.
uint16_t free_udp_port() {
  for (;;) {
    asio::io_context io;
    asio::ip::udp::socket s(io, {asio::ip::make_address("127.0.0.1"), 0});
    uint16_t port = s.local_endpoint().port();
    boost::system::error_code ec;
    asio::ip::tcp::acceptor a(io);
    a.open(asio::ip::tcp::v4(), ec);
    if (!ec) a.bind({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return port;
  }
}

// A UDP peer on 127.0.0.1 that answers every datagram with `reply` (or never, when empty).
class UdpPeer {
 public:
  explicit UdpPeer(std::string reply) : socket_(io_, {asio::ip::make_address("127.0.0.1"), 0}), reply_(std::move(reply)) {
    thread_ = std::thread([this] {
      std::array<char, 1500> buf;
      asio::ip::udp::endpoint from;
      boost::system::error_code ec;
      while (!stop_) {
        size_t n = socket_.receive_from(asio::buffer(buf), from, 0, ec);
        if (ec || stop_) break;
        (void)n;
        if (!reply_.empty()) socket_.send_to(asio::buffer(reply_), from, 0, ec);
      }
    });
  }
  ~UdpPeer() {
    stop_ = true;
    boost::system::error_code ec;
    socket_.send_to(asio::buffer("x", 1), socket_.local_endpoint(), 0, ec);  // wake the receive
    thread_.join();
  }
  std::string server() const { return "127.0.0.1:" + std::to_string(socket_.local_endpoint().port()); }

 private:
  asio::io_context io_;
  asio::ip::udp::socket socket_;
  std::string reply_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class DnsProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kDnsmasq, X_OK) != 0)
      GTEST_SKIP() << kDnsmasq << " is not installed (scripts/install-deps.sh installs dnsmasq-base)";
    std::string dir = wt::temp_dir();
    std::string hosts = "127.0.0.2 www.test.example\n::2 www6.test.example\n";
    // Enough addresses for one name that the answer passes 512 bytes: UDP truncates, TCP carries it.
    for (int i = 1; i <= 60; ++i) hosts += "10.0.0." + std::to_string(i) + " many.test.example\n";
    wt::write_file(dir + "/hosts", hosts);
    // A port chosen free can be taken before dnsmasq binds it (tests run in parallel): a few
    // tries, each on a fresh port, and dnsmasq's own words when none answers.
    std::string why;
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = free_udp_port();
      std::vector<std::string> argv = {
          kDnsmasq, "--keep-in-foreground", "--conf-file=/dev/null", "--port=" + std::to_string(port_),
          "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--addn-hosts=" + dir + "/hosts",
          "--local=/test.example/", "--mx-host=test.example,mail.test.example,10",
          "--txt-record=test.example,v=spf1 -all", "--pid-file=", "--log-facility=" + dir + "/dnsmasq.log"};
      // As root dnsmasq would switch to a user that cannot read the test's folder.
      if (getuid() == 0) argv.push_back("--user=root");
      server_ = std::make_unique<wt::ChildProcess>(argv);
      if (wt::wait_until([&] { return check({{"url", "dns:www.test.example"}}, 500).outcome == WP_OUTCOME_UP; },
                         std::chrono::seconds(10)))
        return;
      server_->signal(SIGTERM);
      auto ended = server_->wait(std::chrono::seconds(5));
      why = ended.err + ended.out;
      try {
        why += wt::read_file(dir + "/dnsmasq.log");
      } catch (const std::exception&) {
      }
      server_.reset();
    }
    FAIL() << "dnsmasq did not start answering: " << why;
  }

  wt::Seen check(std::map<std::string, std::string> opts, uint32_t timeout_ms = 3000,
                 std::map<std::string, std::vector<std::string>> lists = {}) {
    if (!opts.count("server")) opts["server"] = "127.0.0.1:" + std::to_string(port_);
    return wt::run_check(probe_, opts, timeout_ms, lists);
  }

  wt::FakeHost host_;
  DnsProbe probe_{host_.host()};
  uint16_t port_ = 0;
  std::unique_ptr<wt::ChildProcess> server_;
};

}  // namespace

TEST_F(DnsProbeTest, ANameResolvesAndItsRecordsAreTheBody) {
  wt::Seen up = check({{"url", "dns:www.test.example"}});
  EXPECT_EQ(up.outcome, WP_OUTCOME_UP) << up.message;
  EXPECT_EQ(up.body, "A 127.0.0.2\n");
  EXPECT_GE(up.dns_us, 0);
  EXPECT_EQ(up.ip, "127.0.0.1") << "the server asked";
  wt::Seen v6 = check({{"url", "dns:www6.test.example?type=AAAA"}});
  EXPECT_EQ(v6.body, "AAAA ::2\n") << v6.message;
}

TEST_F(DnsProbeTest, ExpectedRecordsMustAllBeThere) {
  EXPECT_EQ(check({{"url", "dns:www.test.example"}}, 3000, {{"expect", {"127.0.0.2"}}}).outcome, WP_OUTCOME_UP);
  wt::Seen wrong = check({{"url", "dns:www.test.example"}}, 3000, {{"expect", {"127.0.0.9"}}});
  EXPECT_EQ(wrong.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(wrong.error_kind, WP_ERR_WRONG_ANSWER);
  EXPECT_NE(wrong.message.find("expected 127.0.0.9 among the answers to www.test.example A; got 127.0.0.2"),
            std::string::npos)
      << wrong.message;
  wt::Seen mx = check({{"url", "dns:test.example?type=MX"}}, 3000, {{"expect", {"10 mail.test.example"}}});
  EXPECT_EQ(mx.outcome, WP_OUTCOME_UP) << mx.message << " " << mx.body;
  wt::Seen txt = check({{"url", "dns:test.example"}, {"record_type", "TXT"}}, 3000, {{"expect", {"v=spf1 -all"}}});
  EXPECT_EQ(txt.outcome, WP_OUTCOME_UP) << txt.message << " " << txt.body;
}

TEST_F(DnsProbeTest, NxdomainAndAnEmptyAnswerAreDown) {
  wt::Seen nx = check({{"url", "dns:nope.test.example"}});
  EXPECT_EQ(nx.error_kind, WP_ERR_DNS);
  EXPECT_NE(nx.message.find("NXDOMAIN for nope.test.example A"), std::string::npos) << nx.message;
  EXPECT_EQ(check({{"url", "dns:nope.test.example"}}, 3000, {{"valid_rcodes", {"NXDOMAIN"}}}).outcome, WP_OUTCOME_UP)
      << "a name that must not exist";
  wt::Seen none = check({{"url", "dns:www.test.example?type=AAAA"}});
  EXPECT_EQ(none.error_kind, WP_ERR_WRONG_ANSWER) << none.message;
  EXPECT_EQ(check({{"url", "dns:www.test.example?type=AAAA"}, {"fail_if_no_answer", "false"}}).outcome, WP_OUTCOME_UP);
}

TEST_F(DnsProbeTest, ATruncatedAnswerIsAskedAgainOverTcpAndTcpWorksAlone) {
  wt::Seen many = check({{"url", "dns:many.test.example"}}, 3000, {{"expect", {"10.0.0.60"}}});
  EXPECT_EQ(many.outcome, WP_OUTCOME_UP) << many.message;
  EXPECT_GE(many.connect_us, 0) << "the answer came over TCP";
  EXPECT_EQ(std::count(many.body.begin(), many.body.end(), '\n'), 60) << many.body;
  wt::Seen tcp = check({{"url", "dns:www.test.example"}, {"transport", "tcp"}});
  EXPECT_EQ(tcp.outcome, WP_OUTCOME_UP) << tcp.message;
  EXPECT_GE(tcp.connect_us, 0);
}

TEST_F(DnsProbeTest, HostilePeersEndAsDownWithinTheTimeout) {
  wt::Seen refused = check({{"url", "dns:www.test.example"}, {"server", "127.0.0.1:" + std::to_string(free_udp_port())}});
  EXPECT_EQ(refused.error_kind, WP_ERR_CONNECT) << refused.message;
  UdpPeer silent("");
  auto began = std::chrono::steady_clock::now();
  wt::Seen quiet = check({{"url", "dns:www.test.example"}, {"server", silent.server()}}, 400);
  EXPECT_EQ(quiet.error_kind, WP_ERR_TIMEOUT) << quiet.message;
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(3));
  UdpPeer garbage(std::string("\x00\x01garbage", 9));
  wt::Seen bad = check({{"url", "dns:www.test.example"}, {"server", garbage.server()}}, 1000);
  EXPECT_EQ(bad.outcome, WP_OUTCOME_DOWN);
  EXPECT_TRUE(bad.error_kind == WP_ERR_PROTOCOL || bad.error_kind == WP_ERR_TIMEOUT) << bad.message;
}

TEST(DnsOptions, UrlsAndServersAreCheckedUpFront) {
  std::string name, server;
  uint16_t port = 53;
  int type = 1;
  EXPECT_EQ(dns::parse_dns_url("dns://192.0.2.1:5353/example.com?type=MX", name, server, port, type), "");
  EXPECT_EQ(name, "example.com");
  EXPECT_EQ(server, "192.0.2.1");
  EXPECT_EQ(port, 5353);
  EXPECT_EQ(type, dns::record_type("MX"));
  EXPECT_EQ(dns::parse_dns_url("dns:example.com;type=AAAA", name, server, port, type), "") << "RFC 4501's separator";
  EXPECT_NE(dns::parse_dns_url("http://example.com", name, server, port, type), "");
  EXPECT_NE(dns::parse_dns_url("dns:example.com?type=BOGUS", name, server, port, type), "");
  EXPECT_NE(dns::parse_dns_url("dns://resolver.example/x.com", name, server, port, type).find("not an IP address"),
            std::string::npos);
  EXPECT_EQ(dns::parse_server("[::1]:53", server, port), "");
  EXPECT_EQ(server, "::1");
  std::string conf = wt::temp_dir() + "/resolv.conf";
  wt::write_file(conf, "# comment\nsearch example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n");
  EXPECT_EQ(dns::system_nameserver(conf), "192.0.2.53");
  std::string error;
  EXPECT_TRUE(dns::make_query(std::string(300, 'a'), 1, 1, error).empty());
}
