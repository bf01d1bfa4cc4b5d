// The icmp probe against the loopback interface, and in a network namespace of its own where
// the test decides what the network does: no route at all, or a host that ignores pings.
#include "icmp_packet.hpp"
#include "icmp_probe.hpp"
#include "probe_check.hpp"

#include <gtest/gtest.h>

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::icmp::IcmpProbe;

namespace {

// Whether this process may open an ICMP socket at all; the reason when not.
std::string icmp_unavailable() {
  wt::FakeHost host;
  IcmpProbe probe(host.host());
  wt::OptionsBuilder b(IcmpProbe::options());
  b.set("url", "127.0.0.1");
  auto built = b.build();
  try {
    probe.make_target(built.options());
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Runs `fn` on a thread moved into a new network namespace (threads it starts follow), with
// the loopback interface up or down. Empty when it ran; else why it could not.
std::string in_own_network(bool loopback_up, bool ignore_pings, const std::function<void()>& fn) {
  std::string why;
  std::thread t([&] {
    if (unshare(CLONE_NEWNET) != 0) {
      why = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno) + " (needs root)";
      return;
    }
    if (loopback_up) {
      int s = socket(AF_INET, SOCK_DGRAM, 0);
      ifreq ifr{};
      std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
      ioctl(s, SIOCGIFFLAGS, &ifr);
      ifr.ifr_flags |= IFF_UP;
      if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) why = std::string("cannot bring lo up: ") + std::strerror(errno);
      close(s);
    }
    if (ignore_pings) {
      // Per network namespace: only this test's namespace stops answering.
      std::ofstream("/proc/sys/net/ipv4/icmp_echo_ignore_all") << "1\n";
    }
    if (why.empty()) fn();
  });
  t.join();
  return why;
}

class IcmpProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why = icmp_unavailable();
    if (!why.empty()) GTEST_SKIP() << "no ICMP socket for this process: " << why;
  }
};

}  // namespace

TEST_F(IcmpProbeTest, LoopbackAnswersEveryPing) {
  wt::FakeHost host;
  IcmpProbe probe(host.host());
  wt::Seen up = wt::run_check(probe, {{"url", "icmp://127.0.0.1"}, {"count", "3"}, {"ping_interval", "20ms"}});
  EXPECT_EQ(up.outcome, WP_OUTCOME_UP) << up.message;
  EXPECT_EQ(up.body.rfind("sent 3 received 3 loss 0%", 0), 0u) << up.body;
  EXPECT_GE(up.first_byte_us, 0) << "the average round trip";
  EXPECT_EQ(up.ip, "127.0.0.1");
  wt::Seen named = wt::run_check(probe, {{"url", "localhost"}, {"count", "1"}, {"ip_family", "ipv4"}});
  EXPECT_EQ(named.outcome, WP_OUTCOME_UP) << named.message;
  EXPECT_GE(named.dns_us, 0);
}

TEST_F(IcmpProbeTest, ManyChecksAtOnceShareTheSocketAndEachGetsItsOwnReplies) {
  wt::FakeHost host;
  IcmpProbe probe(host.host());
  std::vector<std::thread> threads;
  std::atomic<int> up{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      auto seen = wt::run_check(probe, {{"url", "127.0.0.1"}, {"count", "5"}, {"ping_interval", "10ms"}});
      if (seen.outcome == WP_OUTCOME_UP && seen.body.rfind("sent 5 received 5", 0) == 0) ++up;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(up.load(), 8) << "a reply counted for the wrong check would show as 6 of 5 or 4 of 5";
}

TEST_F(IcmpProbeTest, IPv6LoopbackToo) {
  wt::FakeHost host;
  IcmpProbe probe(host.host());
  wt::Seen v6 = wt::run_check(probe, {{"url", "icmp://[::1]"}, {"count", "2"}, {"ping_interval", "20ms"}});
  if (v6.error_kind == WP_ERR_CONNECT || v6.error_kind == WP_ERR_PROBE)
    GTEST_SKIP() << "no IPv6 on this machine's loopback: " << v6.message;
  EXPECT_EQ(v6.outcome, WP_OUTCOME_UP) << v6.message;
  EXPECT_EQ(v6.ip, "::1");
}

TEST_F(IcmpProbeTest, AHostThatIgnoresPingsIsDownWhenTheTimeoutEndsTheCheck) {
  wt::Seen quiet;
  auto began = std::chrono::steady_clock::now();
  std::string why = in_own_network(true, true, [&] {
    wt::FakeHost host;
    IcmpProbe probe(host.host());
    quiet = wt::run_check(probe, {{"url", "127.0.0.1"}, {"count", "3"}, {"ping_interval", "50ms"}}, 500);
  });
  if (!why.empty()) GTEST_SKIP() << why;
  EXPECT_EQ(quiet.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(quiet.error_kind, WP_ERR_TIMEOUT);
  EXPECT_NE(quiet.message.find("no echo reply from 127.0.0.1 (3 sent"), std::string::npos) << quiet.message;
  EXPECT_EQ(quiet.body.rfind("sent 3 received 0 loss 100%", 0), 0u) << quiet.body;
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5)) << "the timeout ends the check";
}

TEST_F(IcmpProbeTest, NoRouteIsConnect) {
  wt::Seen unreachable;
  std::string why = in_own_network(false, false, [&] {
    wt::FakeHost host;
    IcmpProbe probe(host.host());
    unreachable = wt::run_check(probe, {{"url", "127.0.0.1"}, {"count", "1"}}, 1000);
  });
  if (!why.empty()) GTEST_SKIP() << why;
  EXPECT_EQ(unreachable.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(unreachable.error_kind, WP_ERR_CONNECT) << unreachable.message;
}

TEST(IcmpPacket, EchoRequestsAreChecksummedAndRepliesRead) {
  auto p = icmp::echo_request(false, 0x1234, 7);
  EXPECT_EQ(icmp::checksum(p.data(), p.size()), 0) << "a packet with its checksum sums to zero";
  p[0] = 0;  // as the echo reply comes back
  auto r = icmp::read_echo_reply(p.data(), p.size(), false, false);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.ident, 0x1234);
  EXPECT_EQ(r.seq, 7);
  EXPECT_FALSE(icmp::read_echo_reply(p.data(), 5, false, false).ok) << "short";
  EXPECT_FALSE(icmp::read_echo_reply(p.data(), p.size(), false, true).ok) << "not an IP header";
  std::string host;
  EXPECT_EQ(icmp::parse_icmp_url("icmp://[::1]", host), "");
  EXPECT_EQ(host, "::1");
  EXPECT_NE(icmp::parse_icmp_url("http://x/", host), "");
}
