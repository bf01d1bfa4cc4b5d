// watchpost alerts: what fires now and what fired lately, from PostgreSQL's `alerts` table
// (writers that store results there) or from a node's spool folder (--spool).
#include "../alerting/postgres_alert_store.hpp"
#include "../report/uptime_report.hpp"
#include "../observe/utc_text.hpp"
#include "args.hpp"
#include "commands.hpp"

#include <watchpost/redact.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/except>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace watchpost::cli {

namespace {

std::string utc(int64_t us) { return us <= 0 ? "-" : utc_text(us / 1000000); }

// The spool folder's alerts as rows: firing (oldest first), then the `history` latest resolves.
std::vector<AlertRow> read_spool(const std::string& spool, size_t history) {
  SpooledAlerts found = read_spooled_alerts(spool);
  std::sort(found.firing.begin(), found.firing.end(), [](auto& a, auto& b) { return a.started_at_us < b.started_at_us; });
  std::sort(found.resolved.begin(), found.resolved.end(), [](auto& a, auto& b) { return a.ended_at_us > b.ended_at_us; });
  if (found.resolved.size() > history) found.resolved.resize(history);
  std::vector<AlertRow> rows;
  for (auto* list : {&found.firing, &found.resolved})
    for (auto& a : *list) rows.push_back({std::move(a), 0, ""});
  return rows;
}

nlohmann::json row_json(const AlertRow& row) {
  const AlertRecord& a = row.alert;
  nlohmann::json labels = nlohmann::json::object();
  for (auto& [k, v] : a.labels) labels[k] = v;
  nlohmann::json j = {{"alert_id", a.alert_id}, {"pipeline", a.pipeline},   {"rule", a.rule},
                      {"target_id", a.target_id}, {"severity", a.severity}, {"summary", a.summary},
                      {"value", a.value},         {"url", redact_url(a.url)}, {"labels", labels},
                      {"started_at", utc(a.started_at_us)}};
  if (a.state == WP_ALERT_RESOLVED) j["ended_at"] = utc(a.ended_at_us);
  if (row.acknowledged_at_us) j["acknowledged"] = {{"at", utc(row.acknowledged_at_us)}, {"by", row.acknowledged_by}};
  return j;
}

}  // namespace

int cmd_alerts(int argc, char** argv) {
  auto valued = common_valued();
  valued.insert(valued.end(), {"dsn", "schema", "spool", "history"});
  Args args(argc, argv, 2, valued, {"json"});
  if (!args.positional().empty()) throw UsageError("alerts takes no positional arguments");
  std::string history_text = args.value("history", "20");
  if (history_text.empty() || history_text.size() > 6 || history_text.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("--history takes a count (default 20)");
  size_t history = std::stoul(history_text);
  std::vector<AlertRow> rows;
  if (!args.value("spool").empty()) {
    rows = read_spool(args.value("spool"), history);
  } else {
    report::Query q;
    const char* env = std::getenv("WATCHPOST_DSN");
    q.dsn = args.value("dsn", env ? env : "");
    q.schema = args.value("schema", "watchpost");
    auto conn = report::connect(q);
    try {
      rows = read_alerts(*conn, q.schema, history);
    } catch (const pqxx::sql_error& e) {
      // A database no writer has used yet: say so, as `report` does, rather than print SQL.
      if (e.sqlstate() == "42P01" || e.sqlstate() == "3F000")
        throw std::runtime_error("no alert state in schema '" + q.schema +
                                 "' (has a pipeline with alert rules and a pg_sink, or `watchpost serve`, used it yet?)");
      throw;
    }
  }
  if (args.flag("json")) {
    nlohmann::json out = {{"firing", nlohmann::json::array()}, {"history", nlohmann::json::array()}};
    for (auto& row : rows) out[row.alert.state == WP_ALERT_FIRING ? "firing" : "history"].push_back(row_json(row));
    std::fputs((out.dump(2) + "\n").c_str(), stdout);
    return 0;
  }
  size_t firing = 0;
  for (auto& row : rows) firing += row.alert.state == WP_ALERT_FIRING;
  std::string out = "Firing now: " + std::to_string(firing) + "\n";
  char line[1024];
  for (auto& row : rows) {
    if (row.alert.state != WP_ALERT_FIRING) continue;
    const AlertRecord& a = row.alert;
    std::snprintf(line, sizeof line, "  %-20s  %-8s  %-16s  %-20s  %s%s\n", utc(a.started_at_us).c_str(),
                  a.severity.c_str(), a.rule.c_str(), a.target_id.c_str(), a.summary.c_str(),
                  row.acknowledged_at_us ? (" (acknowledged by " + row.acknowledged_by + ")").c_str() : "");
    out += line;
  }
  out += "Resolved lately (newest first, at most " + std::to_string(history) + "):\n";
  for (auto& row : rows) {
    if (row.alert.state == WP_ALERT_FIRING) continue;
    const AlertRecord& a = row.alert;
    std::snprintf(line, sizeof line, "  %-20s → %-20s  %-8s  %-16s  %-20s  %s\n", utc(a.started_at_us).c_str(),
                  utc(a.ended_at_us).c_str(), a.severity.c_str(), a.rule.c_str(), a.target_id.c_str(), a.summary.c_str());
    out += line;
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace watchpost::cli
