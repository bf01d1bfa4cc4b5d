// TLS client contexts shared by every target with the same trust settings. Loading a CA
// bundle parses every certificate in it (~60 ms of CPU for Debian's); doing it once per
// settings instead of once per check is what keeps a TLS check as cheap as its handshake.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace watchpost::tls {

struct ClientSettings {
  bool verify = true;
  std::string ca_file;      // empty: the system's trust store
  std::string min_version;  // "", "1.0", "1.1", "1.2", "1.3": older handshakes fail
};

// The context for these settings, made on first use and shared while anyone holds it.
// Throws std::runtime_error when the CAs cannot be loaded (a missing or unreadable file).
std::shared_ptr<boost::asio::ssl::context> client_context(const ClientSettings& settings);

// "1.2" → TLS1_2_VERSION; 0 for "" ; -1 for anything else.
int protocol_version(const std::string& text);

}  // namespace watchpost::tls
