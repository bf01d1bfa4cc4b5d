#include "api_server.hpp"

#include "problem.hpp"

#include "observe/listen_address.hpp"
#include "observe/server_socket.hpp"
#include "observe/log.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <cctype>
#include <map>
#include <optional>

namespace watchpost::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// "a=1&b=two%20words" → {a: 1, b: two words}
std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  auto decode = [](std::string_view s) {
    std::string r;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') r += ' ';
      else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        r += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else r += s[i];
    }
    return r;
  };
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    size_t eq = part.find('=');
    if (!part.empty()) out[decode(part.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

struct ApiServer::Impl {
  Options options;
  Handle handle;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::unique_ptr<asio::ssl::context> tls;
  std::atomic<size_t> open{0};
  std::vector<std::thread> threads;

  void accept();
};

namespace {

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  template <class... Tls>
  Session(tcp::socket socket, ApiServer::Impl& server, Tls&... tls)
      : stream_(std::move(socket), tls...), server_(server) {
    ++server_.open;
    boost::system::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    peer_ = ec ? "?" : ep.address().to_string();
  }
  ~Session() { --server_.open; }

  void run() {
    beast::get_lowest_layer(stream_).expires_after(server_.options.request_timeout);
    auto self = this->shared_from_this();
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
        if (!ec) self->read(true);
      });
    } else {
      read(true);
    }
  }

 private:
  void read(bool first) {
    parser_.emplace();
    parser_->header_limit(16 << 10);
    parser_->body_limit(server_.options.max_body_bytes);
    // The first request must come within the request deadline; later ones within the idle one.
    beast::get_lowest_layer(stream_).expires_after(first ? server_.options.request_timeout : server_.options.idle_timeout);
    auto self = this->shared_from_this();
    // Once a header has arrived, the rest of the request has the request deadline.
    http::async_read_header(stream_, buffer_, *parser_, [self](beast::error_code ec, size_t) {
      if (ec) return self->fail(ec);
      beast::get_lowest_layer(self->stream_).expires_after(self->server_.options.request_timeout);
      http::async_read(self->stream_, self->buffer_, *self->parser_, [self](beast::error_code ec, size_t) {
        if (ec) return self->fail(ec);
        self->serve();
      });
    });
  }

  void fail(beast::error_code ec) {
    if (ec == http::error::body_limit)
      write(problem_response(413, "the body is larger than " + std::to_string(server_.options.max_body_bytes) + " bytes"),
            false);
    // Anything else (a timeout, a closed connection, a malformed request): the connection ends.
  }

  void serve() {
    auto& req = parser_->get();
    ApiRequest r;
    r.method = std::string(req.method_string());
    std::string_view target(req.target().data(), req.target().size());
    size_t q = target.find('?');
    r.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) r.query = parse_query(target.substr(q + 1));
    r.body = std::move(req.body());
    r.authorization = std::string(req[http::field::authorization]);
    r.content_type = std::string(req[http::field::content_type]);
    r.peer = peer_;
    ApiResponse res = server_.handle(r);
    write(res, req.keep_alive());
  }

  void write(const ApiResponse& r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "watchpost");
    if (!r.body.empty()) res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = r.body;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    auto self = this->shared_from_this();
    beast::get_lowest_layer(stream_).expires_after(server_.options.request_timeout);
    http::async_write(stream_, *res, [self, res](beast::error_code ec, size_t) {
      if (ec) return;
      if (res->keep_alive()) return self->read(false);
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  Stream stream_;
  ApiServer::Impl& server_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

void ApiServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) {
      if (open >= options.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);  // over the cap: closed at once rather than queued
      } else if (tls) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *this, *tls)->run();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(std::move(socket), *this)->run();
      }
    }
    accept();
  });
}

ApiServer::ApiServer(Options options, Handle handle) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handle = std::move(handle);
  auto& o = impl_->options;
  impl_->tls = server_tls_context(o.tls_cert, o.tls_key, "serve", "--tls-cert", "--tls-key");
  ListenAddress where = listen_at(impl_->acceptor, o.listen, 128, "serve");
  auto ep = impl_->acceptor.local_endpoint();
  if (!where.loopback && !impl_->tls)
    log::warn("api", "listening on " + ep.address().to_string() +
                         " beyond this machine without TLS: passwords and tokens cross the network in clear text "
                         "(give --tls-cert and --tls-key, or put a TLS proxy in front)");
  impl_->accept();
}

ApiServer::~ApiServer() {
  stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
}

uint16_t ApiServer::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

bool ApiServer::tls() const { return impl_->tls != nullptr; }

void ApiServer::run() {
  for (size_t i = 1; i < impl_->options.threads; ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

void ApiServer::stop() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
}

}  // namespace watchpost::api
