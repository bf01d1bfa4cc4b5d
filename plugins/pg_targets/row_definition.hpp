// A row of the target catalogue as the definition the core validates: the target's keys as a
// JSON mapping (url, interval, labels, evaluate...). Keeping this mapping in one place is what
// makes a row mean exactly what the same target written in a pipeline file means.
#pragma once

#include <optional>
#include <string>

namespace watchpost::pg {

struct CatalogRow {
  std::string id;
  std::string url;
  std::optional<int64_t> interval_ms, timeout_ms, attempts;
  std::optional<std::string> method;
  std::optional<std::string> expected_status_json;  // a JSON array, as array_to_json gives it
  std::optional<std::string> must_match, must_not_match;
  std::string labels_json = "{}";
  std::string options_json = "{}";
};

// The definition, or empty with `error` set when a JSON column is not what it must be.
std::string row_definition(const CatalogRow& row, std::string& error);

}  // namespace watchpost::pg
