#include "uptime_report.hpp"

#include "results/json_writer.hpp"

#include <pqxx/pqxx>

#include <cstdio>

namespace watchpost::report {

std::unique_ptr<pqxx::connection> connect(const Query& q) {
  // Checked here, once: every query of the report splices the name into its SQL.
  for (char c : q.schema)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      throw std::runtime_error("'" + q.schema + "' is not a valid schema name");
  try {
    return std::make_unique<pqxx::connection>(q.dsn);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot connect to PostgreSQL: ") + e.what());
  }
}

std::string counted_checks(pqxx::work& w, const Query& q) {
  auto has = w.exec("SELECT 1 FROM information_schema.columns WHERE table_schema = " + w.quote(q.schema) +
                    " AND table_name = 'check_results' AND column_name = 'in_maintenance'");
  return has.empty() ? "true" : "NOT in_maintenance";
}

std::vector<TargetReport> run_query(pqxx::connection& conn, const Query& q) {
  pqxx::work w(conn);
  const std::string in = counted_checks(w, q);
  const std::string sql =
      "SELECT pipeline, target_id, count(*), "
      "  count(*) FILTER (WHERE outcome = 'up' AND " + in + "), count(*) FILTER (WHERE outcome = 'down' AND " + in + "), "
      "  count(*) FILTER (WHERE outcome = 'unknown' AND " + in + "), "
      "  percentile_disc(0.5) WITHIN GROUP (ORDER BY total_us) FILTER (WHERE outcome = 'up' AND " + in + " AND total_us IS NOT NULL), "
      "  percentile_disc(0.95) WITHIN GROUP (ORDER BY total_us) FILTER (WHERE outcome = 'up' AND " + in + " AND total_us IS NOT NULL), "
      "  max(total_us) FILTER (WHERE outcome = 'up' AND " + in + "), "
      "  (array_agg(error_kind ORDER BY scheduled_at DESC) FILTER (WHERE outcome <> 'up'))[1], "
      "  (array_agg(error_message ORDER BY scheduled_at DESC) FILTER (WHERE outcome <> 'up'))[1], "
      "  to_char(max(scheduled_at) FILTER (WHERE outcome <> 'up') AT TIME ZONE 'UTC', "
      "          'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "  count(*) FILTER (WHERE NOT (" + in + ")) "
      "FROM \"" + q.schema + "\".check_results "
      "WHERE scheduled_at >= now() - make_interval(secs => " + std::to_string(q.since_ms / 1000.0) + ")" +
      (q.target.empty() ? std::string() : " AND target_id = " + w.quote(q.target)) +
      " GROUP BY pipeline, target_id ORDER BY pipeline, target_id";
  pqxx::result rows;
  try {
    rows = w.exec(sql);
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "42P01" || e.sqlstate() == "3F000")
      throw std::runtime_error("no watchpost tables in schema '" + q.schema + "' (has a pg_sink written there yet?)");
    throw std::runtime_error(std::string("query failed: ") + e.what());
  }
  std::vector<TargetReport> out;
  auto ms = [](const pqxx::field& f) -> std::optional<double> {
    if (f.is_null()) return std::nullopt;
    return f.as<int64_t>() / 1000.0;
  };
  auto text = [](const pqxx::field& f) -> std::optional<std::string> {
    if (f.is_null()) return std::nullopt;
    return f.as<std::string>();
  };
  for (auto row : rows) {
    TargetReport t;
    t.pipeline = row[0].as<std::string>();
    t.target_id = row[1].as<std::string>();
    t.checks = row[2].as<int64_t>();
    t.up = row[3].as<int64_t>();
    t.down = row[4].as<int64_t>();
    t.unknown = row[5].as<int64_t>();
    if (t.up + t.down > 0) t.uptime_percent = 100.0 * static_cast<double>(t.up) / static_cast<double>(t.up + t.down);
    t.p50_ms = ms(row[6]);
    t.p95_ms = ms(row[7]);
    t.max_ms = ms(row[8]);
    t.last_error_kind = text(row[9]);
    t.last_error_message = text(row[10]);
    t.last_error_at = text(row[11]);
    t.in_maintenance = row[12].as<int64_t>();
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

std::string fmt_ms(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  if (*v >= 1000) std::snprintf(buf, sizeof buf, "%.2fs", *v / 1000);
  else if (*v < 10) std::snprintf(buf, sizeof buf, "%.1fms", *v);
  else std::snprintf(buf, sizeof buf, "%.0fms", *v);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

}  // namespace

// "30 s", "90 min", "36 h", "7 d": the window in the unit the user would have written.
static std::string window_text(int64_t ms) {
  auto in = [&](int64_t unit, const char* name) {
    double v = static_cast<double>(ms) / static_cast<double>(unit);
    char buf[32];
    std::snprintf(buf, sizeof buf, v == static_cast<double>(static_cast<int64_t>(v)) ? "%.0f %s" : "%.1f %s", v, name);
    return std::string(buf);
  };
  // The largest unit that divides the window exactly (days from two on): 1h stays "1 h".
  if (ms >= 2 * 86'400'000 && ms % 86'400'000 == 0) return in(86'400'000, "d");
  if (ms % 3'600'000 == 0) return in(3'600'000, "h");
  if (ms % 60'000 == 0) return in(60'000, "min");
  return ms < 60'000 ? in(1000, "s") : in(60'000, "min");
}

std::string render_table(const std::vector<TargetReport>& rows, const Query& q) {
  std::string out = "Checks in the last " + window_text(q.since_ms) + (q.target.empty() ? "" : " for " + q.target) +
                    "\n\n";
  if (rows.empty()) return out + "no checks stored in that window\n";
  size_t w_pipe = 8, w_target = 6;
  for (auto& r : rows) {
    w_pipe = std::max(w_pipe, r.pipeline.size());
    w_target = std::max(w_target, r.target_id.size());
  }
  int64_t maintenance = 0;
  for (auto& r : rows) maintenance += r.in_maintenance;
  out += pad("PIPELINE", w_pipe + 2) + pad("TARGET", w_target + 2) + "CHECKS      UP    DOWN  UNKNOWN  " +
         (maintenance ? "MAINT  " : "") + "UPTIME    P50      P95      MAX      LAST ERROR\n";
  for (auto& r : rows) {
    char nums[160];
    std::string uptime = "-";
    if (r.uptime_percent) {
      char u[16];
      std::snprintf(u, sizeof u, "%.2f%%", *r.uptime_percent);
      uptime = u;
    }
    char maint[24] = "";
    if (maintenance) std::snprintf(maint, sizeof maint, "%5lld  ", static_cast<long long>(r.in_maintenance));
    std::snprintf(nums, sizeof nums, "%6lld  %6lld  %6lld  %7lld  %s%-8s  %-7s  %-7s  %-7s  ", static_cast<long long>(r.checks),
                  static_cast<long long>(r.up), static_cast<long long>(r.down), static_cast<long long>(r.unknown), maint,
                  uptime.c_str(), fmt_ms(r.p50_ms).c_str(), fmt_ms(r.p95_ms).c_str(), fmt_ms(r.max_ms).c_str());
    std::string last = "-";
    if (r.last_error_kind)
      last = *r.last_error_kind + " at " + r.last_error_at.value_or("?") +
             (r.last_error_message ? ": " + *r.last_error_message : "");
    out += pad(r.pipeline, w_pipe + 2) + pad(r.target_id, w_target + 2) + nums + last + "\n";
  }
  if (maintenance)
    out += "\n" + std::to_string(maintenance) + (maintenance == 1 ? " check" : " checks") +
           " fell in maintenance windows (MAINT): left out of UP, DOWN, UNKNOWN, UPTIME and latency\n";
  return out;
}

std::string render_json(const std::vector<TargetReport>& rows, const Query& q) {
  std::string out;
  JsonWriter j(out);
  j.begin_object();
  j.field("since_seconds", q.since_ms / 1000);
  j.key("targets");
  j.begin_array();
  auto num = [&](const char* k, const std::optional<double>& v) {
    j.key(k);
    if (!v) return j.null();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *v);
    j.raw(buf);
  };
  for (auto& r : rows) {
    j.begin_object();
    j.field("pipeline", r.pipeline);
    j.field("target_id", r.target_id);
    j.field("checks", r.checks);
    j.field("up", r.up);
    j.field("down", r.down);
    j.field("unknown", r.unknown);
    j.field("in_maintenance", r.in_maintenance);  // left out of up, down, unknown, uptime and latency
    num("uptime_percent", r.uptime_percent);
    j.key("latency_ms");
    j.begin_object();
    num("p50", r.p50_ms);
    num("p95", r.p95_ms);
    num("max", r.max_ms);
    j.end_object();
    j.key("last_error");
    if (!r.last_error_kind) {
      j.null();
    } else {
      j.begin_object();
      j.field("kind", *r.last_error_kind);
      j.key("message");
      if (r.last_error_message) j.value(*r.last_error_message);
      else j.null();
      j.field("at", r.last_error_at.value_or(""));
      j.end_object();
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  out += '\n';
  return out;
}

}  // namespace watchpost::report
