// A Unix time in microseconds as a UTC calendar date and time, by arithmetic: gmtime_r takes
// glibc's time zone lock on every call, and encoders call this for every time of every result.
#pragma once

#include <cstdint>

namespace watchpost::civil {

struct Utc {
  int64_t year;
  unsigned month, day, hour, minute, second, micros;
};

// Howard Hinnant's civil_from_days (proleptic Gregorian), floored so that times before the
// epoch count down from it.
inline Utc from_unix_us(int64_t us) {
  int64_t secs = us / 1'000'000, micros = us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    secs -= 1;
  }
  int64_t days = secs / 86400, in_day = secs % 86400;
  if (in_day < 0) {
    in_day += 86400;
    days -= 1;
  }
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Utc t;
  t.day = doy - (153 * mp + 2) / 5 + 1;
  t.month = mp < 10 ? mp + 3 : mp - 9;
  t.year = static_cast<int64_t>(yoe) + era * 400 + (t.month <= 2);
  t.hour = static_cast<unsigned>(in_day / 3600);
  t.minute = static_cast<unsigned>(in_day / 60 % 60);
  t.second = static_cast<unsigned>(in_day % 60);
  t.micros = static_cast<unsigned>(micros);
  return t;
}

// Writes `value` as exactly `count` decimal digits at `at` (the low ones if it has more).
inline void put_digits(char* at, uint64_t value, int count) {
  for (int i = count - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
}

}  // namespace watchpost::civil
