#include "dns_options.hpp"

#include "dns_message.hpp"

#include <watchpost/redact.hpp>

#include <arpa/inet.h>

#include <strings.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace watchpost::dns {

const std::vector<wp_option_spec>& dns_options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "dns:NAME, dns:NAME?type=MX, or dns://SERVER[:PORT]/NAME"),
      option("record_type", WP_OPT_STRING, "A", "Record type asked for when the url has no ?type=",
             "A|AAAA|CNAME|MX|NS|TXT|PTR|SRV|SOA|CAA"),
      option("server", WP_OPT_STRING, nullptr,
             "IP[:PORT] of the server to ask (default: the url's, else the first nameserver of /etc/resolv.conf)"),
      option("transport", WP_OPT_STRING, "udp", "udp (truncated answers are asked again over tcp) or tcp", "udp|tcp"),
      option("expect", WP_OPT_STRING_LIST, nullptr,
             "Records that must all be in the answer, as text: 192.0.2.1, \"10 mx.example.com.\""),
      option("valid_rcodes", WP_OPT_STRING_LIST, "NOERROR", "Response codes that mean up (NOERROR, NXDOMAIN, ...)"),
      option("fail_if_no_answer", WP_OPT_BOOL, "true", "Down when the answer has no record of the type"),
  };
  return specs;
}

std::string parse_server(const std::string& text, std::string& server, uint16_t& port) {
  std::string host = text, port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) return "'" + text + "': an IPv6 address needs its closing ]";
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return "'" + text + "': expected :PORT after ]";
      port_text = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    host = text.substr(0, text.find(':'));
    port_text = text.substr(text.find(':') + 1);
  }
  unsigned char bytes[16];
  if (inet_pton(AF_INET, host.c_str(), bytes) != 1 && inet_pton(AF_INET6, host.c_str(), bytes) != 1)
    return "'" + host + "' is not an IP address (the server to ask is given by address, as in resolv.conf)";
  if (!port_text.empty()) {
    if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port_text) < 1 || std::stoi(port_text) > 65535)
      return "'" + port_text + "' is not a port from 1 to 65535";
    port = static_cast<uint16_t>(std::stoi(port_text));
  }
  server = host;
  return "";
}

std::string parse_dns_url(const std::string& url, std::string& name, std::string& server, uint16_t& port, int& type) {
  if (url.rfind("dns:", 0) != 0) return "'" + redact_url(url) + "' is not a dns: URL (dns:example.com?type=A)";
  std::string rest = url.substr(4);
  if (rest.rfind("//", 0) == 0) {
    auto slash = rest.find('/', 2);
    if (slash == std::string::npos) return "'" + url + "' names a server but no name: dns://SERVER/NAME";
    std::string authority = rest.substr(2, slash - 2);
    if (!authority.empty())
      if (auto bad = parse_server(authority, server, port); !bad.empty()) return bad;
    rest = rest.substr(slash + 1);
  }
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  std::istringstream params(query);
  std::string param;
  while (std::getline(params, param, ';')) {  // RFC 4501 separates with ';'; '&' read too
    std::istringstream inner(param);
    std::string kv;
    while (std::getline(inner, kv, '&')) {
      auto eq = kv.find('=');
      std::string key = kv.substr(0, eq), value = eq == std::string::npos ? "" : kv.substr(eq + 1);
      if (strcasecmp(key.c_str(), "type") == 0) {
        type = record_type(value);
        if (type < 0) return "'" + value + "' is not a record type this probe reads (A, AAAA, CNAME, MX, NS, TXT, PTR, SRV, SOA, CAA)";
      } else if (strcasecmp(key.c_str(), "class") == 0) {
        if (strcasecmp(value.c_str(), "IN") != 0) return "only class IN is asked";
      } else if (!key.empty()) {
        return "unknown parameter '" + key + "' in '" + url + "' (type= and class= are known)";
      }
    }
  }
  if (rest.empty()) return "'" + url + "' has no name to resolve";
  if (rest.size() > 253) return "the name is longer than DNS allows (253 characters)";
  name = rest;
  return "";
}

std::string system_nameserver(const std::string& resolv_conf) {
  std::ifstream in(resolv_conf);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value;
    if (words >> key >> value && key == "nameserver") return value;
  }
  return "127.0.0.1";
}

void validate_dns(const Options& o) { make_dns_target(o); }

std::unique_ptr<DnsTarget> make_dns_target(const Options& o) {
  auto t = std::make_unique<DnsTarget>();
  t->type = record_type(o.string("record_type", "A"));
  std::string url_server;
  if (auto bad = parse_dns_url(o.string("url"), t->name, url_server, t->port, t->type); !bad.empty())
    throw OptionError("url", bad);
  if (o.has("server")) {
    if (auto bad = parse_server(o.string("server"), t->server, t->port); !bad.empty()) throw OptionError("server", bad);
  } else if (!url_server.empty()) {
    t->server = url_server;
  } else {
    // Read once per process, as glibc's resolver does: not once per target at validate and again at start.
    static const std::string system = system_nameserver();
    uint16_t ignored = 53;
    if (!parse_server(system, t->server, ignored).empty()) t->server = "127.0.0.1";
  }
  std::string error;
  if (make_query(t->name, t->type, 0, error).empty()) throw OptionError("url", error);
  t->tcp = o.string("transport", "udp") == "tcp";
  t->expect = o.list("expect");
  t->valid_rcodes.clear();
  for (auto& r : o.list("valid_rcodes")) {
    int v = rcode_value(r);
    if (v < 0) throw OptionError("valid_rcodes", "'" + r + "' is not NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP or REFUSED");
    t->valid_rcodes.push_back(v);
  }
  if (t->valid_rcodes.empty()) t->valid_rcodes.push_back(0);
  t->fail_if_no_answer = o.boolean("fail_if_no_answer", true);
  return t;
}

}  // namespace watchpost::dns
