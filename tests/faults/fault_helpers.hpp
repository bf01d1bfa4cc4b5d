// What the fault tests share: reading what sinks wrote, by result id.
#pragma once

#include "process.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace watchpost::faults {

namespace wt = watchpost::testing;

inline std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(wt::read_file(path));
  for (std::string l; std::getline(ss, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

inline std::string id_in_json(const std::string& json) {
  auto at = json.find("\"result_id\":\"");
  return at == std::string::npos ? std::string() : json.substr(at + 13, 26);
}

inline std::multiset<std::string> ids_in_file(const std::string& path, bool json) {
  std::multiset<std::string> out;
  for (auto& l : lines_of(path)) out.insert(json ? id_in_json(l) : l);
  return out;
}

// One number from PostgreSQL, or -1 while it cannot answer (stopped, not yet migrated).
inline int64_t scalar_or_minus_one(const std::string& dsn, const char* sql) {
  try {
    pqxx::connection c(dsn);
    pqxx::work w(c);
    return w.exec(sql)[0][0].as<int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

inline std::string cprobe_targets(int n) {
  std::string t = "[";
  for (int i = 0; i < n; ++i) t += std::string(i ? ", " : "") + "{id: t" + std::to_string(i) + ", name: n}";
  return t + "]";
}


}  // namespace watchpost::faults
