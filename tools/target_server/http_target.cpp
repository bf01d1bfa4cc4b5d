#include "http_target.hpp"

#include "self_signed.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <thread>

namespace watchpost::target {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpTarget::Impl {
  Options options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::ssl::context ssl{asio::ssl::context::tls_server};
  std::string cert_pem;
  std::atomic<uint64_t> requests{0};
  std::thread accept_thread;
  std::atomic<unsigned> switch_status{200}, hook_status{200};
  mutable std::mutex record_mu;
  std::map<std::string, uint64_t> per_path;
  std::vector<std::string> hook_bodies;
  std::vector<HttpTarget::Request> echoes;

  std::mutex mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  struct Conn {
    tcp::socket socket;
    std::thread thread;
    int fd = -1;  // guarded by mu: -1 once closed, so shutdown never hits a reused descriptor
  };

  void close_socket(Conn& c) {
    std::lock_guard<std::mutex> lock(mu);
    c.fd = -1;
    boost::system::error_code ignored;
    c.socket.close(ignored);
  }
  std::list<Conn> conns;

  // Waits up to `ms`, or less if the server is stopping. Returns false when stopping.
  bool pause(int64_t ms) {
    std::unique_lock<std::mutex> lock(mu);
    return !stop_cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping; });
  }

  template <class Stream>
  void raw(Stream& s, const std::string& bytes) {
    asio::write(s, asio::buffer(bytes));
  }

  template <class Stream>
  bool respond(Stream& s, const http::request<http::string_body>& req, unsigned status, std::string body,
               const std::string& location = "", const char* content_type = "text/plain") {
    http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
    res.set(http::field::server, "watchpost-target");
    res.set(http::field::content_type, content_type);
    if (!location.empty()) res.set(http::field::location, location);
    res.keep_alive(req.keep_alive());
    size_t n = body.size();
    if (req.method() != http::verb::head) res.body() = std::move(body);
    res.content_length(n);
    http::write(s, res);
    return req.keep_alive();
  }

  // Returns whether the connection stays open.
  template <class Stream>
  bool handle(Stream& s, Conn& conn, const http::request<http::string_body>& req) {
    std::string path(req.target());
    path.resize(std::min(path.size(), path.find('?')));  // routed by path, as servers do; the query is ignored
    auto arg = [&](size_t prefix) { return std::stoll(path.substr(prefix)); };
    try {
      if (path == "/") return respond(s, req, 200, "ok watchpost target\n");
      if (path.rfind("/status/", 0) == 0) {
        unsigned code = static_cast<unsigned>(arg(8));
        return respond(s, req, code, "status " + std::to_string(code) + "\n");
      }
      if (path.rfind("/delay/", 0) == 0) {
        if (!pause(arg(7))) return false;
        return respond(s, req, 200, "slow answer\n");
      }
      if (path.rfind("/redirect/", 0) == 0) {
        long long n = arg(10);
        if (n <= 0) return respond(s, req, 200, "landed\n");
        return respond(s, req, 302, "", "/redirect/" + std::to_string(n - 1));
      }
      if (path.rfind("/body/", 0) == 0) return respond(s, req, 200, std::string(static_cast<size_t>(arg(6)), 'x'));
      if (path.rfind("/text/", 0) == 0) return respond(s, req, 200, "hello " + path.substr(6) + " world\n");
      if (path.rfind("/script/", 0) == 0) {
        std::string seq = path.substr(8);
        uint64_t n;
        {
          std::lock_guard<std::mutex> lock(record_mu);
          n = per_path[path] - 1;  // counted as it came in
        }
        char c = seq.empty() ? 'U' : seq[std::min<size_t>(n, seq.size() - 1)];
        return respond(s, req, c == 'D' ? 503 : 200, c == 'D' ? "scripted down\n" : "ok (scripted up)\n");
      }
      if (path == "/switch") {
        unsigned code = switch_status;
        return respond(s, req, code, "switch " + std::to_string(code) + "\n");
      }
      if (path == "/hook") {
        unsigned code = hook_status;
        if (code >= 200 && code < 300) {
          std::lock_guard<std::mutex> lock(record_mu);
          hook_bodies.push_back(req.body());
          if (options.on_hook) options.on_hook(req.body());
        }
        return respond(s, req, code, "hook " + std::to_string(code) + "\n");
      }
      if (path == "/json")
        return respond(s, req, 200, R"({"status": "UP", "items": [1, 2, 3], "db": {"ok": true, "latency_ms": 12}})", "",
                       "application/json");
      if (path == "/echo") {
        HttpTarget::Request r;
        r.method = std::string(req.method_string());
        std::string text = r.method + " " + std::string(req.target()) + "\n";
        for (auto& field : req) {
          std::string name(field.name_string());
          for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          r.headers.emplace_back(name, std::string(field.value()));
          text += name + ": " + std::string(field.value()) + "\n";
        }
        r.body = req.body();
        text += "\n" + r.body;
        {
          std::lock_guard<std::mutex> lock(record_mu);
          echoes.push_back(std::move(r));
        }
        return respond(s, req, 200, text);
      }
      if (path.rfind("/fail-for/", 0) == 0) {
        std::string agent(req[http::field::user_agent]);
        std::string names = path.substr(10) + ",";
        for (size_t at = 0, comma; (comma = names.find(',', at)) != std::string::npos; at = comma + 1)
          if (comma > at && agent.find(names.substr(at, comma - at)) != std::string::npos)
            return respond(s, req, 503, "failing for " + agent + "\n");
        return respond(s, req, 200, "fine for " + agent + "\n");
      }
      if (path.rfind("/chunked/", 0) == 0) {
        size_t n = static_cast<size_t>(arg(9));
        raw(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (size_t sent = 0; sent < n;) {
          size_t chunk = std::min<size_t>(4096, n - sent);
          char head[32];
          std::snprintf(head, sizeof head, "%zx\r\n", chunk);
          raw(s, head + std::string(chunk, 'c') + "\r\n");
          sent += chunk;
        }
        raw(s, "0\r\n\r\n");
        return false;
      }
      if (path.rfind("/drip/", 0) == 0) {
        size_t slash = path.find('/', 6);
        long long n = std::stoll(path.substr(6, slash - 6)), every = std::stoll(path.substr(slash + 1));
        raw(s, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(n) + "\r\nConnection: close\r\n\r\n");
        for (long long i = 0; i < n; ++i) {
          if (!pause(every)) return false;
          raw(s, "d");
        }
        return false;
      }
      if (path == "/reset") {
        raw(s, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + std::string(1000, 'r'));
        linger l{1, 0};  // close with RST, as a crashing server would
        setsockopt(conn.socket.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close_socket(conn);
        return false;
      }
      if (path.rfind("/hugeheader/", 0) == 0) {  // one header line of N bytes
        raw(s, "HTTP/1.1 200 OK\r\nX-Huge: " + std::string(static_cast<size_t>(arg(12)), 'h') +
                   "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return false;
      }
      if (path == "/close") {
        close_socket(conn);
        return false;
      }
      return respond(s, req, 404, "no such path\n");
    } catch (const std::logic_error&) {  // std::stoll on a malformed path
      return respond(s, req, 400, "bad path\n");
    }
  }

  template <class Stream>
  void serve(Stream& s, Conn& conn) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::beast::error_code ec;
      http::read(s, buffer, req, ec);
      if (ec) return;
      ++requests;
      {
        std::string path(req.target());
        path.resize(std::min(path.size(), path.find('?')));
        std::lock_guard<std::mutex> lock(record_mu);
        ++per_path[path];
      }
      if (!handle(s, conn, req)) return;
    }
  }

  void connection(Conn& conn) {
    try {
      if (options.tls) {
        asio::ssl::stream<tcp::socket&> tls(conn.socket, ssl);
        tls.handshake(asio::ssl::stream_base::server);
        serve(tls, conn);
      } else {
        serve(conn.socket, conn);
      }
    } catch (const std::exception&) {
      // The client went away or the handshake failed: normal for a test target.
    }
    close_socket(conn);
  }

  void accept_next() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket sock) {
      if (ec) return;
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      int fd = sock.native_handle();
      conns.push_back(Conn{std::move(sock), {}, fd});
      Conn& c = conns.back();
      c.thread = std::thread([this, &c] { connection(c); });
      accept_next();
    });
  }
};

HttpTarget::HttpTarget(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  if (options.tls) {
    CertificatePair pair = make_self_signed(options.valid_days);
    impl_->cert_pem = pair.cert_pem;
    impl_->ssl.use_certificate_chain(asio::buffer(pair.cert_pem));
    impl_->ssl.use_private_key(asio::buffer(pair.key_pem), asio::ssl::context::pem);
  }
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), options.port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen(1024);
  impl_->accept_next();
  impl_->accept_thread = std::thread([this] { impl_->io.run(); });
}

HttpTarget::~HttpTarget() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
    // Wake blocked reads: shutdown() on the descriptor is safe while another thread reads it.
    for (auto& c : impl_->conns)
      if (c.fd >= 0) ::shutdown(c.fd, SHUT_RDWR);
  }
  impl_->stop_cv.notify_all();
  asio::post(impl_->io, [this] { impl_->acceptor.close(); });
  impl_->accept_thread.join();
  for (auto& c : impl_->conns)
    if (c.thread.joinable()) c.thread.join();
}

uint16_t HttpTarget::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string HttpTarget::url(const std::string& path) const {
  return std::string(impl_->options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) + path;
}

const std::string& HttpTarget::certificate_pem() const { return impl_->cert_pem; }
uint64_t HttpTarget::requests() const { return impl_->requests; }

uint64_t HttpTarget::requests_to(const std::string& path) const {
  std::lock_guard<std::mutex> lock(impl_->record_mu);
  auto it = impl_->per_path.find(path);
  return it == impl_->per_path.end() ? 0 : it->second;
}

void HttpTarget::set_switch(unsigned status) { impl_->switch_status = status; }
void HttpTarget::set_hook_status(unsigned status) { impl_->hook_status = status; }

std::vector<HttpTarget::Request> HttpTarget::echoed() const {
  std::lock_guard<std::mutex> lock(impl_->record_mu);
  return impl_->echoes;
}

std::vector<std::string> HttpTarget::received() const {
  std::lock_guard<std::mutex> lock(impl_->record_mu);
  return impl_->hook_bodies;
}

}  // namespace watchpost::target
