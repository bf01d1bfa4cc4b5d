// The admin endpoint's defaults and options: loopback unless told otherwise, a token when
// set, a deadline for every request.
#include "http_client.hpp"
#include "process.hpp"
#include "observe/admin_server.hpp"
#include "observe/health.hpp"
#include "observe/listen_address.hpp"
#include "observe/target_series.hpp"
#include "self_signed.hpp"

#include <watchpost/plugin_api.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;

TEST(Admin, AListenAddressWithoutAHostMeansLoopback) {
  ListenAddress a;
  EXPECT_EQ(parse_listen_address(":19132", a), "");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_TRUE(a.loopback);
  EXPECT_EQ(parse_listen_address("0.0.0.0:9100", a), "");
  EXPECT_FALSE(a.loopback);
  EXPECT_EQ(parse_listen_address("[::1]:9100", a), "");
  EXPECT_TRUE(a.loopback);
  EXPECT_NE(parse_listen_address("localhost:9100", a).find("not an IP address"), std::string::npos);
  EXPECT_NE(parse_listen_address("127.0.0.1:99999", a).find("port"), std::string::npos);
  EXPECT_NE(parse_listen_address("127.0.0.1:", a).find("port"), std::string::npos);
}

namespace {

AdminServer::Options options(std::string listen, std::string token = "") {
  AdminServer::Options o;
  o.listen = std::move(listen);
  o.token = std::move(token);
  return o;
}

struct Served {
  boost::asio::io_context io;
  AdminServer server;
  std::thread thread;
  explicit Served(AdminServer::Options o)
      : server(io, std::move(o), AdminServer::Handlers{[] { return std::string("{}"); }, [] { return false; }, {}, {}}),
        thread([this] { io.run(); }) {}
  ~Served() {
    boost::asio::post(io, [this] { server.stop(); });
    io.stop();
    thread.join();
  }
  std::string base() { return "http://127.0.0.1:" + std::to_string(server.port()); }
};

}  // namespace

TEST(Admin, ATokenGuardsMetricsAndStatusButNotHealth) {
  Served s(options("127.0.0.1:0", "s3cret-token"));
  EXPECT_EQ(wt::http_get(s.base() + "/metrics").first, 401);
  EXPECT_EQ(wt::http_get(s.base() + "/status", {"Authorization: Bearer wrong"}).first, 401);
  EXPECT_EQ(wt::http_get(s.base() + "/metrics", {"Authorization: Bearer s3cret-token"}).first, 200);
  EXPECT_EQ(wt::http_get(s.base() + "/status", {"Authorization: Bearer s3cret-token"}).first, 200);
  EXPECT_EQ(wt::http_get(s.base() + "/healthz").first, 200) << "health checkers need no secret";
}

TEST(Admin, AClientThatSaysNothingIsCutOffAtTheDeadline) {
  AdminServer::Options o = options("127.0.0.1:0");
  o.request_timeout = std::chrono::milliseconds(300);
  Served s(o);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(s.server.port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_GT(::send(fd, "GET /met", 8, MSG_NOSIGNAL), 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[64];
  auto start = std::chrono::steady_clock::now();
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  auto waited = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_LE(n, 0) << "closed without an answer";
  EXPECT_LT(waited, std::chrono::seconds(4)) << "the server closed it, not our receive timeout";
}

TEST(Admin, HealthSaysDegradedWithTheConditionAndSince) {
  Served s(options("127.0.0.1:0"));
  health().set("sink test/x spool", "the spool cannot write: No space left on device");
  auto h = wt::http_get(s.base() + "/healthz");
  health().clear("sink test/x spool");
  EXPECT_EQ(h.first, 503);
  EXPECT_NE(h.second.find("degraded\n- sink test/x spool: the spool cannot write: No space left on device (since 20"),
            std::string::npos)
      << h.second;
  EXPECT_EQ(wt::http_get(s.base() + "/healthz").first, 200) << "and ok again once it clears";
}

TEST(Admin, PerTargetSeriesAreEscapedAndHaveHelpAndType) {
  TargetSeries s;
  TargetState up;
  up.outcome = WP_OUTCOME_UP;
  up.total_us = 12'500;
  up.dns_us = 1500;
  up.connect_us = 200;
  up.http_status = 200;
  up.tls_days_left = 30;
  up.last_scheduled_ms = 1'700'000'000'000;
  TargetState unknown;
  unknown.outcome = WP_OUTCOME_UNKNOWN;
  unknown.consecutive_failures = 2;
  s.add("web", "we\"ird\\id\n", up);
  s.add("web", "lost", unknown);
  s.add("web", "never", TargetState{});
  std::string text = s.render();
  const std::string lbl = "{pipeline=\"web\",target=\"we\\\"ird\\\\id\\n\"}";
  for (const std::string& line : std::vector<std::string>{"# HELP watchpost_target_up ", "# TYPE watchpost_target_up gauge",
                           "watchpost_target_up" + lbl + " 1\n", "watchpost_target_check_duration_seconds" + lbl + " 0.0125\n",
                           "watchpost_target_phase_duration_seconds{pipeline=\"web\",target=\"we\\\"ird\\\\id\\n\",phase=\"dns\"} 0.0015\n",
                           "watchpost_target_http_status_code" + lbl + " 200\n",
                           "watchpost_target_tls_expiry_seconds" + lbl + " 2592000\n",
                           "watchpost_target_consecutive_failures{pipeline=\"web\",target=\"lost\"} 2\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n---\n" << text;
  EXPECT_EQ(text.find("watchpost_target_up{pipeline=\"web\",target=\"lost\"}"), std::string::npos)
      << "unknown is neither up nor down";
  EXPECT_EQ(text.find("target=\"never\""), std::string::npos) << "a target not checked yet has no samples";
  EXPECT_EQ(s.targets(), 3u);
}

TEST(Admin, WithACertificateItServesHttpsAndRefusesPlainHttp) {
  auto pair = target::make_self_signed(2);
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/cert.pem", pair.cert_pem);
  wt::write_file(dir + "/key.pem", pair.key_pem);
  AdminServer::Options o = options("127.0.0.1:0", "t0ken");
  o.tls_cert = dir + "/cert.pem";
  o.tls_key = dir + "/key.pem";
  Served s(o);
  std::string https = "https://127.0.0.1:" + std::to_string(s.server.port());
  auto get = [&](const std::string& url, bool with_token) {
    return wt::http_get(url, with_token ? std::vector<std::string>{"Authorization: Bearer t0ken"}
                                        : std::vector<std::string>{},
                        5000, dir + "/cert.pem");
  };
  EXPECT_EQ(get(https + "/healthz", false).first, 200) << "verified against its certificate";
  EXPECT_EQ(get(https + "/metrics", false).first, 401);
  EXPECT_EQ(get(https + "/metrics", true).first, 200);
  EXPECT_EQ(wt::http_get("http://127.0.0.1:" + std::to_string(s.server.port()) + "/healthz").first, 0)
      << "plain HTTP gets no answer on a TLS endpoint";
  AdminServer::Options half = options("127.0.0.1:0");
  half.tls_cert = dir + "/cert.pem";
  boost::asio::io_context io;
  EXPECT_THROW(AdminServer(io, half, {}), std::runtime_error) << "a certificate without its key";
}
