// watchpost maintenance: the catalogue's maintenance windows (docs/maintenance.md). Each is
// checked as a pipeline file's window is (the same errors), then stored in
// SCHEMA.maintenance_windows; readers of the catalogue (pg_targets, `targets publish --every`)
// are told at once and give each target the windows that choose it.
#include "args.hpp"
#include "commands.hpp"
#include "database.hpp"
#include "catalog/window_row_check.hpp"
#include "maintenance/maintenance_window.hpp"
#include "observe/utc_text.hpp"
#include "plugins/host.hpp"

#include "connection_options.hpp"
#include "maintenance_rows.hpp"
#include "migrations.hpp"

#include <watchpost/values.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>

namespace watchpost::cli {

namespace {

using nlohmann::json;

std::unique_ptr<pqxx::connection> open(const Args& args, std::string& schema) {
  schema = args.value("schema", "watchpost");
  pg::Conninfo where = database_from_args(args, "watchpost maintenance");
  HostContext context("maintenance");
  return pg::connect_and_migrate(where, schema, Host(context.get()));
}

std::string name_arg(const Args& args, const std::string& sub) {
  if (args.positional().size() != 2) throw UsageError("'maintenance " + sub + "' takes the window's NAME");
  return args.positional()[1];
}

MaintenanceConfig from_flags(const Args& args, const std::string& name) {
  MaintenanceConfig c;
  c.name = name;
  c.schedule = args.value("schedule");
  if (args.has("duration")) {
    auto ms = parse_duration_ms(args.value("duration"));
    if (!ms || *ms <= 0) throw UsageError("--duration takes a duration such as 90m or 2h");
    c.duration_ms = *ms;
  }
  c.start = args.value("start");
  c.end = args.value("end");
  c.timezone = args.value("timezone", "UTC");
  c.targets = args.values("target");
  c.labels = args.pairs("label");
  return c;
}

std::string when(const pg::WindowRow& w) {
  if (w.schedule)
    return "\"" + *w.schedule + "\" for " + std::to_string(*w.duration_ms / 60000) + "m (" + w.timezone + ")";
  return utc_text(*w.starts_at_us / 1000000) + " to " + utc_text(*w.ends_at_us / 1000000);
}

std::string which(const pg::WindowRow& w) {
  std::string out;
  for (auto& id : w.target_ids) out += (out.empty() ? "" : ",") + id;
  json labels = json::parse(w.labels_json);
  for (auto& [k, v] : labels.items()) out += (out.empty() ? "" : ",") + k + "=" + v.get<std::string>();
  return out.empty() ? "every target" : out;
}

int list(const Args& args) {
  std::string schema;
  auto conn = open(args, schema);
  auto rows = pg::list_windows(*conn, schema);
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  if (args.flag("json")) {
    json out = json::array();
    for (auto& w : rows) {
      json j = {{"name", w.name}, {"timezone", w.timezone}, {"targets", w.target_ids},
                {"labels", json::parse(w.labels_json)}, {"state", window_state(w, now).text}};
      if (w.schedule) {
        j["schedule"] = *w.schedule;
        j["duration_ms"] = *w.duration_ms;
      } else {
        j["start"] = utc_text(*w.starts_at_us / 1000000);
        j["end"] = utc_text(*w.ends_at_us / 1000000);
      }
      if (w.owner) j["owner"] = *w.owner;
      if (w.comment) j["comment"] = *w.comment;
      out.push_back(std::move(j));
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  if (rows.empty()) {
    std::puts("no maintenance windows in the catalogue");
    return 0;
  }
  for (auto& w : rows)
    std::printf("%-24s %-44s %-28s %s\n", w.name.c_str(), when(w).c_str(), which(w).c_str(), window_state(w, now).text.c_str());
  return 0;
}

}  // namespace

int cmd_maintenance(int argc, char** argv) {
  if (argc < 3) throw UsageError("maintenance needs a subcommand: add, list, remove");
  std::string sub = argv[2];
  auto valued = common_valued();
  valued.insert(valued.end(), {"dsn", "schema", "schedule", "duration", "start", "end", "timezone", "target", "label",
                               "owner", "comment"});
  Args args(argc, argv, 2, valued, {"json"});
  apply_logging(args, "human", "warn");
  if (sub == "list") return list(args);
  if (sub == "add") {
    std::string name = name_arg(args, sub);
    pg::WindowRow row;
    try {
      row = window_row(from_flags(args, name), args.has("owner") ? std::optional(args.value("owner")) : std::nullopt,
                       args.has("comment") ? std::optional(args.value("comment")) : std::nullopt);
    } catch (const MaintenanceError& e) {
      throw UsageError("window '" + name + "': " + e.what() + " (--" + e.field() + ")");
    }
    std::string schema;
    auto conn = open(args, schema);
    if (!pg::insert_window(*conn, schema, row))
      throw UsageError("a maintenance window called '" + name + "' exists: remove it first, or pick another name");
    std::printf("added maintenance window '%s': %s, %s\n", name.c_str(), when(row).c_str(), which(row).c_str());
    return 0;
  }
  if (sub == "remove") {
    std::string name = name_arg(args, sub);
    std::string schema;
    auto conn = open(args, schema);
    if (!pg::remove_window(*conn, schema, name)) {
      std::fprintf(stderr, "no maintenance window called '%s'\n", name.c_str());
      return 1;
    }
    std::printf("removed maintenance window '%s'\n", name.c_str());
    return 0;
  }
  throw UsageError("unknown subcommand '" + sub + "': add, list, remove");
}

}  // namespace watchpost::cli
