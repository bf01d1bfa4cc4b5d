// The admin HTTP endpoint (Boost.Beast, on the runtime's io_context):
//   GET /metrics  Prometheus text format
//   GET /healthz  200 "ok" while running, 503 "draining" during shutdown
//   GET /status   JSON: every pipeline and the latest result of each target
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

namespace watchpost {

class AdminServer {
 public:
  struct Handlers {
    std::function<std::string()> status_json;
    std::function<bool()> healthy;
  };
  // `listen` is "host:port" (port 0 picks a free one). Throws on a bad address or a busy port.
  AdminServer(boost::asio::io_context& io, const std::string& listen, Handlers handlers);
  ~AdminServer();
  uint16_t port() const;
  void stop();

 private:
  void accept();
  boost::asio::ip::tcp::acceptor acceptor_;
  Handlers handlers_;
};

}  // namespace watchpost
