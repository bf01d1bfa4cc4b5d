// What a tcp check is told: tcp://HOST:PORT or tls://HOST:PORT, and optionally a line to
// send and text the answer must contain (a banner, a PONG, an HTTP status line).
#pragma once

#include <watchpost/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}
#include <vector>

namespace watchpost::tcp {

struct TcpTarget final : ProbeTarget {
  std::string host, port;
  bool tls = false;
  bool tls_verify = true;
  std::string ca_file;
  std::string server_name;  // SNI and the name the certificate must carry (default: host)
  std::string min_tls_version;  // "1.2": an older handshake fails
  std::shared_ptr<boost::asio::ssl::context> tls_ctx;  // shared by targets with the same trust settings
  std::string send;         // written after connecting (and the handshake), escapes decoded
  std::string expect;       // the answer must contain this, read until found, closed or max_read
  size_t max_read = 64 << 10;
};

const std::vector<wp_option_spec>& tcp_options();
void validate_tcp(const Options& o);  // throws OptionError
std::unique_ptr<TcpTarget> make_tcp_target(const Options& o);

// "tcp://db:5432" → host, port, tls; empty on success, else what is wrong.
std::string parse_address(const std::string& url, std::string& host, std::string& port, bool& tls);
// \r \n \t \\ in option text become the bytes they name (YAML plain scalars keep backslashes).
std::string unescape(const std::string& text);

}  // namespace watchpost::tcp
