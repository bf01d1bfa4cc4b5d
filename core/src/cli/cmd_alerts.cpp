// watchpost alerts: what fires now and what fired lately, from PostgreSQL's `alerts` table
// (writers that store results there) or from a node's spool folder (--spool).
#include "../alerting/postgres_alert_store.hpp"
#include "../report/uptime_report.hpp"
#include "args.hpp"
#include "commands.hpp"

#include <watchpost/redact.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace watchpost::cli {

namespace {

std::string utc(int64_t us) {
  if (us <= 0) return "-";
  time_t s = static_cast<time_t>(us / 1000000);
  struct tm tm {};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// SPOOL/alerts/PIPELINE.json (firing) and PIPELINE.history.jsonl (fires and resolves).
std::vector<AlertRow> read_spool(const std::string& spool, size_t history) {
  std::filesystem::path dir = std::filesystem::path(spool) / "alerts";
  if (!std::filesystem::is_directory(dir))
    throw std::runtime_error(dir.string() + " does not exist: no pipeline with alerts ran with this spool folder");
  std::vector<AlertRow> firing, resolved;
  std::vector<std::filesystem::path> files;
  for (auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& path : files) {
    std::string name = path.filename().string();
    auto ends = [&](const std::string& s) { return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
    if (ends(".history.jsonl") || ends(".history.jsonl.1")) {
      std::istringstream lines(read_file(path));
      for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;  // a torn line: skipped, said nowhere else
        try {
          AlertRecord e = alert_record_from_json(j);
          if (e.state == WP_ALERT_RESOLVED) resolved.push_back({std::move(e), 0, ""});
        } catch (const nlohmann::json::exception&) {
        }
      }
    } else if (ends(".json")) {
      auto j = nlohmann::json::parse(read_file(path), nullptr, false);
      if (j.is_discarded() || !j.contains("firing") || !j["firing"].is_array())
        throw std::runtime_error(path.string() + " is not an alert state file");
      std::string pipeline = j.value("pipeline", name.substr(0, name.size() - 5));
      for (auto& f : j["firing"]) {
        AlertRow row;
        AlertRecord& a = row.alert;
        a.pipeline = pipeline;
        a.rule = f.value("rule", "");
        a.target_id = f.value("target_id", "");
        a.alert_id = pipeline + "/" + a.rule + "/" + a.target_id;
        a.severity = f.value("severity", "");
        a.summary = f.value("summary", "");
        a.value = f.value("value", "");
        a.url = f.value("url", "");
        a.started_at_us = f.value("started_at_us", int64_t{0});
        if (f.contains("labels") && f["labels"].is_object())
          for (auto& [k, v] : f["labels"].items())
            if (v.is_string()) a.labels.emplace_back(k, v.get<std::string>());
        firing.push_back(std::move(row));
      }
    }
  }
  std::sort(firing.begin(), firing.end(), [](auto& a, auto& b) { return a.alert.started_at_us < b.alert.started_at_us; });
  std::sort(resolved.begin(), resolved.end(), [](auto& a, auto& b) { return a.alert.ended_at_us > b.alert.ended_at_us; });
  if (resolved.size() > history) resolved.resize(history);
  firing.insert(firing.end(), resolved.begin(), resolved.end());
  return firing;
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
    rows = read_alerts(*conn, q.schema, history);
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
