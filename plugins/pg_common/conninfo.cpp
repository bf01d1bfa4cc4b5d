#include "conninfo.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

namespace watchpost::pg {
namespace {

std::string quoted(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// libpq quotes the fragment it could not parse, and in a DSN that may be the password. Keep a
// quoted fragment only where the DSN uses it as a keyword (followed by '=').
std::string without_secrets(std::string message, const std::string& dsn) {
  std::string out;
  for (size_t i = 0; i < message.size(); ++i) {
    size_t close = message[i] == '"' ? message.find('"', i + 1) : std::string::npos;
    if (close == std::string::npos) {
      out += message[i];
      continue;
    }
    std::string fragment = message.substr(i + 1, close - i - 1);
    size_t at = dsn.find(fragment);
    bool keyword = !fragment.empty() && at != std::string::npos && dsn.compare(at + fragment.size(), 1, "=") == 0 &&
                   fragment.find_first_of(" '\\@:/") == std::string::npos;
    out += keyword || fragment == "=" ? "\"" + fragment + "\"" : "\"(hidden)\"";
    i = close;
  }
  return out;
}

// libpq accepts any text for these at parse time and fails at every connection attempt; a
// config error now beats retrying forever.
std::string check_values(const std::map<std::string, std::string>& values) {
  static const std::map<std::string, std::vector<std::string>> choices = {
      {"sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
      {"gssencmode", {"disable", "prefer", "require"}},
      {"channel_binding", {"disable", "prefer", "require"}},
      {"target_session_attrs", {"any", "read-write", "read-only", "primary", "standby", "prefer-standby"}},
  };
  for (auto& [key, allowed] : choices) {
    auto it = values.find(key);
    if (it == values.end()) continue;
    if (std::find(allowed.begin(), allowed.end(), it->second) != allowed.end()) continue;
    std::string list;
    for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return key + " must be one of " + list;
  }
  for (const char* key : {"port", "connect_timeout", "keepalives", "keepalives_idle"}) {
    auto it = values.find(key);
    if (it == values.end()) continue;
    for (size_t start = 0; start <= it->second.size();) {  // port may list one per host
      size_t comma = it->second.find(',', start);
      std::string one = it->second.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (one.empty() || one.size() > 9 || one.find_first_not_of("0123456789") != std::string::npos)
        return std::string(key) + " must be a whole number";
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return "";
}

}  // namespace

Conninfo build_conninfo(const std::string& dsn, const std::vector<std::pair<std::string, std::string>>& overrides) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), &err);
  if (!opts) {
    std::string message = err ? err : "out of memory";
    PQfreemem(err);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw std::invalid_argument(without_secrets(message, dsn));
  }
  std::map<std::string, std::string> values;
  for (PQconninfoOption* o = opts; o->keyword; ++o)
    if (o->val) values[o->keyword] = o->val;
  PQconninfoFree(opts);
  for (auto& [k, v] : overrides)
    if (!v.empty()) values[k] = v;
  if (std::string bad = check_values(values); !bad.empty()) throw std::invalid_argument(bad);
  Conninfo out;
  for (auto& [k, v] : values) {
    if (!out.text.empty()) out.text += ' ';
    out.text += k + "=" + quoted(v);
  }
  auto get = [&](const char* key, const char* fallback) {
    auto it = values.find(key);
    return it == values.end() ? std::string(fallback) : it->second;
  };
  out.display = "host=" + get("host", get("hostaddr", "(default)").c_str()) + " port=" + get("port", "5432") +
                " dbname=" + get("dbname", "(default)") + " user=" + get("user", "(default)");
  return out;
}

}  // namespace watchpost::pg
