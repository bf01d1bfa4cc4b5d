#include "server_socket.hpp"

#include <boost/asio/ssl/context.hpp>

#include <stdexcept>

namespace watchpost {

namespace asio = boost::asio;

std::unique_ptr<asio::ssl::context> server_tls_context(const std::string& cert, const std::string& key,
                                                       const std::string& who, const std::string& cert_name,
                                                       const std::string& key_name) {
  if (cert.empty() != key.empty())
    throw std::runtime_error(who + ": " + cert_name + " and " + key_name + " go together: give both PEM files, or neither");
  if (cert.empty()) return nullptr;
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  tls->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  tls->use_certificate_chain_file(cert, ec);
  if (ec) throw std::runtime_error(who + ": cannot use " + cert_name + " " + cert + ": " + ec.message());
  tls->use_private_key_file(key, asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error(who + ": cannot use " + key_name + " " + key + ": " + ec.message());
  return tls;
}

ListenAddress listen_at(asio::ip::tcp::acceptor& acceptor, const std::string& listen, int backlog, const std::string& who) {
  ListenAddress where;
  std::string bad = parse_listen_address(listen, where);
  if (!bad.empty()) throw std::runtime_error(who + " listen: " + bad);
  asio::ip::tcp::endpoint ep{asio::ip::make_address(where.host), where.port};
  boost::system::error_code ec;
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(backlog, ec);
  if (ec) throw std::runtime_error(who + " cannot listen on " + listen + ": " + ec.message());
  return where;
}

}  // namespace watchpost
