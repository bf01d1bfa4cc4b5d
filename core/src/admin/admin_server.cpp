#include "admin_server.hpp"

#include "../log.hpp"
#include "../metrics.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

namespace watchpost {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// One request, one answer, then the connection closes: scrapers and probes need no more.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const AdminServer::Handlers& handlers) : socket_(std::move(socket)), handlers_(handlers) {}

  void run() {
    auto self = shared_from_this();
    http::async_read(socket_, buffer_, request_, [self](boost::beast::error_code ec, size_t) {
      if (!ec) self->answer();
    });
  }

 private:
  void answer() {
    auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, request_.version());
    res->set(http::field::server, "watchpost");
    res->keep_alive(false);
    std::string target(request_.target());
    if (target.find('?') != std::string::npos) target.resize(target.find('?'));
    if (request_.method() != http::verb::get && request_.method() != http::verb::head) {
      res->result(http::status::method_not_allowed);
      res->body() = "GET only\n";
    } else if (target == "/metrics") {
      res->set(http::field::content_type, "text/plain; version=0.0.4");
      res->body() = metrics().render_prometheus();
    } else if (target == "/healthz") {
      bool ok = !handlers_.healthy || handlers_.healthy();
      res->result(ok ? http::status::ok : http::status::service_unavailable);
      res->body() = ok ? "ok\n" : "draining\n";
    } else if (target == "/status") {
      res->set(http::field::content_type, "application/json");
      res->body() = handlers_.status_json ? handlers_.status_json() : "{}";
    } else {
      res->result(http::status::not_found);
      res->body() = "try /metrics, /healthz or /status\n";
    }
    res->prepare_payload();
    auto self = shared_from_this();
    http::async_write(socket_, *res, [self, res](boost::beast::error_code, size_t) {
      boost::system::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  tcp::socket socket_;
  const AdminServer::Handlers& handlers_;
  boost::beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

tcp::endpoint parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("admin listen '" + listen + "' must be host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) throw std::runtime_error("admin listen '" + listen + "': '" + host + "' is not an IP address");
  int port = std::atoi(listen.c_str() + colon + 1);
  if (port < 0 || port > 65535) throw std::runtime_error("admin listen '" + listen + "': bad port");
  return {address, static_cast<uint16_t>(port)};
}

}  // namespace

AdminServer::AdminServer(asio::io_context& io, const std::string& listen, Handlers handlers)
    : acceptor_(io), handlers_(std::move(handlers)) {
  tcp::endpoint ep = parse_listen(listen);
  boost::system::error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(64, ec);
  if (ec) throw std::runtime_error("admin endpoint cannot listen on " + listen + ": " + ec.message());
  log::info("admin", "serving /metrics, /healthz and /status on " + ep.address().to_string() + ":" +
                         std::to_string(port()));
  accept();
}

AdminServer::~AdminServer() { stop(); }

uint16_t AdminServer::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void AdminServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void AdminServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed
    std::make_shared<Session>(std::move(socket), handlers_)->run();
    accept();
  });
}

}  // namespace watchpost
