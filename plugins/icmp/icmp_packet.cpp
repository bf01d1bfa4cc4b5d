#include "icmp_packet.hpp"

namespace watchpost::icmp {

uint16_t checksum(const unsigned char* data, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < size; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (size % 2) sum += static_cast<uint32_t>(data[size - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::vector<unsigned char> echo_request(bool v6, uint16_t ident, uint16_t seq) {
  std::vector<unsigned char> p(8 + 16, 0);
  p[0] = v6 ? 128 : 8;
  p[4] = static_cast<unsigned char>(ident >> 8);
  p[5] = static_cast<unsigned char>(ident & 0xff);
  p[6] = static_cast<unsigned char>(seq >> 8);
  p[7] = static_cast<unsigned char>(seq & 0xff);
  const char tag[] = "watchpost-icmp!";  // 16 bytes with the NUL: recognisable in a capture
  for (size_t i = 0; i < 16; ++i) p[8 + i] = static_cast<unsigned char>(tag[i]);
  if (!v6) {
    uint16_t sum = checksum(p.data(), p.size());
    p[2] = static_cast<unsigned char>(sum >> 8);
    p[3] = static_cast<unsigned char>(sum & 0xff);
  }
  return p;
}

EchoReply read_echo_reply(const unsigned char* data, size_t size, bool v6, bool ip_header) {
  EchoReply r;
  if (ip_header) {
    if (size < 20) return r;
    size_t ihl = static_cast<size_t>(data[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > size) return r;
    data += ihl;
    size -= ihl;
  }
  if (size < 8) return r;
  if (data[0] != (v6 ? 129 : 0) || data[1] != 0) return r;
  r.ok = true;
  r.ident = static_cast<uint16_t>(data[4] << 8 | data[5]);
  r.seq = static_cast<uint16_t>(data[6] << 8 | data[7]);
  return r;
}

}  // namespace watchpost::icmp
