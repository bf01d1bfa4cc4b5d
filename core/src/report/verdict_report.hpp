// The fleet's side of the report: per target, how its slots were judged across regions
// (pg_sink's verdicts table, docs/fleet.md), and per target and region, what each region saw.
// Both are empty for a database with no regional results.
#pragma once

#include "uptime_report.hpp"

#include <pqxx/connection>

#include <vector>

namespace watchpost::report {

struct VerdictReport {
  std::string pipeline, target_id;
  int64_t slots = 0, up = 0, degraded = 0, down = 0, unknown = 0;
  int64_t maintenance = 0;               // slots in a maintenance window: in `slots`, not in uptime
  std::optional<double> uptime_percent;  // slots not down / slots decided (unknown, maintenance not counted)
};

struct RegionReport {
  std::string pipeline, target_id, region;
  int64_t checks = 0, up = 0, down = 0;  // up and down leave out checks in maintenance windows
  std::optional<double> uptime_percent;
};

std::vector<VerdictReport> verdicts(pqxx::connection& c, const Query& q);
std::vector<RegionReport> regions(pqxx::connection& c, const Query& q);

std::string render_verdicts_table(const std::vector<VerdictReport>& v, const std::vector<RegionReport>& r);
// `"verdicts": [...], "regions": [...]` members for the report's JSON object (without braces).
std::string verdicts_json_members(const std::vector<VerdictReport>& v, const std::vector<RegionReport>& r);

}  // namespace watchpost::report
