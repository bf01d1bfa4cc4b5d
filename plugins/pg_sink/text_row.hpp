// One row for COPY ... FROM STDIN as C strings: NULL is a null pointer, and libpqxx's
// stream_to does the COPY text escaping. The strings live in the row, so it is reused.
#pragma once

#include <watchpost/utf8.hpp>

#include <array>
#include <string>
#include <string_view>

namespace watchpost::pg {

template <size_t N>
struct TextRow {
  std::array<std::string, N> storage;
  std::array<const char*, N> fields{};  // into storage, or nullptr for NULL

  void set(size_t i, std::string_view v) {
    storage[i].assign(v.data(), v.size());
    fields[i] = storage[i].c_str();
  }
  // Text from a result: a byte PostgreSQL's text would refuse (NUL, not UTF-8) becomes
  // U+FFFD rather than failing the whole batch.
  void set_text(size_t i, std::string_view v) {
    storage[i].clear();
    utf8::append_text(storage[i], v);
    fields[i] = storage[i].c_str();
  }
  void set_null(size_t i) { fields[i] = nullptr; }
};

}  // namespace watchpost::pg
