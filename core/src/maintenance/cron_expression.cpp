#include "cron_expression.hpp"

#include <array>
#include <cctype>
#include <vector>

namespace watchpost {

namespace {

struct Field {
  const char* what;
  int low, high;
  std::array<const char*, 12> names;  // names[i] stands for low + i (empty: no names)
};

const Field kFields[5] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// One value of a field: a number or a name. -1 when it is neither.
int value_of(std::string_view token, const Field& f) {
  if (token.empty()) return -1;
  if (std::isdigit(static_cast<unsigned char>(token[0]))) {
    if (token.size() > 2) return -1;
    int v = 0;
    for (char c : token) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
      v = v * 10 + (c - '0');
    }
    return v >= f.low && v <= f.high ? v : -1;
  }
  std::string u = upper(token);
  for (size_t i = 0; i < f.names.size() && f.names[i]; ++i)
    if (u == f.names[i]) return f.low + static_cast<int>(i);
  return -1;
}

std::string range_hint(const Field& f) {
  std::string hint = std::to_string(f.low) + ".." + std::to_string(f.high);
  if (f.names[0]) hint += std::string(" or ") + f.names[0] + ".." + (f.low == 0 ? "SAT" : "DEC");
  return hint;
}

// Sets the bits of one field; false (with `error`) when a part is not a value, range or step.
bool parse_field(std::string_view text, const Field& f, uint64_t& bits, std::string& error) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string_view::npos) {
      std::string_view s = part.substr(slash + 1);
      step = 0;
      for (char c : s) step = std::isdigit(static_cast<unsigned char>(c)) && step < 1000 ? step * 10 + (c - '0') : -1;
      if (s.empty() || step <= 0) {
        error = "'" + std::string(part) + "': the step after '/' must be a positive number";
        return false;
      }
      part = part.substr(0, slash);
    }
    int from, to;
    if (part == "*") {
      from = f.low;
      to = f.high;
    } else if (size_t dash = part.find('-'); dash != std::string_view::npos) {
      from = value_of(part.substr(0, dash), f);
      to = value_of(part.substr(dash + 1), f);
      if (from < 0 || to < 0 || from > to) {
        error = "'" + std::string(part) + "' is not a range of " + range_hint(f) + " (low-high)";
        return false;
      }
    } else {
      from = value_of(part, f);
      if (from < 0) {
        error = "'" + std::string(part) + "' is not a " + f.what + ": " + range_hint(f);
        return false;
      }
      // "5/15": from 5 to the end, every 15 (as Vixie cron reads it).
      to = step > 1 ? f.high : from;
    }
    for (int v = from; v <= to; v += step) bits |= uint64_t{1} << v;
  }
  return true;
}

std::string_view macro(std::string_view text) {
  if (text == "@hourly") return "0 * * * *";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  return {};
}

}  // namespace

std::optional<CronExpression> CronExpression::parse(std::string_view text, std::string& error) {
  if (!text.empty() && text[0] == '@') {
    std::string_view expanded = macro(text);
    if (expanded.empty()) {
      error = "'" + std::string(text) + "' is not a macro: @hourly, @daily, @weekly, @monthly or @yearly";
      return std::nullopt;
    }
    text = expanded;
  }
  std::vector<std::string_view> parts;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) parts.push_back(text.substr(i, j - i));
    i = j;
  }
  if (parts.size() != 5) {
    error = "a schedule has 5 fields (minute hour day-of-month month day-of-week, e.g. \"0 2 * * SUN\"), this has " +
            std::to_string(parts.size());
    return std::nullopt;
  }
  CronExpression c;
  uint64_t bits[5] = {};
  for (size_t i = 0; i < 5; ++i) {
    std::string why;
    if (!parse_field(parts[i], kFields[i], bits[i], why)) {
      error = "field " + std::to_string(i + 1) + " (" + kFields[i].what + "): " + why;
      return std::nullopt;
    }
  }
  c.minutes_ = bits[0];
  c.hours_ = static_cast<uint32_t>(bits[1]);
  c.days_ = static_cast<uint32_t>(bits[2]);
  c.months_ = static_cast<uint16_t>(bits[3]);
  c.weekdays_ = static_cast<uint8_t>((bits[4] | (bits[4] >> 7)) & 0x7f);  // 7 is Sunday too
  c.any_day_ = parts[2][0] == '*';
  c.any_weekday_ = parts[4][0] == '*';
  // A day that never comes (30 February) would make every window closed forever: say so now.
  if (!c.next(cctz::civil_minute(2024, 1, 1, 0, 0))) {
    error = "'" + std::string(text) + "' names a day that never comes";
    return std::nullopt;
  }
  return c;
}

bool CronExpression::day_matches(const cctz::civil_day& d) const {
  bool by_day = (days_ >> d.day()) & 1;
  int weekday = (static_cast<int>(cctz::get_weekday(d)) + 1) % 7;  // cctz: monday = 0
  bool by_weekday = (weekdays_ >> weekday) & 1;
  if (any_day_ && any_weekday_) return true;
  if (any_day_) return by_weekday;
  if (any_weekday_) return by_day;
  return by_day || by_weekday;
}

std::optional<cctz::civil_minute> CronExpression::next(cctz::civil_minute from) const {
  cctz::civil_minute c = from;
  const cctz::year_t last_year = from.year() + 5;  // 29 February on a Monday comes within 28 years: not needed
  while (c.year() <= last_year) {
    if (!((months_ >> c.month()) & 1)) {
      c = cctz::civil_minute(cctz::civil_month(c) + 1);
    } else if (!day_matches(cctz::civil_day(c))) {
      c = cctz::civil_minute(cctz::civil_day(c) + 1);
    } else if (!((hours_ >> c.hour()) & 1)) {
      c = cctz::civil_minute(cctz::civil_hour(c) + 1);
    } else if (!((minutes_ >> c.minute()) & 1)) {
      c += 1;
    } else {
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace watchpost
