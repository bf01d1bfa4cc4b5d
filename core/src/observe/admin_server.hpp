// The admin HTTP endpoint (Boost.Beast, on the runtime's io_context):
//   GET /metrics  Prometheus text format
//   GET /healthz  200 "ok"; 503 "degraded" with the conditions (health.hpp), or "draining"
//   GET /status   JSON: every pipeline and the latest result of each target
//   GET /probe?target=URL&module=NAME  one check now, answered in blackbox_exporter's format
// It must never be the way to blind the monitor: each connection has a deadline for its
// request, connections past a cap are closed at once, and accept errors (EMFILE) are
// survived with a backoff instead of ending the accept loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace boost::asio::ssl {
class context;
}

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace watchpost {

class AdminServer {
 public:
  // The answer to a request that completes later (/probe). Call once, on the io thread.
  using Reply = std::function<void(unsigned status, std::string body)>;
  struct Handlers {
    std::function<std::string()> status_json;
    std::function<bool()> draining;
    std::function<std::string()> target_metrics;  // per-target series appended to /metrics
    // /probe: the query string and the X-Prometheus-Scrape-Timeout-Seconds header (may be
    // empty). Unset: /probe is 404.
    std::function<void(std::string_view query, std::string_view scrape_timeout, Reply reply)> probe;
  };
  struct Options {
    std::string listen;  // "host:port"; a missing host means 127.0.0.1; port 0 picks a free one
    std::string token;   // when set, /metrics and /status need "Authorization: Bearer TOKEN"
    std::string tls_cert, tls_key;  // PEM files: serve HTTPS instead of HTTP
    size_t max_connections = 64;
    std::chrono::milliseconds request_timeout{5000};
  };
  // Throws on a bad address or a busy port.
  AdminServer(boost::asio::io_context& io, Options options, Handlers handlers);
  ~AdminServer();
  uint16_t port() const;
  void stop();

 private:
  void accept();
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::chrono::milliseconds backoff_delay_{0};
  Options options_;
  Handlers handlers_;
  std::shared_ptr<size_t> open_;  // sessions alive; shared with them so a session may outlive us
};

}  // namespace watchpost
