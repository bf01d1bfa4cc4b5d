// The http probe against real HTTP(S) servers on 127.0.0.1 (no core, no dlopen).
#include "http_probe.hpp"
#include "loop_lag.hpp"
#include "http_target.hpp"
#include "probe_check.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <watchpost/testing.hpp>

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <climits>
#include <condition_variable>
#include <future>
#include <map>
#include <set>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::http::HttpProbe;
using watchpost::target::HttpTarget;

namespace {

using wt::Seen;

class HttpProbeTest : public ::testing::Test {
 protected:
  wt::FakeHost host;
  HttpProbe probe{host.host()};

  Seen check(const std::string& url, std::map<std::string, std::string> opts = {}, uint32_t timeout_ms = 5000,
             std::vector<std::string> expected = {}) {
    opts["url"] = url;
    std::map<std::string, std::vector<std::string>> lists;
    if (!expected.empty()) lists["expected_status"] = expected;
    return wt::run_check(probe, opts, timeout_ms, lists);
  }
};

// A port with nothing listening: bind, note the port, close.
uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace

TEST_F(HttpProbeTest, OkIsUpWithTimingsAndAddress) {
  HttpTarget server;
  Seen s = check(server.url("/"));
  EXPECT_EQ(s.outcome, WP_OUTCOME_UP) << s.message;
  EXPECT_EQ(s.http_status, 200);
  EXPECT_EQ(s.body, "ok watchpost target\n");
  EXPECT_EQ(s.bytes, 20u);
  EXPECT_EQ(s.ip, "127.0.0.1");
  EXPECT_EQ(s.ip_family, 4);
  EXPECT_GE(s.connect_us, 0);
  EXPECT_GE(s.first_byte_us, 0);
  EXPECT_GE(s.total_us, s.connect_us);
  EXPECT_EQ(s.tls_us, -1) << "no TLS phase on plain HTTP";
  EXPECT_EQ(s.tls_days_left, INT32_MIN);
}

TEST_F(HttpProbeTest, UnexpectedStatusesAreDownWithTheStatus) {
  HttpTarget server;
  Seen s404 = check(server.url("/status/404"));
  EXPECT_EQ(s404.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(s404.error_kind, WP_ERR_HTTP_STATUS);
  EXPECT_EQ(s404.http_status, 404);
  EXPECT_EQ(s404.message, "HTTP 404, expected 200-399");
  Seen s500 = check(server.url("/status/500"));
  EXPECT_EQ(s500.error_kind, WP_ERR_HTTP_STATUS);
  EXPECT_EQ(s500.http_status, 500);
  // An explicit list can make 404 the expected answer (e.g. checking a page is gone).
  EXPECT_EQ(check(server.url("/status/404"), {}, 5000, {"404"}).outcome, WP_OUTCOME_UP);
  EXPECT_EQ(check(server.url("/status/204"), {}, 5000, {"2xx"}).outcome, WP_OUTCOME_UP);
}

TEST_F(HttpProbeTest, RedirectsAreFollowedAndBounded) {
  HttpTarget server;
  Seen followed = check(server.url("/redirect/3"));
  EXPECT_EQ(followed.outcome, WP_OUTCOME_UP);
  EXPECT_EQ(followed.redirects, 3);
  EXPECT_EQ(followed.body, "landed\n");
  Seen too_many = check(server.url("/redirect/5"), {{"max_redirects", "2"}});
  EXPECT_EQ(too_many.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(too_many.error_kind, WP_ERR_REDIRECTS);
  Seen not_followed = check(server.url("/redirect/1"), {{"follow_redirects", "false"}});
  EXPECT_EQ(not_followed.http_status, 302);
  EXPECT_EQ(not_followed.outcome, WP_OUTCOME_UP) << "302 is inside the default 200-399";
}

TEST_F(HttpProbeTest, SlowAnswerWithinTimeoutIsUpBeyondItIsTimeout) {
  HttpTarget server;
  EXPECT_EQ(check(server.url("/delay/200"), {}, 3000).outcome, WP_OUTCOME_UP);
  auto start = std::chrono::steady_clock::now();
  Seen s = check(server.url("/delay/5000"), {}, 500);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(s.error_kind, WP_ERR_TIMEOUT) << s.message;
  EXPECT_LT(took, std::chrono::milliseconds(3000)) << "the timeout must be honoured";
}

TEST_F(HttpProbeTest, DrippingBodyEndsAtTheTimeout) {
  HttpTarget server;
  Seen s = check(server.url("/drip/100/100"), {}, 700);
  EXPECT_EQ(s.error_kind, WP_ERR_TIMEOUT) << s.message;
  EXPECT_GT(s.bytes, 0u) << "some bytes arrived before the timeout";
}

TEST_F(HttpProbeTest, ConnectionRefusedIsConnect) {
  Seen s = check("http://127.0.0.1:" + std::to_string(closed_port()) + "/");
  EXPECT_EQ(s.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(s.error_kind, WP_ERR_CONNECT) << s.message;
  EXPECT_EQ(s.http_status, 0);
}

TEST_F(HttpProbeTest, AHugeResponseHeaderIsTheTargetsFault) {
  HttpTarget server;
  Seen s = check(server.url("/hugeheader/10000000"));
  EXPECT_EQ(s.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(s.error_kind, WP_ERR_PROTOCOL) << "not the probe's fault: " << s.message;
  EXPECT_NE(s.message.find("response header too large"), std::string::npos) << s.message;
}

TEST_F(HttpProbeTest, ResetMidBodyAndEmptyReplyAreRecv) {
  HttpTarget server;
  Seen reset = check(server.url("/reset"));
  EXPECT_EQ(reset.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(reset.error_kind, WP_ERR_RECV) << reset.message;
  Seen closed = check(server.url("/close"));
  EXPECT_EQ(closed.error_kind, WP_ERR_RECV) << closed.message;
}

TEST_F(HttpProbeTest, LargeAndChunkedBodiesAreCountedAndKeptUpToMaxBody) {
  HttpTarget server;
  Seen big = check(server.url("/body/3000000"));
  EXPECT_EQ(big.outcome, WP_OUTCOME_UP);
  EXPECT_EQ(big.bytes, 3000000u);
  EXPECT_EQ(big.body.size(), 1u << 20) << "kept up to the 1 MiB default";
  Seen chunked = check(server.url("/chunked/500000"), {{"max_body", "64KiB"}});
  EXPECT_EQ(chunked.outcome, WP_OUTCOME_UP);
  EXPECT_EQ(chunked.bytes, 500000u);
  EXPECT_EQ(chunked.body.size(), 65536u);
}

TEST_F(HttpProbeTest, HeadReadsNoBody) {
  HttpTarget server;
  Seen s = check(server.url("/body/5000"), {{"method", "HEAD"}});
  EXPECT_EQ(s.outcome, WP_OUTCOME_UP);
  EXPECT_EQ(s.bytes, 0u);
}

TEST_F(HttpProbeTest, SelfSignedTlsFailsVerificationAndPassesWithItsCa) {
  HttpTarget server(HttpTarget::Options{true, 0});
  Seen refused = check(server.url("/"));
  EXPECT_EQ(refused.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(refused.error_kind, WP_ERR_TLS) << refused.message;

  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/ca.pem", server.certificate_pem());
  Seen trusted = check(server.url("/"), {{"ca_file", dir + "/ca.pem"}});
  EXPECT_EQ(trusted.outcome, WP_OUTCOME_UP) << trusted.message;
  EXPECT_GE(trusted.tls_us, 0);
  EXPECT_TRUE(trusted.tls_days_left == 29 || trusted.tls_days_left == 30) << trusted.tls_days_left;

  Seen unverified = check(server.url("/"), {{"tls_verify", "false"}});
  EXPECT_EQ(unverified.outcome, WP_OUTCOME_UP) << unverified.message;
}

TEST_F(HttpProbeTest, UnresolvableNameIsDns) {
  // .invalid never resolves (RFC 2606); with or without a resolver it must end as dns.
  Seen s = check("http://watchpost-test.invalid/", {}, 3000);
  EXPECT_EQ(s.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(s.error_kind, WP_ERR_DNS) << s.message;
}

TEST_F(HttpProbeTest, ManyChecksAtOnceAllReportExactlyOnce) {
  HttpTarget server;
  wt::OptionsBuilder b(HttpProbe::options());
  b.set("url", server.url("/"));
  auto built = b.build();
  auto target = probe.make_target(built.options());
  std::atomic<int> reports{0}, up{0};
  struct Ctx {
    std::atomic<int>* reports;
    std::atomic<int>* up;
  } ctx{&reports, &up};
  auto on_done = [](void* c, const wp_probe_report* r) {
    auto* x = static_cast<Ctx*>(c);
    if (r->outcome == WP_OUTCOME_UP) ++*x->up;
    ++*x->reports;
  };
  const int n = 200;
  for (int i = 0; i < n; ++i) probe.start(*target, Check{uint64_t(i), "id", 10000, 1}, Completion(on_done, &ctx, i));
  ASSERT_TRUE(wt::wait_until([&] { return reports.load() == n; }, std::chrono::seconds(30))) << reports.load();
  EXPECT_EQ(up.load(), n);
}

TEST(HttpProbeLifetime, DestroyingTheProbeReportsChecksInFlightAsCancelled) {
  HttpTarget server;
  wt::FakeHost host;
  std::atomic<int> cancelled{0};
  {
    HttpProbe probe(host.host());
    wt::OptionsBuilder b(HttpProbe::options());
    b.set("url", server.url("/delay/10000"));
    auto built = b.build();
    auto target = probe.make_target(built.options());
    auto on_done = [](void* c, const wp_probe_report* r) {
      if (r->error_kind == WP_ERR_CANCELLED) ++*static_cast<std::atomic<int>*>(c);
    };
    for (int i = 0; i < 5; ++i) probe.start(*target, Check{uint64_t(i), "id", 20000, 1}, Completion(on_done, &cancelled, i));
    ASSERT_TRUE(wt::wait_until([&] { return server.requests() == 5; }));
  }
  EXPECT_EQ(cancelled.load(), 5);
}

// The loop's timer only moves earlier (re-arming costs a system call), so a deadline that
// comes after an armed one must still be honoured, and an earlier one must pull the timer
// forward. One loop, so every check shares its timer.
TEST(CurlLoopTimer, EarlierAndLaterDeadlinesAreEachHonoured) {
  HttpTarget server;
  watchpost::http::CurlEngine engine(1);
  using Clock = std::chrono::steady_clock;
  struct Ended {
    std::mutex mu;
    std::map<uint64_t, std::pair<int32_t, Clock::time_point>> by_check;
  } ended;
  auto on_done = [](void* c, const wp_probe_report* r) {
    auto* e = static_cast<Ended*>(c);
    std::lock_guard<std::mutex> lock(e->mu);
    e->by_check[r->check_id] = {r->error_kind, Clock::now()};
  };
  std::map<uint64_t, Clock::time_point> started;
  auto start = [&](uint64_t id, const std::string& path, uint32_t timeout_ms) {
    wt::OptionsBuilder b(HttpProbe::options());
    b.set("url", server.url(path));
    auto built = b.build();
    started[id] = Clock::now();
    engine.start(watchpost::http::parse_target(built.options()), Check{id, "id", timeout_ms, 1},
                 Completion(on_done, &ended, id));
  };
  auto has_ended = [&](uint64_t id) {
    return wt::wait_until(
        [&] {
          std::lock_guard<std::mutex> lock(ended.mu);
          return ended.by_check.count(id) == 1;
        },
        std::chrono::seconds(30));
  };
  start(1, "/delay/200", 4000);    // ends early, leaving the timer armed for nothing
  start(2, "/delay/10000", 5000);  // a later deadline, found when that timer fires
  ASSERT_TRUE(has_ended(1));
  start(3, "/delay/10000", 300);  // an earlier deadline than the armed one
  ASSERT_TRUE(has_ended(3));
  ASSERT_TRUE(has_ended(2));
  using std::chrono::milliseconds;
  std::lock_guard<std::mutex> lock(ended.mu);
  auto took = [&](uint64_t id) { return ended.by_check[id].second - started[id]; };
  EXPECT_EQ(ended.by_check[1].first, WP_ERR_NONE);
  EXPECT_EQ(ended.by_check[3].first, WP_ERR_TIMEOUT);
  EXPECT_LT(took(3), milliseconds(3000)) << "the 300 ms deadline waited for a later one";
  EXPECT_EQ(ended.by_check[2].first, WP_ERR_TIMEOUT);
  EXPECT_GE(took(2), milliseconds(4900));
  EXPECT_LT(took(2), milliseconds(9000)) << "the 5 s deadline was lost";
}

// Checks are spread over every loop (each runs its own thread), and each reports once.
TEST(CurlEngine, SpreadsChecksOverItsLoops) {
  HttpTarget server;
  watchpost::http::CurlEngine engine(3);
  EXPECT_EQ(engine.loops(), 3u);
  struct Seen {
    std::mutex mu;
    std::set<std::thread::id> threads;
    int up = 0;
  } seen;
  auto on_done = [](void* c, const wp_probe_report* r) {
    auto* s = static_cast<Seen*>(c);
    std::lock_guard<std::mutex> lock(s->mu);
    s->threads.insert(std::this_thread::get_id());
    if (r->outcome == WP_OUTCOME_UP) ++s->up;
  };
  wt::OptionsBuilder b(HttpProbe::options());
  b.set("url", server.url("/"));
  auto built = b.build();
  auto config = watchpost::http::parse_target(built.options());
  for (uint64_t i = 0; i < 30; ++i) engine.start(config, Check{i, "id", 5000, 1}, Completion(on_done, &seen, i));
  ASSERT_TRUE(wt::wait_until(
      [&] {
        std::lock_guard<std::mutex> lock(seen.mu);
        return seen.up == 30;
      },
      std::chrono::seconds(30)));
  std::lock_guard<std::mutex> lock(seen.mu);
  EXPECT_EQ(seen.threads.size(), 3u) << "every loop took a share";
}

TEST(LoopLag, AStalledLoopShowsItsLagAndAnIdleOneDoesNot) {
  boost::asio::io_context io;
  watchpost::http::LoopLag lag(io);
  lag.start();
  auto began = std::chrono::steady_clock::now();
  boost::asio::steady_timer quiet(io, std::chrono::milliseconds(300));
  quiet.async_wait([&](const boost::system::error_code&) {
    EXPECT_LT(lag.max_since(began), 100) << "an idle loop runs on time";
    // A handler that hogs the loop, as a burst of TLS handshakes does.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
    while (std::chrono::steady_clock::now() < until) {
    }
    boost::asio::post(io, [&] {
      EXPECT_GE(lag.max_since(began), 300) << "the stall shows, even before its tick has run";
      lag.stop();
    });
  });
  io.run();
}

// ---- requests with bodies, headers and credentials (issue 19) --------------------------------

TEST_F(HttpProbeTest, APostSendsItsBodyAndHeaders) {
  HttpTarget server;
  std::map<std::string, std::vector<std::string>> lists = {{"headers", {"Content-Type", "application/json", "X-Probe", "1"}}};
  Seen s = wt::run_check(probe, {{"url", server.url("/echo")}, {"method", "POST"}, {"body", R"({"ping": true})"}}, 5000, lists);
  EXPECT_EQ(s.outcome, WP_OUTCOME_UP) << s.message;
  auto got = server.echoed();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].body, R"({"ping": true})");
  EXPECT_EQ(got[0].header("content-type"), "application/json");
  EXPECT_EQ(got[0].header("x-probe"), "1");
  EXPECT_EQ(got[0].header("content-length"), "14");
}

TEST_F(HttpProbeTest, EachMethodIsSentAsItselfWithItsBody) {
  HttpTarget server;
  for (std::string method : {"PUT", "PATCH", "DELETE", "OPTIONS"}) {
    Seen s = check(server.url("/echo"), {{"method", method}, {"body", "for " + method}});
    EXPECT_EQ(s.outcome, WP_OUTCOME_UP) << method << ": " << s.message;
  }
  Seen empty = check(server.url("/echo"), {{"method", "POST"}});
  EXPECT_EQ(empty.outcome, WP_OUTCOME_UP);
  auto got = server.echoed();
  ASSERT_EQ(got.size(), 5u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(got[i].body, "for " + got[i].method);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[3].method, "OPTIONS");
  EXPECT_EQ(got[4].method, "POST");
  EXPECT_EQ(got[4].header("content-length"), "0") << "a POST without a body still says how long it is";
}

TEST_F(HttpProbeTest, ABodyFileIsReadWhenTheTargetIsMade) {
  HttpTarget server;
  std::string file = wt::temp_dir() + "/body.json";
  wt::write_file(file, "{\"from\": \"file\"}\n");
  Seen s = check(server.url("/echo"), {{"method", "PUT"}, {"body_file", file}});
  EXPECT_EQ(s.outcome, WP_OUTCOME_UP) << s.message;
  ASSERT_EQ(server.echoed().size(), 1u);
  EXPECT_EQ(server.echoed()[0].body, "{\"from\": \"file\"}\n");
}

TEST_F(HttpProbeTest, BasicAndBearerCredentialsAreSent) {
  HttpTarget server;
  Seen basic = wt::run_check(probe, {{"url", server.url("/echo")}}, 5000,
                             {{"basic_auth", {"username", "ops", "password", "hunter2"}}});
  Seen bearer = check(server.url("/echo"), {{"bearer_token", "tok-123"}});
  EXPECT_EQ(basic.outcome, WP_OUTCOME_UP);
  EXPECT_EQ(bearer.outcome, WP_OUTCOME_UP);
  auto got = server.echoed();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].header("authorization"), "Basic b3BzOmh1bnRlcjI=");  // base64("ops:hunter2")
  EXPECT_EQ(got[1].header("authorization"), "Bearer tok-123");
}

TEST_F(HttpProbeTest, Http11OrHttp2IsWhatTheTargetAsksFor) {
  HttpTarget server;  // speaks HTTP/1.1 only
  Seen one = check(server.url("/"), {{"http_version", "1.1"}});
  EXPECT_EQ(one.outcome, WP_OUTCOME_UP) << one.message;
  // HTTP/2 with prior knowledge over http:// is a protocol the server does not speak: the
  // request fails, which shows it was made as asked.
  Seen two = check(server.url("/"), {{"http_version", "2"}});
  EXPECT_EQ(two.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(server.requests(), 1u) << "no HTTP/1 request was made for the HTTP/2 check";
}

TEST_F(HttpProbeTest, RequestOptionsThatCannotWorkAreRefusedByName) {
  auto refused = [&](std::map<std::string, std::string> opts, std::map<std::string, std::vector<std::string>> lists = {}) {
    wt::OptionsBuilder b(HttpProbe::options());
    opts["url"] = "http://127.0.0.1:9/";
    for (auto& [k, v] : opts) b.set(k, v);
    for (auto& [k, v] : lists) b.set_list(k, v);
    auto built = b.build();
    try {
      HttpProbe::validate(built.options());
    } catch (const OptionError& e) {
      return e.option() + ": " + e.what();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused({{"body", "x"}}), "body: a body needs method POST, PUT, PATCH, DELETE or OPTIONS (method is GET)");
  EXPECT_EQ(refused({{"method", "POST"}, {"body", "x"}, {"body_file", "/etc/hostname"}}),
            "body_file: give body or body_file, not both");
  EXPECT_EQ(refused({{"method", "POST"}, {"body_file", "/nonexistent/body"}}), "body_file: cannot read '/nonexistent/body'");
  EXPECT_EQ(refused({}, {{"basic_auth", {"user", "x"}}}), "basic_auth: unknown key 'user': give username and password");
  EXPECT_EQ(refused({{"bearer_token", "t"}}, {{"basic_auth", {"username", "u", "password", "p"}}}),
            "bearer_token: give basic_auth or bearer_token, not both");
  EXPECT_EQ(refused({{"method", "PATCH"}, {"body", "x"}}), "accepted");
}

// Response headers for evaluators (ABI 1.4): the final response's, bounded.
TEST_F(HttpProbeTest, TheFinalResponsesHeadersAreKeptBounded) {
  HttpTarget server;
  Seen s = check(server.url("/redirect/2"));
  EXPECT_EQ(s.outcome, WP_OUTCOME_UP) << s.message;
  std::map<std::string, std::string> got(s.headers.begin(), s.headers.end());
  EXPECT_EQ(got["Server"], "watchpost-target");
  EXPECT_EQ(got["Content-Type"], "text/plain");
  EXPECT_EQ(got["Content-Length"], "7");
  EXPECT_EQ(got.count("Location"), 0u) << "the redirects' headers are not the final response's";
  Seen huge = check(server.url("/hugeheader/5000"));
  EXPECT_EQ(huge.outcome, WP_OUTCOME_UP) << huge.message;
  for (auto& [name, value] : huge.headers) EXPECT_LE(value.size(), 4096u) << name << " is kept past 4 KiB";
  EXPECT_FALSE(huge.headers.empty()) << "the other headers are still kept";
}
