#include "json_writer.hpp"

#include "json_chars.hpp"

namespace watchpost {

void JsonWriter::string(std::string_view s) {
  size_t at = out_.size();
  out_.resize(at + json_chars::quoted_bound(s.size()));
  char* end = json_chars::quoted(out_.data() + at, s);
  out_.resize(static_cast<size_t>(end - out_.data()));
}

}  // namespace watchpost
