#include "admin_server.hpp"

#include "observe/health.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"
#include "listen_address.hpp"
#include "server_socket.hpp"
#include "utc_text.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <ctime>
#include <stdexcept>
#include <type_traits>

namespace watchpost {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool same_secret(std::string_view a, std::string_view b) {
  // Compares every byte, so the time taken does not tell how much of a guess was right.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

std::string utc(std::chrono::system_clock::time_point t) {
  return utc_text(static_cast<int64_t>(std::chrono::system_clock::to_time_t(t)));
}

using Response = http::response<http::string_body>;

std::shared_ptr<Response> answer(const http::request<http::string_body>& request, const AdminServer::Options& options,
                                 const AdminServer::Handlers& handlers) {
  auto res = std::make_shared<Response>(http::status::ok, request.version());
  res->set(http::field::server, "watchpost");
  res->keep_alive(false);
  std::string target(request.target());
  if (target.find('?') != std::string::npos) target.resize(target.find('?'));
  bool needs_token = target == "/metrics" || target == "/status" || target == "/probe";
  auto auth_field = request[http::field::authorization];
  std::string_view auth(auth_field.data(), auth_field.size());
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    res->result(http::status::method_not_allowed);
    res->body() = "GET only\n";
  } else if (needs_token && !options.token.empty() &&
             !(auth.substr(0, 7) == "Bearer " && same_secret(auth.substr(7), options.token))) {
    res->result(http::status::unauthorized);
    res->set(http::field::www_authenticate, "Bearer");
    res->body() = "a token is needed: Authorization: Bearer TOKEN\n";
  } else if (target == "/metrics") {
    res->set(http::field::content_type, "text/plain; version=0.0.4");
    res->body() = metrics().render_prometheus();
    if (handlers.target_metrics) res->body() += handlers.target_metrics();
  } else if (target == "/healthz") {
    auto conditions = health().conditions();
    bool draining = handlers.draining && handlers.draining();
    if (draining) {
      res->result(http::status::service_unavailable);
      res->body() = "draining\n";
    } else if (!conditions.empty()) {
      res->result(http::status::service_unavailable);
      res->body() = "degraded\n";
      for (auto& c : conditions) res->body() += "- " + c.key + ": " + c.text + " (since " + utc(c.since) + ")\n";
    } else {
      res->body() = "ok\n";
    }
  } else if (target == "/status") {
    res->set(http::field::content_type, "application/json");
    res->body() = handlers.status_json ? handlers.status_json() : "{}";
  } else if (target == "/probe" && handlers.probe) {
    // answered later by the session, when the check is done
  } else {
    res->result(http::status::not_found);
    res->body() = handlers.probe ? "try /metrics, /healthz, /status or /probe?target=URL&module=NAME\n"
                                 : "try /metrics, /healthz or /status\n";
  }
  res->prepare_payload();
  return res;
}

// One request, one answer, then the connection closes: scrapers and probes need no more.
// `Stream` is a plain TCP stream or a TLS stream over one.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Tls>
  Session(tcp::socket socket, const AdminServer::Options& options, const AdminServer::Handlers& handlers,
          std::shared_ptr<size_t> open, Tls&... tls)
      : stream_(std::move(socket), tls...), options_(options), handlers_(handlers), open_(std::move(open)) {
    // Under a crowd of connections each gets less time, so idle ones make way sooner.
    timeout_ = *open_ * 2 >= options_.max_connections ? std::min(options_.request_timeout, std::chrono::milliseconds(1000))
                                                       : options_.request_timeout;
    ++*open_;
  }
  ~Session() { --*open_; }

  void run() {
    parser_.header_limit(16 << 10);
    parser_.body_limit(16 << 10);
    // The handshake and the whole request must arrive within the deadline: a client that says
    // nothing, or half a header, is cut off instead of holding a descriptor forever.
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    auto self = this->shared_from_this();
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
        if (!ec) self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    auto self = this->shared_from_this();
    http::async_read(stream_, buffer_, parser_, [self](beast::error_code ec, size_t) {
      if (!ec) self->reply();
    });
  }

  void reply() {
    auto& request = parser_.get();
    std::string_view target(request.target().data(), request.target().size());
    auto res = answer(request, options_, handlers_);
    // /probe answers when its check is done; the check's own timeout bounds the wait.
    if (res->result() == http::status::ok && handlers_.probe && target.substr(0, target.find('?')) == "/probe") {
      beast::get_lowest_layer(stream_).expires_never();
      auto self = this->shared_from_this();
      auto query = target.find('?') == std::string_view::npos ? std::string_view() : target.substr(target.find('?') + 1);
      auto scrape = request["X-Prometheus-Scrape-Timeout-Seconds"];
      handlers_.probe(query, std::string_view(scrape.data(), scrape.size()),
                      [self, version = request.version()](unsigned status, std::string body) {
                        auto late = std::make_shared<Response>(static_cast<http::status>(status), version);
                        late->set(http::field::server, "watchpost");
                        late->set(http::field::content_type, status == 200 ? "text/plain; version=0.0.4" : "text/plain");
                        late->keep_alive(false);
                        late->body() = std::move(body);
                        late->prepare_payload();
                        self->write(std::move(late));
                      });
      return;
    }
    write(std::move(res));
  }

  void write(std::shared_ptr<Response> res) {
    auto self = this->shared_from_this();
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    http::async_write(stream_, *res, [self, res](beast::error_code, size_t) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  Stream stream_;
  const AdminServer::Options& options_;
  const AdminServer::Handlers& handlers_;
  std::shared_ptr<size_t> open_;
  std::chrono::milliseconds timeout_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
};

}  // namespace

AdminServer::AdminServer(asio::io_context& io, Options options, Handlers handlers)
    : acceptor_(io), backoff_(io), options_(std::move(options)), handlers_(std::move(handlers)),
      open_(std::make_shared<size_t>(0)) {
  tls_ = server_tls_context(options_.tls_cert, options_.tls_key, "admin", "tls_cert", "tls_key");
  ListenAddress where = listen_at(acceptor_, options_.listen, 64, "admin endpoint");
  auto ep = acceptor_.local_endpoint();
  log::info("admin", std::string("serving /metrics, /healthz and /status on ") + (tls_ ? "https://" : "http://") +
                         ep.address().to_string() + ":" + std::to_string(port()));
  if (!where.loopback && options_.token.empty())
    log::warn("admin", "the admin endpoint listens on " + ep.address().to_string() +
                           ", beyond this machine, with no token: anyone who can reach it reads /metrics and "
                           "/status (set admin.token, or listen on 127.0.0.1)");
  else if (!where.loopback && !tls_)
    log::warn("admin", "the admin endpoint listens on " + ep.address().to_string() +
                           " without TLS: its token crosses the network in clear text (set admin.tls_cert and "
                           "admin.tls_key)");
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
  backoff_.cancel();
}

void AdminServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
    if (ec) {
      // Out of descriptors, most likely: wait and try again; never stop accepting for good.
      metrics().add("watchpost_admin_accept_errors_total");
      if (backoff_delay_.count() == 0) {
        log::error("admin", "cannot accept connections: " + ec.message() + "; trying again with a backoff");
        health().set("admin endpoint", "cannot accept connections: " + ec.message());
      }
      backoff_delay_ = std::min(std::chrono::milliseconds(1000), std::max(std::chrono::milliseconds(50), backoff_delay_ * 2));
      backoff_.expires_after(backoff_delay_);
      backoff_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    if (backoff_delay_.count() != 0) {
      log::info("admin", "accepting connections again");
      health().clear("admin endpoint");
      backoff_delay_ = std::chrono::milliseconds(0);
    }
    if (*open_ >= options_.max_connections) {
      metrics().add("watchpost_admin_rejected_connections_total");
      boost::system::error_code ignored;
      socket.close(ignored);  // over the cap: closed at once, the descriptor freed
    } else {
      if (tls_)
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), options_, handlers_, open_,
                                                                       *tls_)
            ->run();
      else
        std::make_shared<Session<beast::tcp_stream>>(std::move(socket), options_, handlers_, open_)->run();
    }
    accept();
  });
}

}  // namespace watchpost
