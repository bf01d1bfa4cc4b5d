#include "row_definition.hpp"

#include <nlohmann/json.hpp>

namespace watchpost::pg {

std::string row_definition(const CatalogRow& row, std::string& error) {
  using nlohmann::json;
  json d;
  try {
    // Any other probe option (headers, ca_file, max_redirects...), under the columns.
    d = json::parse(row.options_json);
    if (!d.is_object()) {
      error = "options must be a JSON object";
      return {};
    }
    json labels = json::parse(row.labels_json);
    if (!labels.is_object()) {
      error = "labels must be a JSON object";
      return {};
    }
    json flat = json::object();
    for (auto& [k, v] : labels.items()) flat[k] = v.is_string() ? v.get<std::string>() : v.dump();
    if (!flat.empty()) d["labels"] = flat;
    if (row.expected_status_json) {
      json statuses = json::array();
      for (auto& s : json::parse(*row.expected_status_json)) statuses.push_back(s.is_string() ? s.get<std::string>() : s.dump());
      d["expected_status"] = statuses;
    }
  } catch (const json::exception& e) {
    error = std::string("a JSON column does not parse: ") + e.what();
    return {};
  }
  d["url"] = row.url;
  if (row.interval_ms) d["interval"] = std::to_string(*row.interval_ms) + "ms";
  if (row.timeout_ms) d["timeout"] = std::to_string(*row.timeout_ms) + "ms";
  if (row.attempts) d["attempts"] = *row.attempts;
  if (row.method) d["method"] = *row.method;
  // A per-site pattern needs no YAML: the row's patterns become its evaluators (they replace
  // the pipeline's `evaluate` for this target).
  json evaluate = json::array();
  if (row.must_match) evaluate.push_back({{"plugin", "regex"}, {"pattern", *row.must_match}, {"mode", "must_match"}});
  if (row.must_not_match)
    evaluate.push_back({{"plugin", "regex"}, {"pattern", *row.must_not_match}, {"mode", "must_not_match"}});
  if (!evaluate.empty()) d["evaluate"] = evaluate;
  d.erase("id");  // the row's id is the id
  return d.dump();
}

}  // namespace watchpost::pg
