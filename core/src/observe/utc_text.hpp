// A time as people and logs read it: 2026-11-28T02:31:09Z (UTC, whole seconds).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace watchpost {

inline std::string utc_text(int64_t unix_seconds) {
  std::time_t s = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace watchpost
