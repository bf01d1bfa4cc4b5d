// Minimal streaming JSON writer: appends to a string, escapes per RFC 8259.
// Hand-written because it sits on the hot path of every result (stdout, Kafka).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace watchpost {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { value_prefix(); out_ += '{'; first_ = true; }
  void end_object() { out_ += '}'; first_ = false; }
  void begin_array() { value_prefix(); out_ += '['; first_ = true; }
  void end_array() { out_ += ']'; first_ = false; }
  void key(std::string_view k) {
    if (!first_) out_ += ',';
    string(k);
    out_ += ':';
    first_ = true;
    after_key_ = true;
  }
  // A key written in the source (a string literal): plain ASCII, so nothing to escape.
  template <size_t N>
  void key(const char (&k)[N]) {
    if (!first_) out_ += ',';
    out_ += '"';
    out_.append(k, N - 1);
    out_ += "\":";
    first_ = true;
    after_key_ = true;
  }
  void value(std::string_view s) { value_prefix(); string(s); }
  void value(const char* s) { value(std::string_view(s)); }
  void value(int64_t v) { value_prefix(); number(v); }
  void value(uint64_t v) { value_prefix(); number(v); }
  void value(int32_t v) { value(static_cast<int64_t>(v)); }
  void value(uint32_t v) { value(static_cast<uint64_t>(v)); }
  void value(bool v) { value_prefix(); out_ += v ? "true" : "false"; }
  void null() { value_prefix(); out_ += "null"; }
  // A value already in JSON form (e.g. a formatted number).
  void raw(std::string_view json) { value_prefix(); out_ += json; }
  // A string the caller knows needs no escaping (a formatted time, a name from a fixed list).
  void plain_value(std::string_view s) {
    value_prefix();
    out_ += '"';
    out_ += s;
    out_ += '"';
  }
  template <class K, class T>
  void field(const K& k, const T& v) { key(k); value(v); }

 private:
  void value_prefix() {
    if (after_key_) { after_key_ = false; first_ = false; return; }
    if (!first_) out_ += ',';
    first_ = false;
  }
  void string(std::string_view s);
  template <class Int>
  void number(Int v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace watchpost
