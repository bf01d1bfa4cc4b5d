// Well-formed UTF-8, for plugins that hand text to stores that insist on it (PostgreSQL's
// text, JSON). Header-only; the core's JSON writer uses the same rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace watchpost::utf8 {

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF), or 0 when it is not one. For s[i] < 0x80 it is 1.
inline size_t sequence_length(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  size_t left = s.size() - i;
  auto cont = [&](size_t k) { return (at(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && at(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && at(i + 1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && at(i + 1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && at(i + 1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// From s[i], past the bytes that are ASCII and not NUL, eight at a time: the usual text, which
// needs no look byte by byte. Returns where such bytes end (a word test: a byte with its high
// bit set, or a zero byte, stops it).
inline size_t skip_plain_ascii(std::string_view s, size_t i) {
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  for (uint64_t v; i + 8 <= s.size(); i += 8) {
    std::memcpy(&v, s.data() + i, 8);
    if (((v | ((v - ones) & ~v)) & highs) != 0) break;
  }
  return i;
}

// True when `s` is well-formed UTF-8 without NUL: append_text would copy it unchanged.
inline bool is_clean_text(std::string_view s) {
  for (size_t i = skip_plain_ascii(s, 0); i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c == 0 ? 0 : sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Appends `s` to `out` with every byte that is not part of well-formed UTF-8, and every NUL
// (which PostgreSQL's text refuses), written as U+FFFD.
inline void append_text(std::string& out, std::string_view s) {
  size_t run = 0, i = skip_plain_ascii(s, 0);
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != 0 && c < 0x80) {
      ++i;
      continue;
    }
    size_t n = c == 0 ? 0 : sequence_length(s, i);
    if (n) {
      i += n;
      continue;
    }
    out.append(s.data() + run, i - run);
    out += kReplacement;
    run = ++i;
  }
  out.append(s.data() + run, i - run);
}

}  // namespace watchpost::utf8
