// The catalogue rows a user may see (their own; an admin's: all), with each target's latest
// status from pg_sink's `targets` table, filtered and paged in SQL.
#pragma once

#include "catalog_entry.hpp"

#include <pqxx/connection>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace watchpost::api {

struct TargetStatus {
  std::string outcome;  // up | down | unknown
  int64_t http_status = 0, total_us = -1, last_checked_at = 0;
  std::string error_kind, error_message;
  bool in_maintenance = false;  // the newest check fell in a maintenance window
};

struct Uptime {
  std::optional<double> day, week, month;  // percent up / (up + down) over 24 h, 7 d, 30 d
};

struct TargetRow {
  pg::CatalogEntry entry;
  std::optional<TargetStatus> status;  // none until it was checked and stored
  std::optional<Uptime> uptime;        // when asked for
};

struct TargetFilter {
  std::optional<std::string> owner;           // none: every owner (an admin)
  std::vector<std::pair<std::string, std::string>> labels;  // each must match
  std::optional<std::string> status;          // up | down | unknown | unchecked | paused
  int64_t limit = 50, offset = 0;
  bool uptime = false;  // also each row's uptime over 24 h, 7 d, 30 d (one more query for the page)
};

// The rows on the page, and how many match in all.
std::pair<std::vector<TargetRow>, int64_t> find_targets(pqxx::connection& c, const std::string& schema,
                                                        const TargetFilter& filter);
// One row, when the owner (none: any) has it.
std::optional<TargetRow> find_target(pqxx::connection& c, const std::string& schema, const std::string& id,
                                     const std::optional<std::string>& owner);

}  // namespace watchpost::api
