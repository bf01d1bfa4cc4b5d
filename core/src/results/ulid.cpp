#include "ulid.hpp"

#include <random>

namespace watchpost {

std::string make_ulid(int64_t unix_ms) {
  static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}() ^ (static_cast<uint64_t>(unix_ms) << 16)};
  std::string out(26, '0');
  uint64_t t = static_cast<uint64_t>(unix_ms) & ((uint64_t{1} << 48) - 1);
  for (int i = 9; i >= 0; --i) {  // 10 chars of time, most significant first
    out[i] = alphabet[t & 31];
    t >>= 5;
  }
  uint64_t hi = rng(), lo = rng();  // 80 random bits: 16 chars of 5 bits
  for (int i = 0; i < 16; ++i) {
    uint64_t bits = i < 12 ? (hi >> (i * 5)) : (lo >> ((i - 12) * 5));
    out[10 + i] = alphabet[bits & 31];
  }
  return out;
}

}  // namespace watchpost
