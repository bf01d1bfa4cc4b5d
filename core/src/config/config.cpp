#include "config.hpp"
#include "plain_name.hpp"

#include "alerting/alert_override.hpp"
#include "maintenance/maintenance_window.hpp"

#include "observe/listen_address.hpp"
#include <watchpost/result_limits.hpp>
#include "target_list_split.hpp"
#include "yaml_shape.hpp"

#include <watchpost/plugin.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace watchpost {

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::probe: return "probe";
    case Kind::targets: return "targets";
    case Kind::notifier: return "notifier";
    case Kind::evaluator: return "evaluator";
    case Kind::sink: return "sink";
    case Kind::source: return "source";
  }
  return "?";
}

namespace {

std::string format_issues(const std::vector<ConfigIssue>& issues) {
  std::string out;
  for (auto& i : issues) {
    if (!out.empty()) out += '\n';
    out += i.pos.str() + ": " + i.message;
  }
  return out;
}

const std::vector<wp_option_spec>& target_specs() {
  static const std::vector<wp_option_spec> specs = {
      option("id", WP_OPT_STRING, nullptr, "Stable target id (default: the url); its hash fixes the phase"),
      option("labels", WP_OPT_STRING_MAP, nullptr, "Key/value labels copied into every result"),
      option("interval", WP_OPT_DURATION, "30s", "Time between checks (1s and up)"),
      option("timeout", WP_OPT_DURATION, nullptr, "Give up after this long (default: the interval, at most 10s)"),
      option("attempts", WP_OPT_INT, "1", "Tries before a check is reported down"),
      option("retry_delay", WP_OPT_DURATION, "1s", "Pause between attempts"),
      option("repeat", WP_OPT_INT, "1", "Expand into N targets, with {n} in the id and options replaced by 0..N-1"),
  };
  return specs;
}

const std::vector<wp_option_spec>& sink_specs() {
  static const std::vector<wp_option_spec> specs = {
      option("batch_size", WP_OPT_INT, "500", "Results handed to the sink per write"),
      option("batch_delay", WP_OPT_DURATION, "200ms", "Longest wait to fill a batch"),
      option("queue_capacity", WP_OPT_INT, "10000", "Results held in memory before checks are held back"),
      option("max_retry_delay", WP_OPT_DURATION, "30s", "Cap of the jittered backoff between retries"),
      option("max_in_flight", WP_OPT_INT, "4",
             "Batches handed to a pipelined sink (kafka) before the oldest is durable; 1: one at a time"),
      option("dead_letter", WP_OPT_STRING, nullptr,
             "JSONL file for results the sink refuses for good (default: dead-letter.jsonl in the sink's spool "
             "folder; without a spool, the log)"),
  };
  return specs;
}

// A split target list that does not read alone (target_list_split.hpp): read the file whole.
struct SplitRefused {};

// `alerts:` rules: the core's own keys, checked like a plugin's options.
const OptionSchema& rule_schema() {
  static const std::vector<wp_option_spec> specs = {
      required_option("name", WP_OPT_STRING, "The rule's name: in every event and in the alert's id"),
      option("when", WP_OPT_STRING, "consecutive", "What fires it", "consecutive|window|latency|certificate|quorum"),
      option("days", WP_OPT_INT, "14", "certificate: fires when fewer days than this are left before it expires"),
      option("window", WP_OPT_DURATION, "5m", "window, latency: the sliding window judged"),
      option("percentile", WP_OPT_INT, "95", "latency: the percentile of total time judged (100: the maximum)"),
      option("above", WP_OPT_DURATION, "1s", "latency: fires when that percentile of total time is above this"),
      option("min_results", WP_OPT_INT, "1", "latency: results the window must hold before the rule can fire"),
      option("regions", WP_OPT_STRING_LIST, nullptr, "quorum: the regions expected to report each slot"),
      option("quorum", WP_OPT_INT, "2", "quorum: regions that must say down for a slot to count as down"),
      option("threshold", WP_OPT_INT, "0", "window: fires at this many matching results in the window"),
      option("ratio", WP_OPT_FLOAT, "0", "window: fires when matching / all results in the window exceeds this"),
      option("match_status", WP_OPT_STRING_LIST, nullptr, "window: HTTP statuses that match: 503, 5xx, 500-599"),
      option("match_error", WP_OPT_STRING_LIST, nullptr,
             "window: error kinds that match (timeout, connect, http_status...); with neither, a down result matches"),
      option("down", WP_OPT_INT, "3", "consecutive: down results in a row that fire it (quorum: down slots)"),
      option("up", WP_OPT_INT, "1", "consecutive: up results in a row that resolve it (quorum: slots not down)"),
      option("severity", WP_OPT_STRING, "critical", "Passed on to receivers (critical, warning, info...)"),
      option("summary", WP_OPT_STRING, "{target} is down: {value}",
             "One line for a human: {target} {url} {rule} {value} {pipeline} {severity}"),
      option("resolved_summary", WP_OPT_STRING, "{target} recovered: {value}", "The same, for the resolve"),
      option("labels", WP_OPT_STRING_MAP, nullptr, "Added to the target's labels on every event"),
      option("notify", WP_OPT_STRING_LIST, nullptr, "Notifiers (by name) it goes to; default: all"),
      option("remind_every", WP_OPT_DURATION, "1m",
             "A firing alert is re-announced this often to receivers that expire what is not repeated "
             "(Alertmanager); people are not told again"),
  };
  static const OptionSchema s = OptionSchema::from_table(specs.data(), specs.size(), nullptr);
  return s;
}

const OptionSchema& window_schema() {
  static const std::vector<wp_option_spec> specs = {
      required_option("name", WP_OPT_STRING, "The window's name: results in it carry it as maintenance_window"),
      option("schedule", WP_OPT_STRING, nullptr,
             "Recurring: a cron schedule of its openings (minute hour day month weekday, e.g. \"0 2 * * SUN\")"),
      option("duration", WP_OPT_DURATION, nullptr, "How long each opening lasts (one-off: instead of 'end')"),
      option("start", WP_OPT_STRING, nullptr, "One-off: when it opens (2026-12-01T22:00:00Z, or local time in 'timezone')"),
      option("end", WP_OPT_STRING, nullptr, "One-off: when it closes"),
      option("timezone", WP_OPT_STRING, "UTC", "The time zone of 'schedule' and of local times (IANA name: Europe/Berlin)"),
      option("targets", WP_OPT_STRING_LIST, nullptr, "Top level: the target ids it applies to"),
      option("labels", WP_OPT_STRING_MAP, nullptr, "Top level: it applies to targets with all these labels"),
  };
  static const OptionSchema s = OptionSchema::from_table(specs.data(), specs.size(), nullptr);
  return s;
}

const OptionSchema& notifier_shared_schema() {
  static const std::vector<wp_option_spec> specs = {
      option("name", WP_OPT_STRING, nullptr, "What rules' `notify` lists call it (default: the plugin's name)"),
  };
  static const OptionSchema s = OptionSchema::from_table(specs.data(), specs.size(), nullptr);
  return s;
}

bool status_pattern_ok(const std::string& p) {
  if (p.size() == 3 && p[0] >= '1' && p[0] <= '5' && p.substr(1) == "xx") return true;
  size_t dash = p.find('-');
  auto num = [](const std::string& v) { return !v.empty() && v.size() <= 3 && v.find_first_not_of("0123456789") == std::string::npos; };
  return dash == std::string::npos ? num(p) : num(p.substr(0, dash)) && num(p.substr(dash + 1));
}

}  // namespace

bool plain_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

namespace {

class Parser {
 public:
  Parser(std::string file, const SchemaCatalog& catalog) : file_(std::move(file)), catalog_(catalog) {}
  // The document's long target lists were split off (target_list_split.hpp): the items of
  // pipeline i's list after its first are read from `original`, a part at a time.
  Parser& with_split(const std::string& original, std::map<size_t, const SplitTargetList*> lists) {
    original_ = &original;
    split_ = std::move(lists);
    return *this;
  }

  Config parse(const YAML::Node& root) {
    Config cfg;
    cfg.path = file_;
    if (!root.IsMap()) {
      issue(root, "the file must be a mapping with a 'pipelines' list");
      finish();
    }
    static const std::vector<std::string> keys = {"node", "region", "log", "spool", "admin", "redact",
                                                  "pipelines", "probe_modules", "notifiers", "maintenance"};
    // Read first: the targets' default ids (their URLs) are redacted with it.
    if (root["redact"]) parse_redact(root["redact"], cfg);
    secret_params_ = cfg.secret_params;
    for (auto it : root) {
      std::string key = it.first.Scalar();
      if (key == "node") cfg.node = scalar(it.second);
      else if (key == "region") {
        cfg.region = scalar(it.second);
        // It names a consumer group and is stored with every result: a short plain name.
        bool plain = !cfg.region.empty() && cfg.region.size() <= 64;
        for (char c : cfg.region)
          plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
        if (!plain)
          issue(it.second, "'region' must be 1 to 64 letters, digits, '-', '_' or '.' (e.g. eu-west)");
      }
      else if (key == "log") parse_log(it.second, cfg);
      else if (key == "spool") parse_spool(it.second, cfg);
      else if (key == "redact") continue;
      else if (key == "admin") {
        const YAML::Node& a = it.second;
        if (!a.IsMap() || !a["listen"]) issue(a, "'admin' needs 'listen: HOST:PORT' (e.g. 127.0.0.1:9100)");
        else {
          static const std::vector<std::string> admin_keys = {"listen", "token", "tls_cert", "tls_key",
                                                              "target_series_limit"};
          for (auto kv : a)
            if (std::find(admin_keys.begin(), admin_keys.end(), kv.first.Scalar()) == admin_keys.end())
              unknown_key(kv.first, kv.first.Scalar(), admin_keys, "'admin'");
          cfg.admin_listen = scalar(a["listen"]);
          ListenAddress where;
          std::string bad = parse_listen_address(cfg.admin_listen, where);
          if (!bad.empty()) issue(a["listen"], "'listen': " + bad);
          if (a["token"]) cfg.admin_token = scalar(a["token"]);
          if (a["tls_cert"]) cfg.admin_tls_cert = scalar(a["tls_cert"]);
          if (a["tls_key"]) cfg.admin_tls_key = scalar(a["tls_key"]);
          if (cfg.admin_tls_cert.empty() != cfg.admin_tls_key.empty())
            issue(a, "'tls_cert' and 'tls_key' go together: give both PEM files, or neither");
          if (a["target_series_limit"]) {
            std::string v = scalar(a["target_series_limit"]);
            if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
              issue(a["target_series_limit"], "'target_series_limit' must be a whole number (0 turns per-target series off)");
            else
              cfg.target_series_limit = std::stoll(v);
          }
        }
      }
      else if (key == "probe_modules") parse_modules(it.second, cfg);
      else if (key == "notifiers") parse_notifiers(it.second, cfg);
      else if (key == "maintenance") cfg.maintenance = parse_maintenance(it.second, true);
      else if (key == "pipelines") {
        if (!it.second.IsSequence()) issue(it.second, "'pipelines' must be a list");
        else
          for (auto p : it.second) cfg.pipelines.push_back(parse_pipeline(p, cfg.pipelines.size()));
      } else if (key.rfind("x-", 0) != 0) {  // x-...: a home for anchors (&defaults), read by no one
        unknown_key(it.first, key, keys, "top level");
      }
    }
    if (!root["pipelines"] && !root["probe_modules"])
      issue(root, "no 'pipelines' list: add at least one pipeline (or 'probe_modules' to serve /probe only)");
    if (root["probe_modules"] && cfg.admin_listen.empty())
      issue(root["probe_modules"], "'probe_modules' are served at the admin endpoint's /probe: add 'admin: {listen: "
                                   "127.0.0.1:9115}'");
    for (auto& m : cfg.probe_modules) m.secret_params = cfg.secret_params;
    std::set<std::string> names;
    for (auto& p : cfg.pipelines) {
      if (!names.insert(p.name).second) issues_.push_back({p.pos, "duplicate pipeline name '" + p.name + "'"});
      p.spool = cfg.spool;
      p.secret_params = cfg.secret_params;
      p.maintenance = cfg.maintenance;
    }
    for (auto& p : cfg.pipelines)
      for (auto& rule : p.alerts)
        for (auto& name : rule.notify) {
          bool known = false;
          for (auto& n : cfg.notifiers) known = known || n.name == name;
          if (!known)
            issues_.push_back({rule.pos, "alert rule '" + rule.name + "' notifies '" + name +
                                             "', which is not in 'notifiers:' (add it there, or drop it from 'notify')"});
        }
    check_unread_split_lists();
    finish();
    return cfg;
  }

 private:
  Position pos(const YAML::Node& n) const {
    auto m = n.Mark();
    return Position{file_, m.line + 1 + line_offset_, m.column + 1};
  }
  void issue(const YAML::Node& n, std::string message) { issues_.push_back({pos(n), std::move(message)}); }
  void finish() {
    // As with the whole tree, where the shape check runs first and stops there.
    if (!shape_issues_.empty()) throw ConfigError(shape_issues_);
    if (!issues_.empty()) throw ConfigError(issues_);
  }

  // The targets of a split list after its first: each part loaded alone, checked as the tree's
  // are. A part that does not load alone means the split was wrong: SplitRefused.
  template <class Take>
  void read_split_targets(size_t pipeline_index, Take&& take) {
    auto it = split_.find(pipeline_index);
    if (it == split_.end()) return;
    split_read_.insert(pipeline_index);
    for (auto& part : it->second->parts) {
      YAML::Node items = load_split_part(part);
      line_offset_ = part.line;
      for (auto t : items) take(t);
      line_offset_ = 0;
    }
  }

  // One part of a split list, its shape checked as the whole tree's would be.
  YAML::Node load_split_part(const SplitTargetList::Part& part) {
    YAML::Node items;
    try {
      items = YAML::Load(original_->substr(part.begin, part.end - part.begin));
    } catch (const YAML::Exception&) {
      throw SplitRefused{};
    }
    if (!items.IsSequence()) throw SplitRefused{};
    auto shape = resolve_merges_and_find_duplicates(items, file_, part.line);
    shape_issues_.insert(shape_issues_.end(), shape.begin(), shape.end());
    return items;
  }

  // The whole tree is loaded and shape-checked even where a pipeline's targets are never
  // read (it has no probe): so are the split lists such a pipeline left unread.
  void check_unread_split_lists() {
    for (auto& [index, list] : split_)
      if (!split_read_.count(index))
        for (auto& part : list->parts) load_split_part(part);
  }


  std::string scalar(const YAML::Node& n) {
    if (!n.IsScalar()) {
      issue(n, "expected a single value here");
      return {};
    }
    if (!interpolate_) return n.Scalar();
    std::string out;
    std::string err = interpolate_env(n.Scalar(), out);
    if (!err.empty()) issue(n, err);
    return out;
  }

  void unknown_key(const YAML::Node& key_node, const std::string& key, const std::vector<std::string>& valid,
                   const std::string& where) {
    std::string hint = nearest(key, valid);
    issue(key_node, "unknown key '" + key + "' in " + where +
                        (hint.empty() ? "" : ": did you mean '" + hint + "'?") + " Valid keys: " + join(valid, ", "));
  }

  void parse_log(const YAML::Node& n, Config& cfg) {
    if (!n.IsMap()) return issue(n, "'log' must be a mapping with 'format' and 'level'");
    for (auto it : n) {
      std::string key = it.first.Scalar();
      std::string v = scalar(it.second);
      if (key == "format") {
        if (v != "auto" && v != "human" && v != "json") issue(it.second, "log format must be auto, human or json");
        cfg.log_format = v;
      } else if (key == "level") {
        if (v != "debug" && v != "info" && v != "warn" && v != "error")
          issue(it.second, "log level must be debug, info, warn or error");
        cfg.log_level = v;
      } else unknown_key(it.first, key, {"format", "level"}, "'log'");
    }
  }

  void parse_redact(const YAML::Node& n, Config& cfg) {
    static const char* kShape = "'redact' takes 'query_params: [token, key, ...]': the query parameters whose values "
                                "are hidden wherever a URL is shown, logged or stored";
    if (!n.IsMap()) return issue(n, kShape);
    for (auto it : n) {
      if (it.first.Scalar() != "query_params") {
        unknown_key(it.first, it.first.Scalar(), {"query_params"}, "'redact'");
        continue;
      }
      if (!it.second.IsSequence()) {
        issue(it.second, kShape);
        continue;
      }
      cfg.secret_params.clear();
      for (auto v : it.second) {
        std::string name = scalar(v);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (!name.empty()) cfg.secret_params.push_back(name);
      }
    }
  }

  void parse_spool(const YAML::Node& n, Config& cfg) {
    if (!n.IsMap()) return issue(n, "'spool' must be a mapping with 'dir' (and optionally max_size, fsync)");
    static const wp_option_spec specs[] = {
        option("dir", WP_OPT_STRING, nullptr, ""), option("max_size", WP_OPT_BYTES, "1GiB", ""),
        option("fsync", WP_OPT_STRING, "batch", "", "always|batch|never")};
    SpoolConfig sc;
    for (auto it : n) {
      std::string key = it.first.Scalar();
      const wp_option_spec* spec = nullptr;
      for (auto& s : specs)
        if (key == s.name) spec = &s;
      if (!spec) {
        unknown_key(it.first, key, {"dir", "max_size", "fsync"}, "'spool'");
        continue;
      }
      OptionValue v;
      if (!parse_value(*spec, it.second, v)) continue;
      if (key == "dir") sc.dir = v.text;
      else if (key == "max_size") sc.max_bytes = v.integer;
      else sc.fsync = v.text;
    }
    if (sc.dir.empty()) return issue(n, "'spool' needs 'dir': a folder the sinks may write their spools to");
    if (sc.max_bytes < (1 << 20)) issue(n, "'spool.max_size' must be at least 1MiB");
    cfg.spool = sc;
  }

  // One option of a schema from a YAML value.
  bool parse_value(const wp_option_spec& spec, const YAML::Node& n, OptionValue& out) {
    out.name = spec.name;
    out.type = spec.type;
    out.pos = pos(n);
    if (spec.type == WP_OPT_STRING_MAP) {
      if (!n.IsMap()) {
        issue(n, std::string("'") + spec.name + "' must be a mapping of key: value");
        return false;
      }
      for (auto it : n) {
        out.items.push_back(scalar(it.first));
        out.items.push_back(scalar(it.second));
      }
      return true;
    }
    if (spec.type == WP_OPT_STRING_LIST && n.IsSequence()) {
      for (auto item : n) out.items.push_back(scalar(item));
      return true;
    }
    if (!n.IsScalar()) {
      issue(n, std::string("'") + spec.name + "' must be a " + std::string(option_type_name(spec.type)));
      return false;
    }
    std::string text = scalar(n);
    std::string err = parse_scalar_option(spec, text, out);
    if (!err.empty()) {
      issue(n, std::string("'") + spec.name + "': " + err);
      return false;
    }
    out.pos = pos(n);
    return true;
  }

  void fill_defaults(const OptionSchema& schema, OptionList& list, const Position& where) {
    fill_option_defaults(schema, list, where);
  }

  void check_required(const OptionSchema& schema, const OptionList& list, const Position& where,
                      const std::string& what) {
    for (auto* spec : schema.specs)
      if (spec->required && !find_option(list, spec->name))
        issues_.push_back({where, what + " needs '" + spec->name + "': " + (spec->doc ? spec->doc : "")});
  }

  // Runs the plugin's own semantic checks; maps its complaint to the option's position.
  void plugin_validate(const OptionSchema& schema, const OptionList& list, const Position& where,
                       const std::string& what) {
    if (!schema.validate) return;
    OptionsView view(list);
    wp_error err{};
    err.struct_size = sizeof(err);
    if (schema.validate(view.get(), &err) == WP_OK) return;
    const OptionValue* o = err.option[0] ? find_option(list, err.option) : nullptr;
    std::string option_part = err.option[0] ? std::string("'") + err.option + "': " : std::string();
    issues_.push_back({o ? o->pos : where, what + ": " + option_part + err.message});
  }

  const OptionSchema* plugin_schema(const YAML::Node& at, const std::string& plugin, Kind kind) {
    if (auto* s = catalog_.schema(plugin, kind)) return s;
    auto kinds = catalog_.plugin_kinds(plugin);
    if (!kinds.empty()) {
      issue(at, "plugin '" + plugin + "' is not a " + std::string(kind_name(kind)) + " (it provides: " +
                    join(kinds, ", ") + ")");
      return nullptr;
    }
    auto names = catalog_.plugin_names(kind);
    std::string hint = nearest(plugin, names);
    issue(at, "no " + std::string(kind_name(kind)) + " plugin named '" + plugin + "'" +
                  (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; available: " +
                  (names.empty() ? std::string("none found (check --plugin-dir)") : join(names, ", ")));
    return nullptr;
  }

  // A block `{plugin: NAME, ...options}`. Extra keys allowed via `shared` (core options).
  std::optional<PluginBlock> parse_block(const YAML::Node& n, Kind kind, const OptionSchema* shared,
                                         OptionList* shared_out, const std::string& what) {
    if (!n.IsMap()) {
      issue(n, what + " must be a mapping with a 'plugin' key");
      return std::nullopt;
    }
    if (!n["plugin"]) {
      issue(n, what + " needs 'plugin: NAME' (one of: " + join(catalog_.plugin_names(kind), ", ") + ")");
      return std::nullopt;
    }
    PluginBlock b;
    b.pos = pos(n);
    b.plugin = scalar(n["plugin"]);
    const OptionSchema* schema = plugin_schema(n["plugin"], b.plugin, kind);
    if (!schema) return std::nullopt;
    std::vector<std::string> valid = {"plugin"};
    for (auto& k : schema->names()) valid.push_back(k);
    if (shared)
      for (auto& k : shared->names()) valid.push_back(k);
    for (auto it : n) {
      std::string key = it.first.Scalar();
      if (key == "plugin") continue;
      if (auto* spec = schema->find(key)) {
        OptionValue v;
        if (parse_value(*spec, it.second, v)) put_option(b.options, std::move(v));
      } else if (shared && shared->find(key)) {
        OptionValue v;
        if (parse_value(*shared->find(key), it.second, v)) put_option(*shared_out, std::move(v));
      } else {
        unknown_key(it.first, key, valid, what + " '" + b.plugin + "'");
      }
    }
    return b;
  }

  // Evaluators are complete on their own: defaults, required, plugin checks.
  std::vector<PluginBlock> parse_evaluators(const YAML::Node& n, const std::string& where) {
    std::vector<PluginBlock> out;
    if (!n.IsSequence()) {
      issue(n, "'evaluate' must be a list of {plugin: NAME, ...} blocks");
      return out;
    }
    for (auto e : n) {
      auto b = parse_block(e, Kind::evaluator, nullptr, nullptr, "evaluator in " + where);
      if (!b) continue;
      const OptionSchema* schema = catalog_.schema(b->plugin, Kind::evaluator);
      fill_defaults(*schema, b->options, b->pos);
      check_required(*schema, b->options, b->pos, "evaluator '" + b->plugin + "'");
      plugin_validate(*schema, b->options, b->pos, "evaluator '" + b->plugin + "'");
      out.push_back(std::move(*b));
    }
    return out;
  }

  // `alerts:` of a pipeline: a list of rules (docs/alerting.md).
  std::vector<AlertRuleConfig> parse_alerts(const YAML::Node& n) {
    std::vector<AlertRuleConfig> out;
    if (!n.IsSequence()) {
      issue(n, "'alerts' must be a list of rules, e.g. - {name: down, down: 3, up: 2}");
      return out;
    }
    const OptionSchema& schema = rule_schema();
    for (auto r : n) {
      if (!r.IsMap()) {
        issue(r, "an alert rule must be a mapping (name, when, down, up, severity, summary, notify)");
        continue;
      }
      AlertRuleConfig rule;
      rule.pos = pos(r);
      OptionList o;
      for (auto it : r) {
        std::string key = it.first.Scalar();
        if (auto* spec = schema.find(key)) {
          OptionValue v;
          if (parse_value(*spec, it.second, v)) put_option(o, std::move(v));
        } else {
          unknown_key(it.first, key, schema.names(), "alert rule");
        }
      }
      size_t before = issues_.size();
      fill_defaults(schema, o, rule.pos);
      check_required(schema, o, rule.pos, "alert rule");
      if (issues_.size() != before) continue;
      rule.name = find_option(o, "name")->text;
      if (!plain_name(rule.name))
        issues_.push_back({find_option(o, "name")->pos, "an alert rule's 'name' must be 1 to 64 letters, digits, '-', '_' or '.'"});
      for (auto& earlier : out)
        if (earlier.name == rule.name) issues_.push_back({rule.pos, "duplicate alert rule name '" + rule.name + "'"});
      rule.kind = find_option(o, "when")->text;
      rule.window_ms = find_option(o, "window")->integer;
      rule.threshold = find_option(o, "threshold")->integer;
      rule.ratio = find_option(o, "ratio")->number;
      if (auto* m = find_option(o, "match_status")) rule.match_status = m->items;
      if (auto* m = find_option(o, "match_error")) rule.match_error = m->items;
      rule.days = find_option(o, "days")->integer;
      if (rule.kind == "certificate" && rule.days < 1)
        issues_.push_back({find_option(o, "days")->pos, "'days' must be at least 1"});
      if (rule.kind == "window") {
        if (rule.window_ms < 1000) issues_.push_back({find_option(o, "window")->pos, "'window' must be at least 1s"});
        if (rule.threshold < 0 || rule.ratio < 0 || rule.ratio >= 1 || (rule.threshold == 0) == (rule.ratio == 0))
          issues_.push_back({rule.pos, "a window rule needs one of 'threshold' (a count, at least 1) or 'ratio' "
                                       "(a fraction of the results, between 0 and 1)"});
        for (auto& st : rule.match_status)
          if (!status_pattern_ok(st))
            issues_.push_back({find_option(o, "match_status")->pos,
                               "'match_status': '" + st + "' is not a status, a class or a range (503, 5xx, 500-599)"});
        for (auto& kind : rule.match_error) {
          bool known = false;
          for (int k = 0; k < WP_ERR_KIND_COUNT; ++k) known = known || kind == wp_error_kind_name(k);
          if (!known)
            issues_.push_back({find_option(o, "match_error")->pos, "'match_error': '" + kind + "' is not an error kind "
                                                                   "(docs/result-format.md lists them)"});
        }
      } else if (find_option(o, "match_status") || find_option(o, "match_error")) {
        issues_.push_back({rule.pos, "'match_status' and 'match_error' are for 'when: window' rules"});
      }
      rule.percentile = find_option(o, "percentile")->integer;
      rule.above_ms = find_option(o, "above")->integer;
      rule.min_results = find_option(o, "min_results")->integer;
      if (rule.kind == "latency") {
        if (rule.window_ms < 1000) issues_.push_back({find_option(o, "window")->pos, "'window' must be at least 1s"});
        if (rule.percentile < 1 || rule.percentile > 100)
          issues_.push_back({find_option(o, "percentile")->pos, "'percentile' must be 1 to 100 (100: the maximum)"});
        if (rule.min_results < 1)
          issues_.push_back({find_option(o, "min_results")->pos, "'min_results' must be at least 1"});
      }
      rule.quorum = find_option(o, "quorum")->integer;
      if (auto* regions = find_option(o, "regions")) rule.regions = regions->items;
      if (rule.kind == "quorum") {
        std::set<std::string> seen(rule.regions.begin(), rule.regions.end());
        if (rule.regions.empty() || rule.regions.size() > 64 || seen.size() != rule.regions.size())
          issues_.push_back({rule.pos, "a quorum rule needs 'regions': the 1 to 64 distinct regions expected to report "
                                       "each slot (e.g. [eu-west, us-east, ap-south])"});
        else if (rule.quorum < 1 || rule.quorum > static_cast<int64_t>(rule.regions.size()))
          issues_.push_back({find_option(o, "quorum")->pos, "'quorum' must be 1 to " + std::to_string(rule.regions.size()) +
                                                           " (the number of regions listed)"});
      } else if (find_option(o, "regions")) {
        issues_.push_back({find_option(o, "regions")->pos, "'regions' is for 'when: quorum' rules"});
      }
      rule.down = find_option(o, "down")->integer;
      rule.up = find_option(o, "up")->integer;
      if (rule.down < 1) issues_.push_back({find_option(o, "down")->pos, "'down' must be at least 1"});
      if (rule.up < 1) issues_.push_back({find_option(o, "up")->pos, "'up' must be at least 1"});
      rule.severity = find_option(o, "severity")->text;
      rule.summary = find_option(o, "summary")->text;
      rule.resolved_summary = find_option(o, "resolved_summary")->text;
      if (auto* labels = find_option(o, "labels"))
        for (size_t i = 0; i + 1 < labels->items.size(); i += 2) rule.labels.emplace_back(labels->items[i], labels->items[i + 1]);
      if (auto* notify = find_option(o, "notify")) rule.notify = notify->items;
      rule.remind_every_ms = find_option(o, "remind_every")->integer;
      if (rule.remind_every_ms < 1000)
        issues_.push_back({find_option(o, "remind_every")->pos, "'remind_every' must be at least 1s"});
      out.push_back(std::move(rule));
    }
    return out;
  }

  // `maintenance:` windows (docs/maintenance.md): the file's, with selectors, or a target's own.
  // Each is made once here, so what is wrong with it is said with its position.
  std::vector<MaintenanceConfig> parse_maintenance(const YAML::Node& n, bool top_level) {
    std::vector<MaintenanceConfig> out;
    if (!n.IsSequence()) {
      issue(n, "'maintenance' must be a list of windows, e.g. - {name: deploys, schedule: \"0 2 * * SUN\", duration: 1h}");
      return out;
    }
    const OptionSchema& schema = window_schema();
    for (auto w : n) {
      if (!w.IsMap()) {
        issue(w, "a maintenance window must be a mapping (name, schedule and duration, or start and end, timezone)");
        continue;
      }
      MaintenanceConfig m;
      m.pos = pos(w);
      OptionList o;
      for (auto it : w) {
        std::string key = it.first.Scalar();
        if (auto* spec = schema.find(key)) {
          if (!top_level && (key == "targets" || key == "labels")) {
            issue(it.first, "'" + key + "' chooses targets for a window of the file's 'maintenance:'; a target's own "
                                        "window applies to it alone (drop '" + key + "')");
            continue;
          }
          OptionValue v;
          if (parse_value(*spec, it.second, v)) put_option(o, std::move(v));
        } else {
          unknown_key(it.first, key, schema.names(), "maintenance window");
        }
      }
      size_t before = issues_.size();
      fill_defaults(schema, o, m.pos);
      check_required(schema, o, m.pos, "maintenance window");
      if (issues_.size() != before) continue;
      m.name = find_option(o, "name")->text;
      if (!plain_name(m.name))
        issues_.push_back({find_option(o, "name")->pos, "a maintenance window's 'name' must be 1 to 64 letters, digits, "
                                                        "'-', '_' or '.'"});
      for (auto& earlier : out)
        if (earlier.name == m.name) issues_.push_back({m.pos, "duplicate maintenance window name '" + m.name + "'"});
      if (auto* v = find_option(o, "schedule")) m.schedule = v->text;
      if (auto* v = find_option(o, "duration")) m.duration_ms = v->integer;
      if (auto* v = find_option(o, "start")) m.start = v->text;
      if (auto* v = find_option(o, "end")) m.end = v->text;
      m.timezone = find_option(o, "timezone")->text;
      if (auto* v = find_option(o, "targets")) m.targets = v->items;
      if (auto* v = find_option(o, "labels"))
        for (size_t i = 0; i + 1 < v->items.size(); i += 2) m.labels.emplace_back(v->items[i], v->items[i + 1]);
      try {
        MaintenanceWindow check(m);
      } catch (const MaintenanceError& e) {
        auto* at = find_option(o, e.field());
        issues_.push_back({at ? at->pos : m.pos, "maintenance window '" + m.name + "': " + e.what()});
      }
      out.push_back(std::move(m));
    }
    return out;
  }

  // Top-level `notifiers:`: plugin blocks, each with a name rules can use.
  void parse_notifiers(const YAML::Node& n, Config& cfg) {
    if (!n.IsSequence()) {
      issue(n, "'notifiers' must be a list of {plugin: NAME, ...} blocks");
      return;
    }
    for (auto item : n) {
      OptionList shared;
      auto b = parse_block(item, Kind::notifier, &notifier_shared_schema(), &shared, "notifier");
      if (!b) continue;
      complete_block(*b, Kind::notifier, "notifier");
      NotifierConfig nc;
      nc.plugin = b->plugin;
      nc.options = std::move(b->options);
      nc.pos = b->pos;
      auto* name = find_option(shared, "name");
      nc.name = name ? name->text : nc.plugin;
      if (!plain_name(nc.name))
        issues_.push_back({name ? name->pos : nc.pos, "a notifier's 'name' must be 1 to 64 letters, digits, '-', '_' or '.'"});
      for (auto& earlier : cfg.notifiers)
        if (earlier.name == nc.name)
          issues_.push_back({nc.pos, "two notifiers are called '" + nc.name + "': give each a distinct 'name'"});
      cfg.notifiers.push_back(std::move(nc));
    }
  }

  PipelineConfig parse_pipeline(const YAML::Node& n, size_t index) {
    PipelineConfig p;
    p.pos = pos(n);
    p.name = "pipeline" + std::to_string(index + 1);
    if (!n.IsMap()) {
      issue(n, "a pipeline must be a mapping (name, probe, targets, evaluate, sinks)");
      return p;
    }
    static const std::vector<std::string> keys = {"name", "concurrency", "probe", "targets",
                                                  "evaluate", "source", "sinks", "alerts"};
    OptionList probe_shared;  // pipeline-level interval/timeout/... for every target
    YAML::Node targets_node;
    bool has_targets = false;
    for (auto it : n) {
      std::string key = it.first.Scalar();
      const YAML::Node& v = it.second;
      if (key == "name") p.name = scalar(v);
      else if (key == "concurrency") {
        OptionValue o;
        static const wp_option_spec spec = option("concurrency", WP_OPT_INT, "512", "");
        if (parse_value(spec, v, o)) {
          if (o.integer < 1) issue(v, "'concurrency' must be at least 1");
          p.concurrency = o.integer;
        }
      } else if (key == "probe") {
        p.probe = parse_block(v, Kind::probe, &target_shared_schema(), &probe_shared, "probe");
        if (p.probe) p.probe->options.insert(p.probe->options.end(), probe_shared.begin(), probe_shared.end());
      } else if (key == "targets") {
        targets_node.reset(v);  // reset, not =: assigning a yaml-cpp Node writes through it
        has_targets = true;
      }
      else if (key == "evaluate") p.evaluators = parse_evaluators(v, "pipeline '" + p.name + "'");
      else if (key == "alerts") p.alerts = parse_alerts(v);
      else if (key == "source") {
        p.source = parse_block(v, Kind::source, nullptr, nullptr, "source");
        if (p.source) complete_block(*p.source, Kind::source, "source");
      } else if (key == "sinks") {
        if (!v.IsSequence()) issue(v, "'sinks' must be a list of {plugin: NAME, ...} blocks");
        else
          for (auto s : v) parse_sink(s, p);
      } else unknown_key(it.first, key, keys, "pipeline '" + p.name + "'");
    }
    if (p.probe && p.source) issue(n, "pipeline '" + p.name + "' has both 'probe' and 'source': choose one");
    if (!p.probe && !p.source) issue(n, "pipeline '" + p.name + "' needs a 'probe' (with targets) or a 'source'");
    if (p.sinks.empty()) issue(n, "pipeline '" + p.name + "' has no sinks: add e.g. '- plugin: stdout'");
    if (p.probe && has_targets && targets_node.IsMap()) {
      // Targets as data: a targets plugin provides them at run time.
      p.targets_plugin = parse_block(targets_node, Kind::targets, nullptr, nullptr, "targets");
      if (p.targets_plugin) complete_block(*p.targets_plugin, Kind::targets, "targets");
    } else if (p.probe) {
      if (!has_targets)
        issue(n, "pipeline '" + p.name + "' has a probe but no 'targets': a list, or {plugin: NAME, ...} to read them "
                 "from a targets plugin");
      else if (!targets_node.IsSequence())
        issue(targets_node, "'targets' must be a list of targets, or {plugin: NAME, ...} (a targets plugin)");
      else {
        std::set<std::string> ids;
        auto take = [&](const YAML::Node& t) {
          auto target = parse_target(t, p);
          if (!target) return;
          if (!ids.insert(target->id).second)
            issues_.push_back({target->pos, "duplicate target id '" + target->id + "' in pipeline '" + p.name +
                                                "': give each target a distinct 'id'"});
          p.targets.push_back(std::move(*target));
        };
        bool first = true;
        for (auto t : targets_node) {
          take(t);
          if (first) read_split_targets(index, take);  // the items between the first and the last
          first = false;
        }
      }
    } else if (has_targets) {
      issue(targets_node, "'targets' needs a 'probe' in the same pipeline");
    }
    return p;
  }

  // probe_modules: {NAME: {probe: {plugin: http, ...}, evaluate: [...]}, ...}
  void parse_modules(const YAML::Node& n, Config& cfg) {
    if (!n.IsMap() || n.size() == 0)
      return issue(n, "'probe_modules' must map module names to {probe: {plugin: NAME, ...}, evaluate: [...]}");
    for (auto it : n) {
      PipelineConfig m;
      m.name = it.first.Scalar();
      m.pos = pos(it.first);
      const YAML::Node& body = it.second;
      if (!body.IsMap() || !body["probe"]) {
        issue(body, "module '" + m.name + "' needs 'probe: {plugin: NAME, ...}' (and optionally 'evaluate')");
        continue;
      }
      for (auto kv : body) {
        std::string key = kv.first.Scalar();
        if (key == "probe") {
          OptionList shared;
          m.probe = parse_block(kv.second, Kind::probe, &target_shared_schema(), &shared, "probe");
          if (!m.probe) continue;
          m.probe->options.insert(m.probe->options.end(), shared.begin(), shared.end());
          if (find_option(m.probe->options, "url"))
            issues_.push_back({find_option(m.probe->options, "url")->pos,
                               "a module has no 'url': each /probe request names its target"});
        } else if (key == "evaluate") {
          m.evaluators = parse_evaluators(kv.second, "module '" + m.name + "'");
        } else if (key == "concurrency") {
          OptionValue o;
          static const wp_option_spec spec = option("concurrency", WP_OPT_INT, "64", "");
          if (parse_value(spec, kv.second, o)) m.concurrency = o.integer;
        } else {
          unknown_key(kv.first, key, {"probe", "evaluate", "concurrency"}, "module '" + m.name + "'");
        }
      }
      cfg.probe_modules.push_back(std::move(m));
    }
  }

 public:
  // A target from fields given at run time, as if written in a file (see runtime_target()).
  TargetConfig runtime_target(const PipelineConfig& p, const YAML::Node& n) {
    // What comes from a request is data, never a template: ${VAR} in it must not read the
    // environment (a target URL could otherwise carry a secret to whoever asked).
    interpolate_ = false;
    auto t = parse_target(n, p);
    if (t && t->repeat != 1)
      issues_.push_back({t->pos, "'repeat' is for pipeline files; a target given at run time is one target"});
    finish();
    if (!t) throw ConfigError({{Position{file_, 0, 0}, "the module has no probe"}});
    return std::move(*t);
  }

 private:
  void complete_block(PluginBlock& b, Kind kind, const std::string& what) {
    const OptionSchema* schema = catalog_.schema(b.plugin, kind);
    fill_defaults(*schema, b.options, b.pos);
    check_required(*schema, b.options, b.pos, what + " '" + b.plugin + "'");
    plugin_validate(*schema, b.options, b.pos, what + " '" + b.plugin + "'");
  }

  void parse_sink(const YAML::Node& n, PipelineConfig& p) {
    OptionList shared;
    auto b = parse_block(n, Kind::sink, &sink_shared_schema(), &shared, "sink");
    if (!b) return;
    complete_block(*b, Kind::sink, "sink");
    fill_defaults(sink_shared_schema(), shared, b->pos);
    SinkConfig s;
    static_cast<PluginBlock&>(s) = std::move(*b);
    s.batch_size = find_option(shared, "batch_size")->integer;
    s.batch_delay_ms = find_option(shared, "batch_delay")->integer;
    s.queue_capacity = find_option(shared, "queue_capacity")->integer;
    s.max_retry_delay_ms = find_option(shared, "max_retry_delay")->integer;
    s.max_in_flight = find_option(shared, "max_in_flight")->integer;
    if (s.max_in_flight < 1 || s.max_in_flight > 64)
      issues_.push_back({find_option(shared, "max_in_flight")->pos, "'max_in_flight' must be between 1 and 64"});
    if (auto* dl = find_option(shared, "dead_letter")) s.dead_letter = dl->text;
    if (s.batch_size < 1) issues_.push_back({find_option(shared, "batch_size")->pos, "'batch_size' must be at least 1"});
    if (s.queue_capacity < 1)
      issues_.push_back({find_option(shared, "queue_capacity")->pos, "'queue_capacity' must be at least 1"});
    p.sinks.push_back(std::move(s));
  }

  std::optional<TargetConfig> parse_target(const YAML::Node& n, const PipelineConfig& p) {
    if (!p.probe) return std::nullopt;
    const OptionSchema* schema = catalog_.schema(p.probe->plugin, Kind::probe);
    TargetConfig t;
    t.pos = pos(n);
    if (!n.IsMap()) {
      issue(n, "a target must be a mapping (url, id, labels, interval, ...)");
      return std::nullopt;
    }
    OptionList own, shared;
    for (auto it : n) {
      std::string key = it.first.Scalar();
      if (key == "evaluate") {
        t.evaluators = parse_evaluators(it.second, "target");
      } else if (key == "maintenance") {
        t.maintenance = parse_maintenance(it.second, false);
      } else if (auto* spec = schema->find(key)) {
        OptionValue v;
        if (parse_value(*spec, it.second, v)) put_option(own, std::move(v));
      } else if (auto* sspec = target_shared_schema().find(key)) {
        OptionValue v;
        if (parse_value(*sspec, it.second, v)) put_option(shared, std::move(v));
      } else {
        // Listed only when needed: a million targets would build the list a million times.
        std::vector<std::string> valid = {"evaluate", "maintenance"};
        for (auto& k : schema->names()) valid.push_back(k);
        for (auto& k : target_shared_schema().names()) valid.push_back(k);
        unknown_key(it.first, key, valid, "target of probe '" + p.probe->plugin + "'");
      }
    }
    // Pipeline-level values are defaults for every target.
    for (auto& o : p.probe->options) {
      if (target_shared_schema().find(o.name)) {
        if (!find_option(shared, o.name)) shared.push_back(o);
      } else if (!find_option(own, o.name)) {
        own.push_back(o);
      }
    }
    // A target keeps only the options it (or its pipeline) gave, without their positions:
    // defaults are filled again when its probe target is made, and a million targets would
    // otherwise hold a million copies of each default and of the file's name.
    OptionList given = own;
    for (auto& o : given) o.pos = Position{};
    fill_defaults(*schema, own, t.pos);
    fill_defaults(target_shared_schema(), shared, t.pos);
    t.repeat = find_option(shared, "repeat")->integer;
    if (t.repeat < 1 || t.repeat > 10'000'000)
      issues_.push_back({find_option(shared, "repeat")->pos, "'repeat' must be between 1 and 10000000"});
    size_t before = issues_.size();
    check_required(*schema, own, t.pos, "target");
    // A repeated target is validated as its first expansion ({n} = 0).
    if (before == issues_.size()) plugin_validate(*schema, t.repeat > 1 ? expand_options(own, 0) : own, t.pos, "target");

    auto* url = find_option(own, "url");
    t.url = url ? url->text : std::string();
    auto* id = find_option(shared, "id");
    // A URL used as the id is redacted first: ids are stored and shown everywhere.
    t.id = id ? id->text : redact_url(t.url, secret_params_);
    if (t.id.empty()) issues_.push_back({t.pos, "target needs an 'id' (or a 'url' to use as its id)"});
    if (t.id.size() > limits::kIdBytes)
      issues_.push_back({id ? id->pos : t.pos, "the target id is " + std::to_string(t.id.size()) + " bytes; at most " +
                                                   std::to_string(limits::kIdBytes) + " are stored: give a shorter 'id'"});
    if (t.repeat > 1 && t.id.find("{n}") == std::string::npos)
      issues_.push_back({t.pos, "a target with 'repeat' needs {n} in its id (e.g. id: \"site-{n}\") so each copy is distinct"});
    if (auto* labels = find_option(shared, "labels")) {
      for (size_t i = 0; i + 1 < labels->items.size(); i += 2) {
        if (labels->items[i].size() > limits::kLabelKeyBytes || labels->items[i + 1].size() > limits::kLabelValueBytes)
          issues_.push_back({labels->pos, "label '" + labels->items[i].substr(0, 40) + "' is too long: names up to " +
                                              std::to_string(limits::kLabelKeyBytes) + " bytes, values up to " +
                                              std::to_string(limits::kLabelValueBytes)});
        t.labels.emplace_back(labels->items[i], labels->items[i + 1]);
      }
      if (t.labels.size() > limits::kLabels)
        issues_.push_back({labels->pos, "at most " + std::to_string(limits::kLabels) + " labels per target"});
      // Per-target alert settings (alert.RULE.PARAM) are checked against the pipeline's rules;
      // a pipeline without rules (a fleet's checker) passes them on to the node that judges.
      std::vector<AlertRuleConfig> rules = p.alerts;
      std::vector<char> off;
      for (auto& [key, value] : t.labels)
        if (!rules.empty() && is_alert_label(key))
          if (std::string why = apply_alert_label(rules, off, key, value); !why.empty())
            issues_.push_back({labels->pos, "label " + why});
    }
    auto* interval = find_option(shared, "interval");
    t.interval_ms = interval->integer;
    if (t.interval_ms < 1000) issues_.push_back({interval->pos, "'interval' must be at least 1s"});
    auto* timeout = find_option(shared, "timeout");
    t.timeout_ms = timeout ? timeout->integer : std::min<int64_t>(t.interval_ms, 10000);
    if (timeout && t.timeout_ms < 1) issues_.push_back({timeout->pos, "'timeout' must be positive"});
    t.attempts = find_option(shared, "attempts")->integer;
    if (t.attempts < 1 || t.attempts > 10)
      issues_.push_back({find_option(shared, "attempts")->pos, "'attempts' must be between 1 and 10"});
    t.retry_delay_ms = find_option(shared, "retry_delay")->integer;
    t.probe_options = std::move(given);
    return t;
  }

  std::string file_;
  const SchemaCatalog& catalog_;
  std::vector<std::string> secret_params_ = default_secret_params();
  std::vector<ConfigIssue> issues_;
  std::vector<ConfigIssue> shape_issues_;  // of split targets: duplicate keys
  bool interpolate_ = true;
  const std::string* original_ = nullptr;
  std::map<size_t, const SplitTargetList*> split_;
  std::set<size_t> split_read_;  // pipelines whose split list has been read
  int line_offset_ = 0;  // of the split target being read
};

}  // namespace

namespace {

// In file order, each problem once (a node reached twice through an alias is reported once).
std::vector<ConfigIssue> in_order(std::vector<ConfigIssue> issues) {
  std::stable_sort(issues.begin(), issues.end(), [](const ConfigIssue& a, const ConfigIssue& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) < std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
  auto same = [](const ConfigIssue& a, const ConfigIssue& b) {
    return a.pos.file == b.pos.file && a.pos.line == b.pos.line && a.pos.column == b.pos.column && a.message == b.message;
  };
  issues.erase(std::unique(issues.begin(), issues.end(), same), issues.end());
  return issues;
}

}  // namespace

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : ConfigError(in_order(std::move(issues)), 0) {}

ConfigError::ConfigError(std::vector<ConfigIssue> sorted, int)
    : std::runtime_error(format_issues(sorted)), issues_(std::move(sorted)) {}

const OptionSchema& maintenance_window_schema() { return window_schema(); }

const OptionSchema& alert_rule_schema() { return rule_schema(); }

const OptionSchema& target_shared_schema() {
  static const OptionSchema s = OptionSchema::from_table(target_specs().data(), target_specs().size(), nullptr);
  return s;
}

const OptionSchema& sink_shared_schema() {
  static const OptionSchema s = OptionSchema::from_table(sink_specs().data(), sink_specs().size(), nullptr);
  return s;
}

std::string expand_n(const std::string& text, int64_t n) {
  std::string out = text;
  const std::string token = "{n}", value = std::to_string(n);
  for (size_t at = 0; (at = out.find(token, at)) != std::string::npos; at += value.size()) out.replace(at, 3, value);
  return out;
}

OptionList expand_options(const OptionList& options, int64_t n) {
  OptionList out = options;
  for (auto& o : out) {
    o.text = expand_n(o.text, n);
    for (auto& item : o.items) item = expand_n(item, n);
  }
  return out;
}

std::string interpolate_env(const std::string& text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += text[i];
      continue;
    }
    size_t close = text.find('}', i + 2);
    // The value is not echoed: it may be a DSN or a header that holds a password.
    if (close == std::string::npos)
      return "unclosed '${' at character " + std::to_string(i + 1) + " of this value: write ${NAME} or ${NAME:-default}";
    std::string inner = text.substr(i + 2, close - i - 2);
    std::string name = inner, fallback;
    bool has_fallback = false;
    if (size_t d = inner.find(":-"); d != std::string::npos) {
      name = inner.substr(0, d);
      fallback = inner.substr(d + 2);
      has_fallback = true;
    }
    if (name.empty()) return "empty variable name in '${" + inner + "}'";
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
        return "'" + name + "' is not a valid environment variable name";
    const char* value = std::getenv(name.c_str());
    if (value && *value) out += value;
    else if (has_fallback) out += fallback;
    else return "environment variable " + name + " is not set: export it, or write ${" + name + ":-default}";
    i = close;
  }
  return {};
}

Config parse_config(const std::string& yaml_text, const std::string& display_name, const SchemaCatalog& catalog) {
  return parse_config(yaml_text, display_name, catalog, kSplitTargetListsFrom);
}

// Which pipeline each split list belongs to: the pipeline whose `targets` kept exactly the
// list's first and last items, on their lines. Empty when a list matches none, or when a list can be
// reached twice (an alias of it or of its pipeline): then the split is not used.
std::map<size_t, const SplitTargetList*> match_split_lists(const YAML::Node& root, const SplitDocument& split) {
  std::map<size_t, const SplitTargetList*> matched;
  YAML::Node pipelines = root.IsMap() ? root["pipelines"] : YAML::Node();
  if (!pipelines.IsSequence()) return {};
  std::vector<YAML::Node> lists;
  for (auto& list : split.lists) {
    for (size_t i = 0; i < pipelines.size(); ++i) {
      YAML::Node p = pipelines[i];
      YAML::Node t = p.IsMap() ? p["targets"] : YAML::Node();
      if (!t.IsSequence() || t.size() != 2) continue;
      int first = t[0].Mark().line, last = t[1].Mark().line;
      if (first >= list.first_item_line && first < list.second_item_line && last >= list.last_item_line &&
          !matched.count(i)) {
        matched[i] = &list;
        lists.push_back(t);
        break;
      }
    }
  }
  if (matched.size() != split.lists.size()) return {};
  // Each list once in the whole document: count the ways to it.
  std::vector<int> reached(lists.size(), 0);
  std::function<void(const YAML::Node&, int)> walk = [&](const YAML::Node& n, int depth) {
    if (depth > 64) return;
    for (size_t i = 0; i < lists.size(); ++i)
      if (n.is(lists[i])) ++reached[i];
    if (n.IsSequence())
      for (auto item : n) walk(item, depth + 1);
    else if (n.IsMap())
      for (auto kv : n) walk(kv.second, depth + 1);
  };
  walk(root, 0);
  for (int r : reached)
    if (r != 1) return {};
  return matched;
}

Config parse_config(const std::string& yaml_text, const std::string& display_name, const SchemaCatalog& catalog,
                    size_t split_lists_from, bool* was_split) {
  if (was_split) *was_split = false;
  SplitDocument split = split_long_target_lists(yaml_text, split_lists_from);
  if (!split.lists.empty()) {
    // The split is an optimisation: whenever it cannot be shown to read the same, the file is
    // read whole.
    try {
      YAML::Node root = YAML::Load(split.text);
      if (root.IsMap() && resolve_merges_and_find_duplicates(root, display_name).empty()) {
        auto matched = match_split_lists(root, split);
        if (!matched.empty()) {
          if (was_split) *was_split = true;  // also when it finds errors: they are the split's
          return Parser(display_name, catalog).with_split(yaml_text, std::move(matched)).parse(root);
        }
      }
    } catch (const YAML::Exception&) {
    } catch (const SplitRefused&) {
    }
    if (was_split) *was_split = false;
  }
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError({{Position{display_name, e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg}});
  }
  if (!root || root.IsNull())
    throw ConfigError({{Position{display_name, 0, 0},
                        "the file is empty: it needs a 'pipelines' list (start from examples/quickstart.yaml)"}});
  auto shape = resolve_merges_and_find_duplicates(root, display_name);
  if (!shape.empty()) throw ConfigError(shape);
  return Parser(display_name, catalog).parse(root);
}

void fill_option_defaults(const OptionSchema& schema, OptionList& list, const Position& where) {
  for (auto* spec : schema.specs) {
    if (find_option(list, spec->name)) continue;
    if (spec->default_value) {
      OptionValue v;
      std::string err = parse_scalar_option(*spec, spec->default_value, v);
      if (err.empty()) {
        v.pos = where;
        list.push_back(std::move(v));
      }
    }
  }
}

TargetConfig target_from_definition(const PipelineConfig& pipeline, const std::string& id, const std::string& definition,
                                    const SchemaCatalog& catalog, const std::string& where) {
  YAML::Node n;
  try {
    n = YAML::Load(definition);
  } catch (const YAML::Exception& e) {
    throw ConfigError({{Position{where, e.mark.line + 1, e.mark.column + 1}, "not YAML: " + e.msg}});
  }
  if (!n.IsMap()) throw ConfigError({{Position{where, 0, 0}, "a target must be a mapping (url, interval, ...)"}});
  n["id"] = id;
  return Parser(where, catalog).runtime_target(pipeline, n);
}

TargetConfig runtime_target(const PipelineConfig& pipeline, const std::vector<std::pair<std::string, std::string>>& fields,
                            const SchemaCatalog& catalog, const std::string& display_name) {
  YAML::Node n(YAML::NodeType::Map);
  for (auto& [key, value] : fields) n[key] = value;
  return Parser(display_name, catalog).runtime_target(pipeline, n);
}

Config load_config(const std::string& path, const SchemaCatalog& catalog) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError({{Position{path, 0, 0}, "is a directory: give the path of a YAML file inside it"}});
  std::ifstream in(path);
  if (!in) throw ConfigError({{Position{path, 0, 0}, "cannot read the file: " + std::string(std::strerror(errno))}});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path, catalog);
}

}  // namespace watchpost
