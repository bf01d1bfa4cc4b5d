#include "conninfo.hpp"

#include <libpq-fe.h>

#include <map>
#include <stdexcept>

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

}  // namespace

Conninfo build_conninfo(const std::string& dsn, const std::vector<std::pair<std::string, std::string>>& overrides) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), &err);
  if (!opts) {
    std::string message = err ? err : "out of memory";
    PQfreemem(err);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw std::invalid_argument(message);
  }
  std::map<std::string, std::string> values;
  for (PQconninfoOption* o = opts; o->keyword; ++o)
    if (o->val) values[o->keyword] = o->val;
  PQconninfoFree(opts);
  for (auto& [k, v] : overrides)
    if (!v.empty()) values[k] = v;
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
