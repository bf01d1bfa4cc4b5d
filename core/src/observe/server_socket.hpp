// What the HTTP servers of watchpost (the admin endpoint, the REST API) share when they start:
// a TLS context from PEM files, and a listening socket at a "host:port" from a config.
#pragma once

#include "listen_address.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace watchpost {

// Null when both files are empty; throws std::runtime_error naming `who` and the flag names
// (`cert_name`, `key_name`) when only one is given or a file cannot be used. TLS 1.2 or later.
std::unique_ptr<boost::asio::ssl::context> server_tls_context(const std::string& cert, const std::string& key,
                                                              const std::string& who, const std::string& cert_name,
                                                              const std::string& key_name);

// Opens, binds and listens; throws std::runtime_error naming `who`. Returns the parsed address.
ListenAddress listen_at(boost::asio::ip::tcp::acceptor& acceptor, const std::string& listen, int backlog,
                        const std::string& who);

}  // namespace watchpost
