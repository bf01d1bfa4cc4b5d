// JSON text written straight into memory the caller sized: the hot path of every result's
// encoding, where std::string's per-append checks were a third of the encoder's time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace watchpost::json_chars {

// The most bytes `quoted` writes for `n` input bytes: every byte as \u00XX, plus the quotes.
constexpr size_t quoted_bound(size_t n) { return 6 * n + 2; }

// Writes `s` as a JSON string (RFC 8259) at `p`, which has room for quoted_bound(s.size());
// returns the end. Bytes that are not UTF-8 become U+FFFD, so a probe's or target's stray
// byte cannot make the JSON invalid.
char* quoted(char* p, std::string_view s);

// An RFC 3339 UTC time with microseconds, 27 bytes, unquoted; times before the epoch are
// written as the epoch (the decoder refuses them).
constexpr size_t kTimeSize = 27;
char* rfc3339_us(char* p, int64_t unix_us);

}  // namespace watchpost::json_chars
