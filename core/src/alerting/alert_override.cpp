#include "alert_override.hpp"

#include <watchpost/values.hpp>

#include <cerrno>
#include <cstdlib>

namespace watchpost {

namespace {

bool whole_int(const std::string& v, int64_t& out) {
  if (v.empty() || v.size() > 18) return false;
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (errno || *end) return false;
  out = n;
  return true;
}

bool whole_double(const std::string& v, double& out) {
  if (v.empty()) return false;
  char* end = nullptr;
  out = std::strtod(v.c_str(), &end);
  return !*end;
}

bool kind_has(const std::string& kind, const std::string& param) {
  if (param == "severity") return true;
  if (param == "down" || param == "up") return kind == "consecutive" || kind == "quorum";
  if (param == "threshold" || param == "ratio") return kind == "window";
  if (param == "window") return kind == "window" || kind == "latency";
  if (param == "percentile" || param == "above" || param == "min_results") return kind == "latency";
  if (param == "days") return kind == "certificate";
  return false;
}

}  // namespace

std::string apply_alert_label(std::vector<AlertRuleConfig>& rules, std::vector<char>& off, const std::string& key,
                              const std::string& value) {
  std::string rest = key.substr(6);
  auto find = [&](const std::string& name) {
    size_t i = 0;
    while (i < rules.size() && rules[i].name != name) ++i;
    return i;
  };
  off.resize(rules.size());
  // A rule's name may hold dots: the whole rest names a rule first, else its last part is the parameter.
  if (size_t i = find(rest); i < rules.size()) {
    if (value != "off" && value != "on") return "'" + key + "' takes off or on";
    off[i] = value == "off";
    return "";
  }
  size_t dot = rest.rfind('.');
  size_t i = dot == std::string::npos ? rules.size() : find(rest.substr(0, dot));
  if (i == rules.size())
    return "'" + key + "' names no alert rule of this pipeline (alert.RULE: off, or alert.RULE.PARAM: VALUE)";
  AlertRuleConfig& r = rules[i];
  std::string param = rest.substr(dot + 1);
  if (!kind_has(r.kind, param))
    return "'" + key + "': a " + r.kind + " rule has no '" + param + "' to set for a target";
  int64_t n = 0;
  double x = 0;
  std::optional<int64_t> ms;
  if (param == "severity") {
    if (value.empty()) return "'" + key + "' needs a severity (critical, warning, info...)";
    r.severity = value;
  } else if (param == "ratio") {
    if (!whole_double(value, x) || !(x > 0 && x < 1)) return "'" + key + "' must be a fraction between 0 and 1";
    r.ratio = x;
    r.threshold = 0;
  } else if (param == "window" || param == "above") {
    ms = parse_duration_ms(value);
    if (!ms || *ms < (param == "window" ? 1000 : 0))
      return "'" + key + "' must be a duration" + (param == "window" ? " of at least 1s" : "") + " (e.g. 500ms, 5m)";
    (param == "window" ? r.window_ms : r.above_ms) = *ms;
  } else {
    int64_t least = 1;
    if (!whole_int(value, n) || n < least || (param == "percentile" && n > 100))
      return "'" + key + "' must be a whole number " + (param == "percentile" ? "from 1 to 100" : "of at least 1");
    if (param == "down") r.down = n;
    else if (param == "up") r.up = n;
    else if (param == "threshold") {
      r.threshold = n;
      r.ratio = 0;
    } else if (param == "percentile") r.percentile = n;
    else if (param == "min_results") r.min_results = n;
    else if (param == "days") r.days = n;
  }
  return "";
}

}  // namespace watchpost
