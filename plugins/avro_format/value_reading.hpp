// Reading libavro values of a writer's schema by name, for the decoders of watchpost's records:
// a union's branch taken, a null refused where a value must be, Avro's promotions (int read as
// long, bytes as string) applied, text checked to be UTF-8.
#pragma once

#include <avro.h>

#include <watchpost/utf8.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace watchpost::avro::reading {

// Why a datum cannot be read; caught by the decoder and returned as its error.
struct Bad {
  std::string why;
};

inline avro_schema_t follow(avro_schema_t s) {
  while (s && is_avro_link(s)) s = avro_schema_link_target(s);
  return s;
}

// The value itself or a union's current branch; false when that is null.
inline bool present(avro_value_t& v) {
  if (avro_value_get_type(&v) == AVRO_UNION) {
    avro_value_t b;
    if (avro_value_get_current_branch(&v, &b) != 0) return false;
    v = b;
  }
  return avro_value_get_type(&v) != AVRO_NULL;
}

// Whether `s` is well-formed UTF-8 without NUL.
inline bool utf8_text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = s[i] == '\0' ? 0 : utf8::sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// A map's key (libavro gives it as a C string), checked as text is.
inline std::string_view key_text(const char* key, const char* name) {
  std::string_view k = key ? key : "";
  if (!utf8_text(k)) throw Bad{std::string("a key of '") + name + "' is not UTF-8 text"};
  return k;
}

// Text (string or bytes) that is well-formed UTF-8 without NUL.
inline std::string_view text(avro_value_t v, const char* name) {
  if (!present(v)) throw Bad{std::string("'") + name + "' must not be null"};
  const void* data = nullptr;
  size_t size = 0;
  std::string_view s;
  avro_type_t type = avro_value_get_type(&v);
  if (type != AVRO_STRING && type != AVRO_BYTES) throw Bad{std::string("'") + name + "' is not text"};
  if (type == AVRO_STRING) {
    const char* str = nullptr;
    avro_value_get_string(&v, &str, &size);
    s = std::string_view(str ? str : "", size > 0 ? size - 1 : 0);  // libavro counts the NUL
  } else {
    avro_value_get_bytes(&v, &data, &size);
    s = std::string_view(static_cast<const char*>(data), size);
  }
  if (!utf8_text(s)) throw Bad{std::string("'") + name + "' is not UTF-8 text"};
  return s;
}

inline int64_t integer(avro_value_t v, const char* name, int64_t lo, int64_t hi) {
  if (!present(v)) throw Bad{std::string("'") + name + "' must not be null"};
  int64_t n = 0;
  avro_type_t type = avro_value_get_type(&v);
  if (type != AVRO_INT32 && type != AVRO_INT64) throw Bad{std::string("'") + name + "' is not a number"};
  if (type == AVRO_INT32) {
    int32_t i = 0;
    avro_value_get_int(&v, &i);
    n = i;
  } else {
    avro_value_get_long(&v, &n);
  }
  if (n < lo || n > hi) throw Bad{std::string("'") + name + "' is out of range"};
  return n;
}

}  // namespace watchpost::avro::reading
