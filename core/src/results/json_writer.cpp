#include "json_writer.hpp"

#include <watchpost/utf8.hpp>

namespace watchpost {

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
      if (size_t n = utf8::sequence_length(s, i)) {
        i += n;
        continue;
      }
      flush();
      out_ += utf8::kReplacement;
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
