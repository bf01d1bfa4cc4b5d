#include "json_writer.hpp"

namespace watchpost {
namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF), or 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
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

}  // namespace

// Runs of plain characters are appended at once: this is the hot loop of every result's
// encoding (a per-character append was a quarter of kafka_sink's time). Bytes that are not
// UTF-8 become U+FFFD, so a probe's or target's stray byte cannot make the JSON invalid.
void JsonWriter::string(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out_.reserve(out_.size() + s.size() + 2);
  out_ += '"';
  size_t run = 0, i = 0;
  auto flush = [&] {
    out_.append(s.data() + run, i - run);
  };
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (size_t n = utf8_length(s, i)) {
        i += n;
        continue;
      }
      flush();
      out_ += "\xEF\xBF\xBD";
      run = ++i;
      continue;
    }
    flush();
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 15];
    }
    run = ++i;
  }
  flush();
  out_ += '"';
}

}  // namespace watchpost
