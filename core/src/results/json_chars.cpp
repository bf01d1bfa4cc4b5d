#include "json_chars.hpp"

#include <watchpost/civil_time.hpp>
#include <watchpost/utf8.hpp>

#include <cstring>

namespace watchpost::json_chars {
namespace {

// True when one of the eight bytes needs a look: a control character, '"', '\\' or a byte
// of a multi-byte sequence. Exact for "any" (the borrow of a match can only spill upward,
// and then a match was there). Plain text is skipped eight bytes at a time.
inline bool any_special(uint64_t v) {
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
  uint64_t below_space = (v - ones * 0x20) & ~v;
  uint64_t is_quote = (q - ones) & ~q;
  uint64_t is_backslash = (b - ones) & ~b;
  return ((below_space | is_quote | is_backslash | v) & highs) != 0;
}

}  // namespace

char* quoted(char* p, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  const char* data = s.data();
  const size_t n = s.size();
  *p++ = '"';
  size_t run = 0, i = 0;
  auto flush = [&] {
    std::memcpy(p, data + run, i - run);
    p += i - run;
  };
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t v;
      std::memcpy(&v, data + i, 8);
      if (any_special(v)) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (size_t len = utf8::sequence_length(s, i)) {
        i += len;
        continue;
      }
      flush();
      std::memcpy(p, utf8::kReplacement.data(), utf8::kReplacement.size());
      p += utf8::kReplacement.size();
      run = ++i;
      continue;
    }
    flush();
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      default:
        std::memcpy(p, "u00", 3);
        p[3] = hex[c >> 4];
        p[4] = hex[c & 15];
        p += 5;
    }
    run = ++i;
  }
  flush();
  *p++ = '"';
  return p;
}

char* rfc3339_us(char* p, int64_t unix_us) {
  civil::Utc t = civil::from_unix_us(unix_us < 0 ? 0 : unix_us);
  std::memcpy(p, "0000-00-00T00:00:00.000000Z", kTimeSize);
  civil::put_digits(p, static_cast<uint64_t>(t.year), 4);
  civil::put_digits(p + 5, t.month, 2);
  civil::put_digits(p + 8, t.day, 2);
  civil::put_digits(p + 11, t.hour, 2);
  civil::put_digits(p + 14, t.minute, 2);
  civil::put_digits(p + 17, t.second, 2);
  civil::put_digits(p + 20, t.micros, 6);
  return p + kTimeSize;
}

}  // namespace watchpost::json_chars
