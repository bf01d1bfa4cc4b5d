#include "tcp_probe.hpp"

#include "peer_certificates.hpp"
#include "probe_loop.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <openssl/x509.h>

#include <array>
#include <chrono>

namespace watchpost::tcp {

namespace asio = boost::asio;
using tcp_socket = asio::ip::tcp::socket;
using probe_loop::Clock;
using probe_loop::us_since;

// One check in flight.
struct Flight final : probe_loop::Flight {
  Flight(asio::io_context& io, const TcpTarget& t, uint32_t timeout_ms, Completion d)
      : probe_loop::Flight(std::move(d), timeout_ms), target(t), resolver(io), socket(io), timer(io) {}
  void close() override {
    boost::system::error_code ignored;
    timer.cancel();
    resolver.cancel();
    socket.close(ignored);
    report.bytes_received = answer.size();
  }
  TcpTarget target;  // a copy: the target may be removed (a reload) while the check runs
  asio::ip::tcp::resolver resolver;
  tcp_socket socket;
  std::unique_ptr<asio::ssl::stream<tcp_socket&>> tls;
  asio::steady_timer timer;
  std::string answer;
  std::array<char, 4096> buf{};
};

struct TcpProbe::Impl {
  probe_loop::Loop loop;

  void finish(const std::shared_ptr<Flight>& f, int32_t outcome, int32_t kind, const std::string& message) {
    if (outcome == WP_OUTCOME_UP) loop.up(f);
    else loop.fail(f, kind, message);
  }

  void begin(const std::shared_ptr<Flight>& f) {
    f->timer.expires_after(std::chrono::milliseconds(f->timeout_ms));
    f->timer.async_wait([this, f](const boost::system::error_code& ec) {
      if (ec) return;
      bool resolved = f->report.dns_us >= 0;
      finish(f, WP_OUTCOME_DOWN, resolved ? WP_ERR_TIMEOUT : WP_ERR_DNS,
             std::string("no ") + (!resolved ? "name resolution" : f->report.connect_us < 0 ? "connection"
                                                                  : f->target.tls && f->report.tls_us < 0 ? "TLS handshake"
                                                                  : "expected answer") +
                 " within " + std::to_string(f->timeout_ms) + " ms");
    });
    f->resolver.async_resolve(f->target.host, f->target.port,
                              [this, f](const boost::system::error_code& ec, asio::ip::tcp::resolver::results_type r) {
                                if (f->reported) return;
                                if (ec) return finish(f, WP_OUTCOME_DOWN, WP_ERR_DNS, "cannot resolve " + f->target.host + ": " + ec.message());
                                f->report.dns_us = us_since(f->phase);
                                f->phase = Clock::now();
                                connect(f, r);
                              });
  }

  void connect(const std::shared_ptr<Flight>& f, const asio::ip::tcp::resolver::results_type& r) {
    asio::async_connect(f->socket, r, [this, f](const boost::system::error_code& ec, const asio::ip::tcp::endpoint& ep) {
      if (f->reported) return;
      if (ec) {
        // No descriptor for a socket is this process's fault, not the site's.
        bool ours = ec == boost::system::errc::too_many_files_open || ec == boost::system::errc::too_many_files_open_in_system;
        return finish(f, WP_OUTCOME_DOWN, ours ? WP_ERR_PROBE : WP_ERR_CONNECT, "connect: " + ec.message());
      }
      f->report.connect_us = us_since(f->phase);
      f->phase = Clock::now();
      f->report.resolved_ip = ep.address().to_string();
      f->report.ip_family = ep.address().is_v6() ? 6 : 4;
      if (f->target.tls) return handshake(f);
      converse(f);
    });
  }

  void handshake(const std::shared_ptr<Flight>& f) {
    f->tls = std::make_unique<asio::ssl::stream<tcp_socket&>>(f->socket, *f->target.tls_ctx);
    SSL_set_tlsext_host_name(f->tls->native_handle(), f->target.server_name.c_str());
    if (f->target.tls_verify) {
      SSL_set_hostflags(f->tls->native_handle(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      // An IP address is checked against the certificate's IP entries, a name against its DNS ones.
      boost::system::error_code not_ip;
      asio::ip::make_address(f->target.server_name, not_ip);
      X509_VERIFY_PARAM* param = SSL_get0_param(f->tls->native_handle());
      if (not_ip) X509_VERIFY_PARAM_set1_host(param, f->target.server_name.c_str(), 0);
      else X509_VERIFY_PARAM_set1_ip_asc(param, f->target.server_name.c_str());
    }
    f->tls->async_handshake(asio::ssl::stream_base::client, [this, f](const boost::system::error_code& ec) {
      if (f->reported) return;
      if (ec) return finish(f, WP_OUTCOME_DOWN, WP_ERR_TLS, "TLS handshake: " + ec.message());
      f->report.tls_us = us_since(f->phase);
      f->phase = Clock::now();
      auto peer = tls::read_peer_certificates(f->tls->native_handle());
      f->report.tls_days_left = peer.leaf_days_left;
      f->report.tls_earliest_expiry_us = peer.earliest_expiry_us;
      converse(f);
    });
  }

  // Sends `send` if any, then reads until `expect` shows (or, without `expect`, is done).
  void converse(const std::shared_ptr<Flight>& f) {
    if (!f->target.send.empty()) {
      auto sent = [this, f](const boost::system::error_code& ec, size_t) {
        if (f->reported) return;
        if (ec) return finish(f, WP_OUTCOME_DOWN, WP_ERR_RECV, "send: " + ec.message());
        read_on(f);
      };
      if (f->tls) asio::async_write(*f->tls, asio::buffer(f->target.send), sent);
      else asio::async_write(f->socket, asio::buffer(f->target.send), sent);
      return;
    }
    read_on(f);
  }

  void read_on(const std::shared_ptr<Flight>& f) {
    if (f->target.expect.empty()) return finish(f, WP_OUTCOME_UP, WP_ERR_NONE, "");
    auto got = [this, f](const boost::system::error_code& ec, size_t n) {
      if (f->reported) return;
      if (n > 0 && f->report.first_byte_us < 0) f->report.first_byte_us = us_since(f->phase);
      f->answer.append(f->buf.data(), std::min(n, f->target.max_read - std::min(f->target.max_read, f->answer.size())));
      if (f->answer.find(f->target.expect) != std::string::npos) return finish(f, WP_OUTCOME_UP, WP_ERR_NONE, "");
      if (ec || f->answer.size() >= f->target.max_read) {
        std::string why = ec ? (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ? "the peer closed"
                                                                                                    : ec.message())
                             : "read " + std::to_string(f->answer.size()) + " bytes";
        return finish(f, WP_OUTCOME_DOWN, WP_ERR_BODY_MISMATCH,
                      "the answer lacks the expected text (" + why + " without it)");
      }
      read_on(f);
    };
    if (f->tls) f->tls->async_read_some(asio::buffer(f->buf), got);
    else f->socket.async_read_some(asio::buffer(f->buf), got);
  }
};

TcpProbe::TcpProbe(const Host&) : impl_(std::make_unique<Impl>()) {}
TcpProbe::~TcpProbe() = default;

void TcpProbe::start(ProbeTarget& target, const Check& check, Completion done) {
  auto f = std::make_shared<Flight>(impl_->loop.io(), static_cast<TcpTarget&>(target), check.timeout_ms, std::move(done));
  impl_->loop.start(f, [impl = impl_.get(), f] { impl->begin(f); });
}

}  // namespace watchpost::tcp
