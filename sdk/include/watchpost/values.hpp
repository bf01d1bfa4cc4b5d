// Parsing of the value forms YAML options use (durations, byte sizes, status ranges).
// Header-only and shared by the core and plugins so a "5s" means the same thing everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace watchpost {

// "250ms", "30s", "5m", "1h", "1h30m", "1.5s", or a bare number of seconds. Milliseconds.
inline std::optional<int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    size_t start = i;
    int64_t whole = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      whole = whole * 10 + (text[i] - '0');
      if (whole > (int64_t{1} << 40)) return std::nullopt;
      ++i;
    }
    double fraction = 0, scale = 0.1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      size_t digits = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        fraction += (text[i] - '0') * scale;
        scale /= 10;
        ++i;
        ++digits;
      }
      if (digits == 0) return std::nullopt;
    }
    if (i == start) return std::nullopt;
    size_t unit_start = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double ms_per_unit;
    if (unit == "ms") ms_per_unit = 1;
    else if (unit == "s" || (unit.empty() && !any && i == text.size())) ms_per_unit = 1000;
    else if (unit == "m") ms_per_unit = 60'000;
    else if (unit == "h") ms_per_unit = 3'600'000;
    else if (unit == "d") ms_per_unit = 86'400'000;
    else return std::nullopt;
    total += static_cast<int64_t>((static_cast<double>(whole) + fraction) * ms_per_unit + 0.5);
    any = true;
  }
  return total;
}

// "1048576", "64KiB", "1MiB", "10MB", "1GiB". Bytes.
inline std::optional<int64_t> parse_bytes(std::string_view text) {
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    n = n * 10 + (text[i] - '0');
    if (n > (int64_t{1} << 50)) return std::nullopt;
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = text.substr(i);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  int64_t mult;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB") mult = int64_t{1} << 10;
  else if (unit == "MiB") mult = int64_t{1} << 20;
  else if (unit == "GiB") mult = int64_t{1} << 30;
  else if (unit == "KB" || unit == "kB") mult = 1000;
  else if (unit == "MB") mult = 1000 * 1000;
  else if (unit == "GB") mult = 1000 * 1000 * 1000;
  else return std::nullopt;
  return n * mult;
}

// One element of an expected-status list: "200", "200-299", "2xx". Inclusive range.
struct StatusRange {
  int low = 0;
  int high = 0;
};

inline std::optional<StatusRange> parse_status_range(std::string_view text) {
  auto number = [](std::string_view s) -> int {
    if (s.size() != 3) return -1;
    int v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return (v >= 100 && v <= 599) ? v : -1;
  };
  if (text.size() == 3 && (text[1] == 'x' || text[1] == 'X') && (text[2] == 'x' || text[2] == 'X') &&
      text[0] >= '1' && text[0] <= '5') {
    int base = (text[0] - '0') * 100;
    return StatusRange{base, base + 99};
  }
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    int v = number(text);
    if (v < 0) return std::nullopt;
    return StatusRange{v, v};
  }
  int lo = number(text.substr(0, dash)), hi = number(text.substr(dash + 1));
  if (lo < 0 || hi < 0 || lo > hi) return std::nullopt;
  return StatusRange{lo, hi};
}

}  // namespace watchpost
