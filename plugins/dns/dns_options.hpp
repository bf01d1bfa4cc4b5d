// What a dns check is told: the name and record type (RFC 4501 URL: dns:NAME?type=MX or
// dns://SERVER:PORT/NAME), the server, and what the answer must hold.
#pragma once

#include <watchpost/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace watchpost::dns {

struct DnsTarget final : ProbeTarget {
  std::string name;
  int type = 1;                      // ns_t_a
  std::string server = "127.0.0.1";  // an IP address
  uint16_t port = 53;
  bool tcp = false;                  // always TCP (UDP answers that come truncated are asked again over TCP)
  std::vector<std::string> expect;   // each must be among the records
  std::vector<int> valid_rcodes{0};
  bool fail_if_no_answer = true;
};

const std::vector<wp_option_spec>& dns_options();
void validate_dns(const Options& o);  // throws OptionError
std::unique_ptr<DnsTarget> make_dns_target(const Options& o);

// Splits a dns: URL. `server` and `port` are left alone when it names none; `type` when it
// has no ?type=. Empty on success, else what is wrong.
std::string parse_dns_url(const std::string& url, std::string& name, std::string& server, uint16_t& port, int& type);
// "127.0.0.1", "127.0.0.1:5353", "[::1]:53", "::1"; empty on success.
std::string parse_server(const std::string& text, std::string& server, uint16_t& port);
// The first `nameserver` of resolv.conf (what the system would ask), else 127.0.0.1.
std::string system_nameserver(const std::string& resolv_conf = "/etc/resolv.conf");

}  // namespace watchpost::dns
