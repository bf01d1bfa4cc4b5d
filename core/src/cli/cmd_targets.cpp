// watchpost targets: the target catalogue in PostgreSQL, for operators. Every write is
// validated first by the same code that validates a pipeline file (so the same errors), then
// lands in SCHEMA.target_catalog, where pg_targets hears of it within a second.
#include "args.hpp"
#include "catalog.hpp"
#include "catalogue_publisher.hpp"
#include "commands.hpp"
#include "database.hpp"
#include "catalog/catalog_entry_check.hpp"
#include "config/config.hpp"
#include "plugins/host.hpp"

#include "catalog_entry.hpp"
#include "connection_options.hpp"
#include "migrations.hpp"

#include <watchpost/redact.hpp>
#include <watchpost/values.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <yaml-cpp/yaml.h>

#include <csignal>
#include <optional>
#include <poll.h>
#include <set>
#include <sys/signalfd.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace watchpost::cli {

namespace {

using pg::CatalogEntry;
using nlohmann::json;

const std::vector<std::string> kEntryValued = {"id",     "url",    "pipeline", "interval", "timeout",
                                               "attempts", "method", "expect-status", "match", "no-match",
                                               "label",  "option", "owner"};

struct Session {
  std::string schema;
  std::unique_ptr<pqxx::connection> conn;
};

Session open_catalogue(const Args& args) {
  Session s;
  s.schema = args.value("schema", "watchpost");
  pg::Conninfo where = database_from_args(args, "watchpost targets");
  HostContext context("targets");
  s.conn = pg::connect_and_migrate(where, s.schema, Host(context.get()));
  return s;
}

// The pipeline a row is checked against: the named one of --config FILE, else an http probe
// with defaults (what the catalogue holds is websites).
PipelineConfig pipeline_for(const Args& args, const PluginCatalog& plugins, const std::string& name) {
  std::optional<Config> config;
  if (args.has("config")) config = load_config(args.value("config"), plugins);
  auto p = catalogue_pipeline(config ? &*config : nullptr, name);
  if (!p) throw UsageError("--config " + args.value("config") + " has no probe pipeline named '" + name + "'");
  return *p;
}

std::string problem(const CatalogEntry& e, const PipelineConfig& pipeline, const PluginCatalog& plugins) {
  return catalogue_entry_problem(e, pipeline, plugins);
}

int64_t duration_flag(const Args& args, const std::string& name) {
  auto ms = parse_duration_ms(args.value(name));
  if (!ms || *ms <= 0) throw UsageError("--" + name + " takes a duration such as 30s or 5m");
  return *ms;
}

// The flags given, laid over `e`.
void apply_flags(const Args& args, CatalogEntry& e) {
  if (args.has("url")) e.url = args.value("url");
  if (args.has("pipeline")) e.pipeline = args.value("pipeline");
  if (args.has("interval")) e.interval_ms = duration_flag(args, "interval");
  if (args.has("timeout")) e.timeout_ms = duration_flag(args, "timeout");
  if (args.has("attempts")) {
    try {
      e.attempts = std::stoll(args.value("attempts"));
    } catch (const std::exception&) {
      throw UsageError("--attempts takes a number from 1 to 10");
    }
  }
  if (args.has("method")) e.method = args.value("method");
  if (args.has("expect-status")) e.expected_status = args.values("expect-status");
  if (args.has("match")) e.must_match = args.value("match");
  if (args.has("no-match")) e.must_not_match = args.value("no-match");
  if (args.has("owner")) e.owner = args.value("owner");
  auto pairs_into = [&](const std::string& flag, std::string& json_text) {
    if (!args.has(flag)) return;
    json object = json::parse(json_text);
    for (auto& [key, value] : args.pairs(flag)) object[key] = value;
    json_text = object.dump();
  };
  pairs_into("label", e.labels_json);
  pairs_into("option", e.options_json);
}

void check_or_throw(const CatalogEntry& e, const Args& args, const PluginCatalog& plugins) {
  std::string why = problem(e, pipeline_for(args, plugins, e.pipeline), plugins);
  if (!why.empty()) throw UsageError("target '" + e.id + "': " + why);
}

std::string id_flag(const Args& args) {
  if (!args.has("id")) throw UsageError("--id ID is needed");
  return args.value("id");
}

// ---- import / export: a pipeline file's targets list <-> rows -------------------------

bool is_default(const OptionSchema& schema, const OptionValue& v) {
  const wp_option_spec* spec = schema.find(v.name);
  if (!spec || !spec->default_value) return false;
  OptionValue d;
  if (!parse_scalar_option(*spec, spec->default_value, d).empty()) return false;
  return d.text == v.text && d.integer == v.integer && d.number == v.number && d.items == v.items;
}

json option_json(const OptionValue& v) {
  switch (v.type) {
    case WP_OPT_INT:
    case WP_OPT_BYTES: return v.integer;
    case WP_OPT_BOOL: return v.integer != 0;
    case WP_OPT_FLOAT: return v.number;
    case WP_OPT_DURATION: return std::to_string(v.integer) + "ms";
    case WP_OPT_STRING_LIST: return v.items;
    case WP_OPT_STRING_MAP: {
      json m = json::object();
      for (size_t i = 0; i + 1 < v.items.size(); i += 2) m[v.items[i]] = v.items[i + 1];
      return m;
    }
    default: return v.text;
  }
}

CatalogEntry entry_of(const TargetConfig& t, const std::string& pipeline, const OptionSchema& probe_schema, int64_t n) {
  CatalogEntry e;
  e.id = n >= 0 ? expand_n(t.id, n) : t.id;
  e.pipeline = pipeline;
  e.url = n >= 0 ? expand_n(t.url, n) : t.url;
  e.interval_ms = t.interval_ms;
  e.timeout_ms = t.timeout_ms;
  e.attempts = t.attempts;
  json labels = json::object();
  for (auto& [k, v] : t.labels) labels[k] = v;
  e.labels_json = labels.dump();
  json options = json::object();
  for (auto& o : n >= 0 ? expand_options(t.probe_options, n) : t.probe_options) {
    if (o.name == "url" || is_default(probe_schema, o)) continue;
    if (o.name == "method") e.method = o.text;
    else if (o.name == "expected_status") e.expected_status = o.items;
    else options[o.name] = option_json(o);
  }
  // A target's own windows travel in its options (the catalogue's own windows are rows of
  // maintenance_windows; both reach the target's definition).
  for (auto& w : t.maintenance) {
    json j = {{"name", w.name}, {"timezone", w.timezone}};
    if (!w.schedule.empty()) j["schedule"] = w.schedule;
    if (w.duration_ms > 0) j["duration"] = std::to_string(w.duration_ms) + "ms";
    if (!w.start.empty()) j["start"] = w.start;
    if (!w.end.empty()) j["end"] = w.end;
    options["maintenance"].push_back(std::move(j));
  }
  e.options_json = options.dump();
  if (t.evaluators) {
    for (auto& ev : *t.evaluators) {
      const OptionValue* mode = find_option(ev.options, "mode");
      const OptionValue* pattern = find_option(ev.options, "pattern");
      if (ev.plugin != "regex" || !pattern || find_option(ev.options, "max_body"))
        throw ConfigError({{ev.pos, "the catalogue holds a target's evaluators as must_match / must_not_match "
                                    "patterns only; keep this target in a file"}});
      if (mode && mode->text == "must_not_match") e.must_not_match = pattern->text;
      else e.must_match = pattern->text;
    }
  }
  return e;
}

int import_file(const Args& args, const PluginCatalog& plugins) {
  if (args.positional().size() != 2) throw UsageError("import needs the pipeline FILE to read targets from");
  Config config;
  try {
    config = load_config(args.positional()[1], plugins);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  const PipelineConfig* source = nullptr;
  for (auto& p : config.pipelines)
    if (p.probe && !p.targets.empty() && (!args.has("pipeline") || p.name == args.value("pipeline"))) {
      if (source) throw UsageError("the file has several pipelines with targets: choose one with --pipeline NAME");
      source = &p;
    }
  if (!source) throw UsageError("no pipeline with a targets list in " + args.positional()[1]);
  const OptionSchema* probe_schema = plugins.schema(source->probe->plugin, Kind::probe);
  std::string into = args.value("into", source->name);
  std::vector<CatalogEntry> entries;
  try {
    for (auto& t : source->targets)
      for (int64_t n = 0; n < t.repeat; ++n) entries.push_back(entry_of(t, into, *probe_schema, t.repeat > 1 ? n : -1));
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  Session s = open_catalogue(args);
  for (auto& e : entries) pg::upsert_entry(*s.conn, s.schema, e);
  std::printf("imported %zu targets into %s.target_catalog (pipeline '%s')\n", entries.size(), s.schema.c_str(),
              into.c_str());
  return 0;
}

int export_rows(const Args& args) {
  Session s = open_catalogue(args);
  std::string pipeline = args.value("pipeline", "default");
  auto entries = pg::list_entries(*s.conn, s.schema, pipeline);
  YAML::Emitter y;
  y << YAML::Comment("watchpost targets export: pipeline '" + pipeline + "' of " + s.schema + ".target_catalog");
  y << YAML::BeginMap << YAML::Key << "pipelines" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << pipeline;
  y << YAML::Key << "probe" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "plugin" << YAML::Value
    << "http" << YAML::EndMap;
  y << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
  for (auto& e : entries) {
    if (!e.enabled) continue;  // a file has no "disabled": leaving it out is what it means
    std::string error;
    // The catalogue's windows are rows of their own (`watchpost maintenance`), not the target's:
    // an import of this file must not copy them into it.
    pg::CatalogEntry own = e;
    own.maintenance_json.clear();
    YAML::Node definition = YAML::Load(pg::entry_definition(own, error));
    definition["id"] = e.id;
    y << YAML::Flow << definition;
  }
  y << YAML::EndSeq;
  y << YAML::Key << "sinks" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "plugin"
    << YAML::Value << "stdout" << YAML::EndMap << YAML::EndSeq;
  y << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  std::printf("%s\n", y.c_str());
  return 0;
}

// ---- list -------------------------------------------------------------------------------

int list_rows(const Args& args, const PluginCatalog& plugins) {
  Session s = open_catalogue(args);
  auto entries = pg::list_entries(*s.conn, s.schema, args.value("pipeline"));
  // The latest status, when pg_sink writes to the same schema.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> status;
  {
    pqxx::work tx(*s.conn);
    auto has = tx.exec("SELECT to_regclass(" + tx.quote(s.schema + ".targets") + ") IS NOT NULL")[0][0].as<bool>();
    if (has)
      for (const auto& r : tx.exec(pg::with_schema("SELECT pipeline, target_id, outcome, to_char(last_checked_at AT TIME "
                                                   "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM {schema}.targets",
                                                   s.schema)))
        status[{r[0].c_str(), r[1].c_str()}] = {r[2].c_str(), r[3].c_str()};
    tx.commit();
  }
  std::map<std::string, PipelineConfig> pipelines;
  json out = json::array();
  std::string table = "ID                    PIPELINE      ENABLED  INTERVAL  STATUS     URL / PROBLEM\n";
  for (auto& e : entries) {
    auto p = pipelines.find(e.pipeline);
    if (p == pipelines.end()) p = pipelines.emplace(e.pipeline, pipeline_for(args, plugins, e.pipeline)).first;
    std::string why = problem(e, p->second, plugins);
    auto st = status.find({e.pipeline, e.id});
    std::string outcome = st == status.end() ? "" : st->second.first;
    std::string url = redact_url(e.url);
    json j = {{"id", e.id}, {"pipeline", e.pipeline}, {"enabled", e.enabled}, {"url", url}};
    j["interval_ms"] = e.interval_ms ? json(*e.interval_ms) : json(nullptr);
    j["status"] = outcome.empty() ? json(nullptr) : json(outcome);
    j["last_checked_at"] = st == status.end() ? json(nullptr) : json(st->second.second);
    j["problem"] = why.empty() ? json(nullptr) : json(why);
    out.push_back(j);
    char line[256];
    std::snprintf(line, sizeof line, "%-21s %-13s %-8s %-9s %-10s ", e.id.substr(0, 21).c_str(),
                  e.pipeline.substr(0, 13).c_str(), e.enabled ? "yes" : "no",
                  e.interval_ms ? (std::to_string(*e.interval_ms / 1000) + "s").c_str() : "-",
                  outcome.empty() ? "-" : outcome.c_str());
    table += line + (why.empty() ? url : "SKIPPED: " + why) + "\n";
  }
  if (args.flag("json")) std::printf("%s\n", out.dump(2).c_str());
  else std::fputs(entries.empty() ? "no targets in the catalogue\n" : table.c_str(), stdout);
  return 0;
}

// ---- publish ----------------------------------------------------------------------------

// What the fleet's topic should hold for one row: its definition, or nothing when it is
// disabled, another pipeline's, or unreadable (said on stderr, by id).
std::optional<std::string> published_definition(const pg::CatalogEntry& e, const std::string& pipeline) {
  if (!e.enabled || e.pipeline != pipeline) return std::nullopt;
  std::string error;
  std::string definition = pg::entry_definition(e, error);
  if (definition.empty()) {
    std::fprintf(stderr, "skipping '%s': %s\n", e.id.c_str(), error.c_str());
    return std::nullopt;
  }
  return definition;
}

std::map<std::string, std::string> published_definitions(Session& s, const std::string& pipeline) {
  std::map<std::string, std::string> out;
  for (auto& e : pg::list_entries(*s.conn, s.schema, pipeline))
    if (auto definition = published_definition(e, pipeline)) out[e.id] = std::move(*definition);
  return out;
}

// Collects the ids the catalogue's notifications name (the same channel pg_targets hears).
class ChangedIds final : public pqxx::notification_receiver {
 public:
  ChangedIds(pqxx::connection_base& c, const std::string& schema)
      : pqxx::notification_receiver(c, "watchpost_catalog." + schema) {}
  void operator()(const std::string& payload, int) override { ids.insert(payload); }
  std::set<std::string> ids;
};

// SIGINT and SIGTERM as a descriptor to wait on beside the database's socket.
int stop_signals_fd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  return signalfd(-1, &set, SFD_CLOEXEC);
}

// Over this many changed ids at once (a bulk import), one full reconciliation is cheaper.
constexpr size_t kMostChangesByNotification = 1000;

int publish_catalogue(const Args& args) {
  if (!args.has("brokers")) throw UsageError("publish needs --brokers HOST:PORT[,...] (the fleet's Kafka)");
  std::string pipeline = args.value("pipeline", "default");
  std::string topic = args.value("topic", "watchpost.targets");
  std::optional<avro::Framing> avro;
  std::string format = args.value("format", "json");
  if (format == "avro") {
    avro::Framing f;
    f.confluent = args.value("avro-framing", "confluent") == "confluent";
    if (args.value("avro-framing", "confluent") != "confluent" && args.value("avro-framing") != "plain")
      throw UsageError("--avro-framing is confluent or plain");
    f.registry_url = args.value("schema-registry", "");
    if (args.has("schema-id")) {
      const std::string id = args.value("schema-id");
      if (id.empty() || id.size() > 10 || id.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError("--schema-id must be a number");
      f.schema_id = static_cast<uint32_t>(std::stoull(id));
    }
    try {
      avro::check_framing(f);
    } catch (const OptionError& e) {
      std::string flag = e.option();
      for (auto& c : flag)
        if (c == '_') c = '-';
      throw UsageError("--" + flag + ": " + e.what());
    }
    avro = f;
  } else if (format != "json") {
    throw UsageError("--format is json or avro");
  }
  Session s = open_catalogue(args);
  CataloguePublisher publisher(args.value("brokers"), topic, avro);
  // Listening before the first read: a change made while it runs is heard, not lost.
  std::unique_ptr<ChangedIds> changed;
  if (args.has("every")) changed = std::make_unique<ChangedIds>(*s.conn, s.schema);
  publisher.read_topic();
  auto report = [&](const CataloguePublisher::Summary& sum) {
    std::printf("pipeline '%s' -> topic '%s': %zu written, %zu deleted, %zu unchanged%s\n", pipeline.c_str(),
                topic.c_str(), sum.written, sum.deleted, sum.unchanged,
                sum.skipped ? (", " + std::to_string(sum.skipped) + " skipped").c_str() : "");
    std::fflush(stdout);
  };
  report(publisher.publish(published_definitions(s, pipeline)));
  if (!changed) return 0;
  // Kept running: each change is published as PostgreSQL announces it, and the whole catalogue
  // reconciled again every period (the safety net under notifications), until SIGINT or SIGTERM.
  auto period = std::chrono::milliseconds(duration_flag(args, "every"));
  int signals = stop_signals_fd();
  auto next_full = std::chrono::steady_clock::now() + period;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_full - std::chrono::steady_clock::now());
    pollfd fds[2] = {{s.conn->sock(), POLLIN, 0}, {signals, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(std::max<int64_t>(left.count(), 0))) > 0 && fds[1].revents) break;
    s.conn->get_notifs();
    CataloguePublisher::Summary sum;
    // An empty id: a maintenance window changed, and with it any number of definitions.
    if (std::chrono::steady_clock::now() >= next_full || changed->ids.size() > kMostChangesByNotification ||
        changed->ids.count("")) {
      changed->ids.clear();
      sum = publisher.publish(published_definitions(s, pipeline));
      next_full = std::chrono::steady_clock::now() + period;
    } else if (!changed->ids.empty()) {
      std::map<std::string, std::optional<std::string>> changes;
      for (auto& id : changed->ids) {
        auto e = pg::get_entry(*s.conn, s.schema, id);
        changes[id] = e ? published_definition(*e, pipeline) : std::nullopt;
      }
      changed->ids.clear();
      sum = publisher.publish_changes(changes);
    }
    if (sum.written || sum.deleted) report(sum);
  }
  close(signals);
  return 0;
}

}  // namespace

int cmd_targets(int argc, char** argv) {
  if (argc < 3) throw UsageError("targets needs a subcommand: add, update, remove, enable, disable, list, import, export, publish");
  std::string sub = argv[2];
  auto valued = common_valued();
  valued.insert(valued.end(), {"dsn", "schema", "config", "into", "brokers", "topic", "every", "format",
                               "schema-registry", "schema-id", "avro-framing"});
  valued.insert(valued.end(), kEntryValued.begin(), kEntryValued.end());
  Args args(argc, argv, 2, valued, {"json", "disabled"});
  apply_logging(args, "human", "warn");
  PluginCatalog plugins = load_catalog(args);
  if (sub != "import" && args.positional().size() != 1)
    throw UsageError("'targets " + sub + "' takes no other positional arguments");

  if (sub == "add") {
    CatalogEntry e;
    e.id = id_flag(args);
    if (!args.has("url")) throw UsageError("add needs --url URL");
    apply_flags(args, e);
    e.enabled = !args.flag("disabled");
    check_or_throw(e, args, plugins);
    Session s = open_catalogue(args);
    if (!pg::insert_entry(*s.conn, s.schema, e))
      throw UsageError("target '" + e.id + "' exists already: change it with 'watchpost targets update --id " + e.id + "'");
    std::printf("added '%s' to pipeline '%s'\n", e.id.c_str(), e.pipeline.c_str());
    return 0;
  }
  if (sub == "update" || sub == "enable" || sub == "disable") {
    std::string id = id_flag(args);
    Session s = open_catalogue(args);
    auto e = pg::get_entry(*s.conn, s.schema, id);
    if (!e) throw UsageError("no target '" + id + "' in " + s.schema + ".target_catalog (add it with 'watchpost targets add')");
    if (sub == "update") apply_flags(args, *e);
    else e->enabled = sub == "enable";
    check_or_throw(*e, args, plugins);
    pg::upsert_entry(*s.conn, s.schema, *e);
    std::printf("%s '%s'\n", sub == "update" ? "updated" : sub == "enable" ? "enabled" : "disabled", id.c_str());
    return 0;
  }
  if (sub == "remove") {
    std::string id = id_flag(args);
    Session s = open_catalogue(args);
    if (!pg::remove_entry(*s.conn, s.schema, id)) throw UsageError("no target '" + id + "' to remove");
    std::printf("removed '%s'\n", id.c_str());
    return 0;
  }
  if (sub == "list") return list_rows(args, plugins);
  if (sub == "import") return import_file(args, plugins);
  if (sub == "export") return export_rows(args);
  if (sub == "publish") return publish_catalogue(args);
  throw UsageError("unknown subcommand '" + sub + "': add, update, remove, enable, disable, list, import, export, publish");
}

}  // namespace watchpost::cli
