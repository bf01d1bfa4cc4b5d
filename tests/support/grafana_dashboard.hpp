// Reading examples/grafana/ dashboards in tests, and Grafana's SQL macros expanded the way
// its PostgreSQL data source expands them (for the two the dashboards use).
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace watchpost::testing {

inline nlohmann::json grafana_dashboard(const std::string& name) {
  std::ifstream in(std::string(EXAMPLES_DIR) + "/grafana/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, false);
}

// $__timeFilter(col) → col BETWEEN now() - RANGE AND now();
// $__timeGroupAlias(col, '5m') → the column binned to 5 minutes, AS "time".
inline std::string expand_grafana_sql_macros(std::string sql, const std::string& range) {
  sql = std::regex_replace(sql, std::regex(R"(\$__timeFilter\((\w+)\))"),
                           "$1 BETWEEN now() - interval '" + range + "' AND now()");
  sql = std::regex_replace(sql, std::regex(R"(\$__timeGroupAlias\((\w+),\s*'(\d+)m'\))"),
                           "date_bin('$2 minutes', $1, timestamptz 'epoch') AS \"time\"");
  return sql;
}

}  // namespace watchpost::testing
