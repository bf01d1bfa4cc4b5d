#include "verdict_report.hpp"

#include "results/json_writer.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdio>

namespace watchpost::report {

namespace {

std::string window_filter(pqxx::work& w, const Query& q) {
  return "scheduled_at >= now() - make_interval(secs => " + std::to_string(q.since_ms / 1000.0) + ")" +
         (q.target.empty() ? std::string() : " AND target_id = " + w.quote(q.target));
}

std::optional<double> percent(int64_t good, int64_t all) {
  if (all <= 0) return std::nullopt;
  return 100.0 * static_cast<double>(good) / static_cast<double>(all);
}

std::string percent_text(const std::optional<double>& p) {
  if (!p) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f%%", *p);
  return buf;
}

// A schema written before verdicts (or regions) existed has no such table or column: then
// there is nothing to show, and the result is empty.
pqxx::result rows_or_none(pqxx::work& w, const std::string& sql) {
  try {
    return w.exec(sql);
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "42P01" || e.sqlstate() == "42703") return {};
    throw std::runtime_error(std::string("query failed: ") + e.what());
  }
}

}  // namespace

std::vector<VerdictReport> verdicts(pqxx::connection& c, const Query& q) {
  pqxx::work w(c);
  std::vector<VerdictReport> out;
  auto rows = rows_or_none(
      w, "SELECT pipeline, target_id, count(*), count(*) FILTER (WHERE verdict = 'up'), "
         "count(*) FILTER (WHERE verdict = 'degraded'), count(*) FILTER (WHERE verdict = 'down'), "
         "count(*) FILTER (WHERE verdict = 'unknown'), count(*) FILTER (WHERE verdict = 'maintenance') FROM \"" +
         q.schema + "\".verdicts WHERE " +
         window_filter(w, q) + " GROUP BY pipeline, target_id ORDER BY pipeline, target_id");
  for (auto row : rows) {
    VerdictReport v{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int64_t>(), row[3].as<int64_t>(),
                    row[4].as<int64_t>(),     row[5].as<int64_t>(),     row[6].as<int64_t>(), row[7].as<int64_t>(),
                    std::nullopt};
    v.uptime_percent = percent(v.up + v.degraded, v.slots - v.unknown - v.maintenance);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<RegionReport> regions(pqxx::connection& c, const Query& q) {
  pqxx::work w(c);
  std::vector<RegionReport> out;
  const std::string in = counted_checks(w, q);
  auto rows = rows_or_none(
      w, "SELECT pipeline, target_id, region, count(*), count(*) FILTER (WHERE outcome = 'up' AND " + in + "), "
         "count(*) FILTER (WHERE outcome = 'down' AND " + in + ") FROM \"" + q.schema + "\".check_results WHERE region IS "
         "NOT NULL AND " + window_filter(w, q) + " GROUP BY pipeline, target_id, region ORDER BY pipeline, target_id, region");
  for (auto row : rows) {
    RegionReport r{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<int64_t>(),     row[4].as<int64_t>(),     row[5].as<int64_t>(), std::nullopt};
    r.uptime_percent = percent(r.up, r.up + r.down);
    out.push_back(std::move(r));
  }
  return out;
}

std::string render_verdicts_table(const std::vector<VerdictReport>& v, const std::vector<RegionReport>& r) {
  std::string out;
  char line[512];
  if (!v.empty()) {
    out += "\nVerdicts across regions (a slot is down when a quorum of regions saw it down)\n\n";
    out += "PIPELINE      TARGET                SLOTS      UP  DEGRADED    DOWN  UNKNOWN  MAINT  UPTIME\n";
    for (auto& x : v) {
      std::snprintf(line, sizeof line, "%-13s %-20s %6lld  %6lld  %8lld  %6lld  %7lld  %5lld  %s\n", x.pipeline.c_str(),
                    x.target_id.c_str(), static_cast<long long>(x.slots), static_cast<long long>(x.up),
                    static_cast<long long>(x.degraded), static_cast<long long>(x.down),
                    static_cast<long long>(x.unknown), static_cast<long long>(x.maintenance),
                    percent_text(x.uptime_percent).c_str());
      out += line;
    }
  }
  if (!r.empty()) {
    out += "\nBy region\n\nPIPELINE      TARGET               REGION        CHECKS      UP    DOWN  UPTIME\n";
    for (auto& x : r) {
      std::snprintf(line, sizeof line, "%-13s %-20s %-13s %6lld  %6lld  %6lld  %s\n", x.pipeline.c_str(),
                    x.target_id.c_str(), x.region.c_str(), static_cast<long long>(x.checks),
                    static_cast<long long>(x.up), static_cast<long long>(x.down),
                    percent_text(x.uptime_percent).c_str());
      out += line;
    }
  }
  return out;
}

std::string verdicts_json_members(const std::vector<VerdictReport>& v, const std::vector<RegionReport>& r) {
  std::string out;
  JsonWriter j(out);
  auto pct = [&](const std::optional<double>& p) {
    j.key("uptime_percent");
    if (!p) return j.null();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *p);
    j.raw(buf);
  };
  j.key("verdicts");
  j.begin_array();
  for (auto& x : v) {
    j.begin_object();
    j.field("pipeline", x.pipeline);
    j.field("target_id", x.target_id);
    j.field("slots", x.slots);
    j.field("up", x.up);
    j.field("degraded", x.degraded);
    j.field("down", x.down);
    j.field("unknown", x.unknown);
    j.field("maintenance", x.maintenance);
    pct(x.uptime_percent);
    j.end_object();
  }
  j.end_array();
  j.key("regions");
  j.begin_array();
  for (auto& x : r) {
    j.begin_object();
    j.field("pipeline", x.pipeline);
    j.field("target_id", x.target_id);
    j.field("region", x.region);
    j.field("checks", x.checks);
    j.field("up", x.up);
    j.field("down", x.down);
    pct(x.uptime_percent);
    j.end_object();
  }
  j.end_array();
  return out;
}

}  // namespace watchpost::report
