#include "tcp_options.hpp"

#include "client_context.hpp"

#include <watchpost/redact.hpp>

namespace watchpost::tcp {

const std::vector<wp_option_spec>& tcp_options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "tcp://HOST:PORT, or tls://HOST:PORT for a TLS handshake after connecting"),
      option("send", WP_OPT_STRING, nullptr, "Text to send once connected (\\r \\n \\t understood)"),
      option("expect", WP_OPT_STRING, nullptr, "Text the answer must contain; read until it comes, the peer closes, or max_read"),
      option("max_read", WP_OPT_BYTES, "64KiB", "Most bytes read while looking for `expect`"),
      option("tls_verify", WP_OPT_BOOL, "true", "tls://: verify the certificate chain and the server name"),
      option("ca_file", WP_OPT_STRING, nullptr, "tls://: PEM file of CAs to trust instead of the system's"),
      option("server_name", WP_OPT_STRING, nullptr, "tls://: SNI and the name to verify (default: the host)"),
      option("min_tls_version", WP_OPT_STRING, nullptr, "tls://: the oldest protocol accepted", "1.0|1.1|1.2|1.3"),
  };
  return specs;
}

std::string parse_address(const std::string& url, std::string& host, std::string& port, bool& tls) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "'" + redact_url(url) + "' needs a scheme: tcp://HOST:PORT or tls://HOST:PORT";
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "tcp" && scheme != "tls") return "'" + scheme + "://' is not tcp:// or tls://";
  tls = scheme == "tls";
  std::string rest = url.substr(scheme_end + 3);
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);  // userinfo has no use here
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  size_t colon;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) return "'" + redact_url(url) + "': an IPv6 address needs its closing ]";
    host = rest.substr(1, close - 1);
    colon = close + 1 < rest.size() && rest[close + 1] == ':' ? close + 1 : std::string::npos;
  } else {
    colon = rest.rfind(':');
    host = rest.substr(0, colon);
  }
  port = colon == std::string::npos ? "" : rest.substr(colon + 1);
  if (host.empty()) return "'" + redact_url(url) + "' has no host";
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) < 1 || std::stoi(port) > 65535)
    return "'" + redact_url(url) + "' needs a port from 1 to 65535 (tcp://HOST:PORT)";
  return "";
}

std::string unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char c = text[++i];
    out += c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : c;
  }
  return out;
}

void validate_tcp(const Options& o) {
  std::string host, port;
  bool tls = false;
  if (auto bad = parse_address(o.string("url"), host, port, tls); !bad.empty()) throw OptionError("url", bad);
  if (o.integer("max_read", 65536) < 1) throw OptionError("max_read", "must be at least 1 byte");
}

std::unique_ptr<TcpTarget> make_tcp_target(const Options& o) {
  validate_tcp(o);
  auto t = std::make_unique<TcpTarget>();
  parse_address(o.string("url"), t->host, t->port, t->tls);
  t->tls_verify = o.boolean("tls_verify", true);
  t->ca_file = o.string("ca_file");
  t->server_name = o.string("server_name", t->host);
  t->send = unescape(o.string("send"));
  t->expect = unescape(o.string("expect"));
  t->max_read = static_cast<size_t>(o.integer("max_read", 65536));
  t->min_tls_version = o.string("min_tls_version");
  if (t->tls) {
    try {
      t->tls_ctx = tls::client_context({t->tls_verify, t->ca_file, t->min_tls_version});
    } catch (const std::exception& e) {
      throw OptionError("ca_file", e.what());
    }
  }
  return t;
}

}  // namespace watchpost::tcp
