// "How did each target do over the last N hours?" — read from pg_sink's check_results.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace watchpost::report {

struct TargetReport {
  std::string pipeline;
  std::string target_id;
  int64_t checks = 0, up = 0, down = 0, unknown = 0;
  // Checks whose slot fell in a maintenance window: in `checks`, in none of up/down/unknown,
  // nor in uptime or latency (docs/maintenance.md).
  int64_t in_maintenance = 0;
  std::optional<double> uptime_percent;  // up / (up + down); unknown checks are not counted
  std::optional<double> p50_ms, p95_ms, max_ms;  // over checks that were up
  std::optional<std::string> last_error_kind, last_error_message, last_error_at;
};

struct Query {
  std::string dsn;
  std::string schema = "watchpost";
  int64_t since_ms = 24LL * 3600 * 1000;
  std::string target;  // empty: all
};

// One connection for every part of a report. Throws std::runtime_error with a readable
// message (a schema name that is not one, a server that cannot be reached).
std::unique_ptr<pqxx::connection> connect(const Query& q);

// "NOT in_maintenance", or "true" for a schema written before maintenance windows: the filter
// for checks that count towards up, down and uptime (a report reads; it does not migrate).
std::string counted_checks(pqxx::work& w, const Query& q);

// Throws std::runtime_error with a readable message (missing schema, ...).
std::vector<TargetReport> run_query(pqxx::connection& c, const Query& q);

std::string render_table(const std::vector<TargetReport>& rows, const Query& q);
std::string render_json(const std::vector<TargetReport>& rows, const Query& q);

}  // namespace watchpost::report
