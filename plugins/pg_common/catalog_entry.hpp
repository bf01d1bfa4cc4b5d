// One row of the target catalogue (SCHEMA.target_catalog), the SQL that reads and writes it,
// and the definition it stands for: the target's keys as a JSON mapping, which the core
// validates exactly as the same target written in a pipeline file. pg_targets reads rows;
// `watchpost targets` (and the API) write them.
#pragma once

#include <pqxx/connection>

#include <optional>
#include <string>
#include <vector>

namespace watchpost::pg {

struct CatalogEntry {
  std::string id;
  std::string pipeline = "default";
  std::string url;
  bool enabled = true;
  std::optional<int64_t> interval_ms, timeout_ms, attempts;
  std::optional<std::string> method;
  std::optional<std::vector<std::string>> expected_status;
  std::optional<std::string> must_match, must_not_match;
  std::string labels_json = "{}";   // a JSON object of strings
  std::string options_json = "{}";  // a JSON object: any other option of the pipeline's probe
  std::optional<std::string> owner;
  std::string maintenance_json;     // read only: the windows that choose it (a JSON list), "" when none
};

// The definition, or empty with `error` set when a JSON column is not what it must be.
std::string entry_definition(const CatalogEntry& entry, std::string& error);

// The columns every query below reads, in CatalogEntry's order (15; the last one reads the
// schema's maintenance_windows); `alias`: the table's alias in a join.
std::string entry_columns(const std::string& schema, const std::string& alias = "");
constexpr int kEntryColumnCount = 15;
CatalogEntry entry_from_row(const pqxx::row& row);

// Reading and writing (each in a transaction of its own). `schema` is a checked identifier.
std::optional<CatalogEntry> get_entry(pqxx::connection& c, const std::string& schema, const std::string& id);
std::vector<CatalogEntry> list_entries(pqxx::connection& c, const std::string& schema, const std::string& pipeline = "");
// Insert; false when the id exists already (nothing written).
bool insert_entry(pqxx::connection& c, const std::string& schema, const CatalogEntry& e);
// Insert or replace every column (import).
void upsert_entry(pqxx::connection& c, const std::string& schema, const CatalogEntry& e);
bool remove_entry(pqxx::connection& c, const std::string& schema, const std::string& id);

}  // namespace watchpost::pg
