// ICMP echo messages on the wire (RFC 792, RFC 4443). Nothing here does I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace watchpost::icmp {

// An echo request: type 8 (IPv4, checksummed here) or 128 (IPv6, the kernel checksums).
std::vector<unsigned char> echo_request(bool v6, uint16_t ident, uint16_t seq);

struct EchoReply {
  bool ok = false;  // an echo reply at all
  uint16_t ident = 0, seq = 0;
};

// What came in on an ICMP socket. `ip_header`: raw IPv4 sockets deliver the IP header first.
EchoReply read_echo_reply(const unsigned char* data, size_t size, bool v6, bool ip_header);

uint16_t checksum(const unsigned char* data, size_t size);

}  // namespace watchpost::icmp
