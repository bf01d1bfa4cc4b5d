#include "client_context.hpp"

#include <boost/asio/ssl/context.hpp>

#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>

namespace watchpost::tls {

int protocol_version(const std::string& text) {
  if (text.empty()) return 0;
  if (text == "1.0") return TLS1_VERSION;
  if (text == "1.1") return TLS1_1_VERSION;
  if (text == "1.2") return TLS1_2_VERSION;
  if (text == "1.3") return TLS1_3_VERSION;
  return -1;
}

std::shared_ptr<boost::asio::ssl::context> client_context(const ClientSettings& s) {
  namespace ssl = boost::asio::ssl;
  using Key = std::tuple<bool, std::string, std::string>;
  static std::mutex mu;
  static std::map<Key, std::weak_ptr<ssl::context>> cache;
  Key key{s.verify, s.verify ? s.ca_file : std::string(), s.min_version};
  std::lock_guard<std::mutex> lock(mu);
  if (auto live = cache[key].lock()) return live;

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  if (s.verify) {
    if (s.ca_file.empty()) ctx->set_default_verify_paths(ec);
    else ctx->load_verify_file(s.ca_file, ec);
    if (ec)
      throw std::runtime_error("cannot load the CAs to verify with" +
                               (s.ca_file.empty() ? std::string() : " from " + s.ca_file) + ": " + ec.message());
    ctx->set_verify_mode(ssl::verify_peer);
  } else {
    ctx->set_verify_mode(ssl::verify_none);
  }
  int min = protocol_version(s.min_version);
  if (min > 0) SSL_CTX_set_min_proto_version(ctx->native_handle(), min);
  // Expired entries are swept when a new context is made: there are as many as settings.
  for (auto it = cache.begin(); it != cache.end();) it = it->second.expired() ? cache.erase(it) : std::next(it);
  cache[key] = ctx;
  return ctx;
}

}  // namespace watchpost::tls
