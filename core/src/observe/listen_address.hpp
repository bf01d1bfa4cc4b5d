// "host:port" as written in the config, checked without starting anything (validate uses it).
#pragma once

#include <cstdint>
#include <string>

namespace watchpost {

struct ListenAddress {
  std::string host;  // an IP address; 127.0.0.1 when the text gave none (":9100")
  uint16_t port = 0;
  bool loopback = true;
};

// Returns an error message (empty on success) saying what to write instead.
std::string parse_listen_address(const std::string& text, ListenAddress& out);

}  // namespace watchpost
