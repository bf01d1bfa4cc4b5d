// Pipelines described in YAML: parsing, ${ENV} interpolation, and validation against the
// option schemas the plugins declare — all before any plugin instance is constructed.
#pragma once

#include "options.hpp"
#include "alerting/alert_rule.hpp"
#include "maintenance/maintenance_config.hpp"
#include "results/result.hpp"

#include <watchpost/redact.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace watchpost {

enum class Kind { probe, evaluator, sink, source, targets, notifier };
std::string_view kind_name(Kind kind);

// What the config layer needs to know of the plugins (the loader's catalog implements it).
class SchemaCatalog {
 public:
  virtual ~SchemaCatalog() = default;
  virtual const OptionSchema* schema(std::string_view plugin, Kind kind) const = 0;
  virtual std::vector<std::string> plugin_names(Kind kind) const = 0;
  virtual std::vector<std::string> plugin_kinds(std::string_view plugin) const = 0;
};

struct ConfigIssue {
  Position pos;
  std::string message;
};

// Every problem found in a file, each with file:line:column.
class ConfigError : public std::runtime_error {
 public:
  // Sorts the issues by position and drops repeats.
  explicit ConfigError(std::vector<ConfigIssue> issues);
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  ConfigError(std::vector<ConfigIssue> sorted, int);
  std::vector<ConfigIssue> issues_;
};

struct PluginBlock {
  std::string plugin;
  OptionList options;
  Position pos;
};

struct SinkConfig : PluginBlock {
  int64_t batch_size = 500;
  int64_t batch_delay_ms = 200;
  int64_t queue_capacity = 10000;
  int64_t max_retry_delay_ms = 30000;
  int64_t max_in_flight = 4;  // batches a pipelined sink (write_async) holds before the oldest settles
  std::string dead_letter;  // JSONL file for results the sink refuses for good; empty: see SinkWorker
};

struct TargetConfig {
  std::string id;
  std::string url;  // for display and results; the probe's own `url` option
  Labels labels;
  int64_t interval_ms = 30000;
  int64_t timeout_ms = 10000;
  int64_t attempts = 1;
  int64_t retry_delay_ms = 1000;
  OptionList probe_options;  // the target's own and its pipeline's probe options; not the defaults
  int64_t repeat = 1;        // > 1: expands into `repeat` targets, {n} = 0..repeat-1
  std::optional<std::vector<PluginBlock>> evaluators;  // replaces the pipeline's when set
  std::vector<MaintenanceConfig> maintenance;  // the target's own windows (no selectors)
  Position pos;
};

// Where sinks spool what they cannot write now (top-level `spool:`).
struct SpoolConfig {
  std::string dir;
  int64_t max_bytes = int64_t{1} << 30;
  std::string fsync = "batch";  // always | batch | never
};

struct PipelineConfig {
  std::string name;
  std::optional<SpoolConfig> spool;  // the file's spool settings, copied here for the sinks
  std::vector<std::string> secret_params = default_secret_params();  // the file's `redact`, copied
  Position pos;
  int64_t concurrency = 512;
  std::optional<PluginBlock> probe;
  std::vector<TargetConfig> targets;
  std::optional<PluginBlock> targets_plugin;  // `targets: {plugin: NAME, ...}`: targets as data
  std::vector<PluginBlock> evaluators;
  std::optional<PluginBlock> source;
  std::vector<SinkConfig> sinks;
  std::vector<AlertRuleConfig> alerts;  // `alerts:` rules judged on this pipeline's results
  std::vector<MaintenanceConfig> maintenance;  // the file's `maintenance:` windows, copied
};

struct Config {
  std::string path;
  std::string node;  // empty: the host name
  std::string region;  // where this node checks from (fleet: one consumer group per region); empty: none
  std::string log_format = "auto";
  std::string log_level = "info";
  std::optional<SpoolConfig> spool;
  std::vector<std::string> secret_params = default_secret_params();  // redact.query_params
  std::string admin_listen;  // "host:port" of the admin endpoint; empty: none
  std::string admin_token;   // when set, /metrics and /status need it as a Bearer token
  std::string admin_tls_cert, admin_tls_key;  // PEM files: the endpoint serves HTTPS
  int64_t target_series_limit = 10000;  // per-target series on /metrics up to this many targets
  std::vector<PipelineConfig> pipelines;
  // `probe_modules:` for the admin endpoint's /probe (blackbox_exporter's modules): each a
  // probe and its evaluators, with no targets (the request names one) and no sinks.
  std::vector<PipelineConfig> probe_modules;
  std::vector<NotifierConfig> notifiers;  // top-level `notifiers:`: where alert events go
  std::vector<MaintenanceConfig> maintenance;  // top-level `maintenance:` windows (docs/maintenance.md)
};

// The options the core itself declares (documented by `watchpost plugins`).
const OptionSchema& target_shared_schema();
const OptionSchema& sink_shared_schema();
const OptionSchema& alert_rule_schema();
const OptionSchema& maintenance_window_schema();

// Throws ConfigError. `display_name` is what messages call the file.
Config parse_config(const std::string& yaml_text, const std::string& display_name, const SchemaCatalog& catalog);
// Target lists of at least this many items are read one target at a time (config/target_list_split.hpp);
// the overload lets tests read the same text both ways (`was_split`: whether it was).
constexpr size_t kSplitTargetListsFrom = 1000;
Config parse_config(const std::string& yaml_text, const std::string& display_name, const SchemaCatalog& catalog,
                    size_t split_lists_from, bool* was_split = nullptr);
Config load_config(const std::string& path, const SchemaCatalog& catalog);

// A target made at run time (the /probe endpoint's `target`): `fields` are what a target's
// YAML keys would give (url, timeout...), checked as a file's target is, with `pipeline`'s
// probe options as defaults. Throws ConfigError; `display_name` is what messages call it.
TargetConfig runtime_target(const PipelineConfig& pipeline, const std::vector<std::pair<std::string, std::string>>& fields,
                            const SchemaCatalog& catalog, const std::string& display_name);

// Adds the declared default of every option `list` lacks (a target's probe options are kept
// without them, and completed when its probe target is made).
void fill_option_defaults(const OptionSchema& schema, OptionList& list, const Position& where = {});

// A target from a targets plugin: `definition` is a YAML/JSON mapping of a target's keys, `id`
// its id (overriding any in the mapping). Checked as a file's target is; throws ConfigError
// whose issues name `where` (e.g. "pg_targets row 'shop'").
TargetConfig target_from_definition(const PipelineConfig& pipeline, const std::string& id, const std::string& definition,
                                    const SchemaCatalog& catalog, const std::string& where);

// `{n}` replaced by the number, in a string and in every option (repeated targets).
std::string expand_n(const std::string& text, int64_t n);
OptionList expand_options(const OptionList& options, int64_t n);

// ${VAR} and ${VAR:-default}; $$ is a literal $. Returns an error message or empty.
std::string interpolate_env(const std::string& text, std::string& out);

}  // namespace watchpost
