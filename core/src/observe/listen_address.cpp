#include "listen_address.hpp"

#include <arpa/inet.h>

namespace watchpost {

std::string parse_listen_address(const std::string& text, ListenAddress& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return "'" + text + "' must be HOST:PORT, e.g. 127.0.0.1:9100";
  std::string host = text.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";  // say 0.0.0.0 to mean every interface
  unsigned char buf[16];
  bool v4 = inet_pton(AF_INET, host.c_str(), buf) == 1;
  bool v6 = !v4 && inet_pton(AF_INET6, host.c_str(), buf) == 1;
  if (!v4 && !v6) return "'" + host + "' is not an IP address (write 127.0.0.1, 0.0.0.0 or [::1])";
  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    return "the port in '" + text + "' must be a number from 0 to 65535";
  out.host = host;
  out.port = static_cast<uint16_t>(std::stoi(port));
  static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  out.loopback = v4 ? buf[0] == 127 : std::equal(buf, buf + 16, v6_loopback);
  return "";
}

}  // namespace watchpost
