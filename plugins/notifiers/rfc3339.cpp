#include "rfc3339.hpp"

#include <cstdio>
#include <ctime>

namespace watchpost::notify {

std::string rfc3339(int64_t us) {
  time_t s = static_cast<time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((us / 1000) % 1000));
  return out;
}

}  // namespace watchpost::notify
