// The catalogue's maintenance windows (SCHEMA.maintenance_windows, docs/maintenance.md): the
// SQL that reads and writes them, for `watchpost maintenance` and the API. What chooses which
// targets is read back with each target row (catalog_entry.hpp's entry_columns).
#pragma once

#include <pqxx/connection>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace watchpost::pg {

struct WindowRow {
  std::string name;
  std::optional<std::string> owner;     // null: the operator's, choosing among every owner's targets
  std::optional<std::string> schedule;  // cron: recurring, with duration_ms
  std::optional<int64_t> duration_ms;
  std::optional<int64_t> starts_at_us, ends_at_us;  // one-off
  std::string timezone = "UTC";
  std::vector<std::string> target_ids;  // none: every target (of the owner)
  std::string labels_json = "{}";       // a JSON object: targets with all these labels
  std::optional<std::string> comment;
};

// `owner` set: that owner's windows only. `schema` is a checked identifier.
std::vector<WindowRow> list_windows(pqxx::connection& c, const std::string& schema,
                                    const std::optional<std::string>& owner = std::nullopt);
std::optional<WindowRow> get_window(pqxx::connection& c, const std::string& schema, const std::string& name);
// Insert; false when the name is taken (nothing written).
bool insert_window(pqxx::connection& c, const std::string& schema, const WindowRow& w);
// false when there was no such window (of that owner, when given).
bool remove_window(pqxx::connection& c, const std::string& schema, const std::string& name,
                   const std::optional<std::string>& owner = std::nullopt);

}  // namespace watchpost::pg
