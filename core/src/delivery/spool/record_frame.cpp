#include "record_frame.hpp"

#include "crc32c.hpp"

#include <unistd.h>

#include <cstring>
#include <vector>

namespace watchpost::spool_frame {
namespace {

void put32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
uint32_t get32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

bool read_exact(int fd, char* buf, size_t n, uint64_t offset) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

uint32_t checksum(const char* length_bytes, const char* payload, size_t size) {
  return crc32c(payload, size, crc32c(length_bytes, 4));
}

}  // namespace

void append(std::string& out, std::string_view payload) {
  size_t at = out.size();
  out.resize(at + kHeader + payload.size());
  char* p = out.data() + at;
  put32(p, kMagic);
  put32(p + 4, static_cast<uint32_t>(payload.size()));
  std::memcpy(p + kHeader, payload.data(), payload.size());
  put32(p + 8, checksum(p + 4, p + kHeader, payload.size()));
}

uint64_t read_at(int fd, uint64_t pos, uint64_t end, std::string& payload) {
  char header[kHeader];
  if (end < pos + kHeader || !read_exact(fd, header, kHeader, pos)) return 0;
  if (get32(header) != kMagic) return 0;
  uint32_t len = get32(header + 4);
  if (len > kMaxPayload || end - pos - kHeader < len) return 0;
  payload.resize(len);
  if (!read_exact(fd, payload.data(), len, pos + kHeader)) return 0;
  if (checksum(header + 4, payload.data(), len) != get32(header + 8)) return 0;
  return kHeader + len;
}

uint64_t find_next(int fd, uint64_t pos, uint64_t end) {
  // Read forward in chunks that overlap by three bytes, so a magic split across two chunks
  // is still seen.
  constexpr size_t kChunk = 64 << 10;
  std::vector<char> buf(kChunk);
  std::string payload;
  char magic[4];
  put32(magic, kMagic);
  for (uint64_t at = pos + 1; at + 4 <= end;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, end - at));
    if (!read_exact(fd, buf.data(), want, at)) return end;
    for (size_t i = 0; i + 4 <= want; ++i) {
      if (std::memcmp(buf.data() + i, magic, 4) == 0 && read_at(fd, at + i, end, payload) > 0) return at + i;
    }
    if (want < 4) break;
    at += want - 3;
  }
  return end;
}

}  // namespace watchpost::spool_frame
