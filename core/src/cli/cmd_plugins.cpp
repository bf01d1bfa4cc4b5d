#include "config/config.hpp"
#include "args.hpp"
#include "catalog.hpp"
#include "commands.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace watchpost::cli {
namespace {

void print_schema(const char* title, const OptionSchema& schema) {
  std::printf("  %s options:\n", title);
  if (schema.specs.empty()) std::printf("    (none)\n");
  struct Row {
    std::string name, type, dflt, doc;
  };
  std::vector<Row> rows;
  size_t w_name = 0, w_type = 0, w_dflt = 0;
  for (auto* s : schema.specs) {
    Row r{s->name, std::string(option_type_name(s->type)), "", s->doc ? s->doc : ""};
    if (s->choices) r.type += " (" + std::string(s->choices) + ")";
    r.dflt = s->required ? "required" : s->default_value ? std::string("default ") + s->default_value : "optional";
    w_name = std::max(w_name, r.name.size());
    w_type = std::max(w_type, r.type.size());
    w_dflt = std::max(w_dflt, r.dflt.size());
    rows.push_back(std::move(r));
  }
  // Columns as wide as their longest entry, so a long choice list cannot push the rest out of line.
  for (auto& r : rows)
    std::printf("    %-*s  %-*s  %-*s  %s\n", static_cast<int>(w_name), r.name.c_str(), static_cast<int>(w_type),
                r.type.c_str(), static_cast<int>(w_dflt), r.dflt.c_str(), r.doc.c_str());
}

const char* kTopLevel = R"(top-level keys of a pipeline file
  node      name written into every result (default: the host name)
  log       {format: auto|human|json, level: debug|info|warn|error}
  spool     {dir, max_size, fsync: always|batch|never}: where sinks keep what they cannot write now
  admin     {listen: HOST:PORT, token, tls_cert, tls_key}: /metrics, /healthz, /status, /probe
  probe_modules {NAME: {probe, evaluate}}: what /probe?target=URL&module=NAME checks with
  redact    {query_params: [...]}: query parameters hidden wherever a URL is shown or stored
  x-...     ignored: a place for YAML anchors (<<: *defaults)
  notifiers [{plugin: NAME, name, ...}]: where alert events go (docs/alerting.md)
  pipelines [{name, concurrency, probe, targets, evaluate, sinks, alerts} or {name, source, sinks, alerts}]
            targets: a list, or {plugin: NAME, ...} to take them from a targets plugin
            alerts: rules judged on the pipeline's results (below)
)";

}  // namespace

int cmd_plugins(int argc, char** argv) {
  Args args(argc, argv, 2, common_valued(), {});
  apply_logging(args, "human", "error");
  PluginCatalog catalog = load_catalog(args);
  std::string only = args.positional().empty() ? "" : args.positional()[0];
  bool any = false;
  for (auto& p : catalog.plugins()) {
    if (!only.empty() && p.name() != only) continue;
    any = true;
    std::printf("%s %s — %s\n  kinds: %s\n  file: %s\n", p.name().c_str(), p.descriptor->version,
                p.descriptor->description ? p.descriptor->description : "", join(p.kinds(), ", ").c_str(),
                p.path.c_str());
    if (p.has(Kind::probe)) print_schema("probe (per target)", p.probe);
    if (p.has(Kind::evaluator)) print_schema("evaluator", p.evaluator);
    if (p.has(Kind::sink)) print_schema("sink", p.sink);
    if (p.has(Kind::source)) print_schema("source", p.source);
    if (p.has(Kind::targets)) print_schema("targets", p.targets);
    if (p.has(Kind::notifier)) print_schema("notifier", p.notifier);
    std::printf("\n");
  }
  if (only.empty()) {
    std::fputs(kTopLevel, stdout);
    std::printf("\ncore (every target, beside the probe's options; also `concurrency` per pipeline)\n");
    print_schema("target", target_shared_schema());
    std::printf("core (every sink, beside the sink's options)\n");
    print_schema("sink", sink_shared_schema());
    std::printf("core (each rule of a pipeline's `alerts:`)\n");
    print_schema("alert rule", alert_rule_schema());
    for (auto& r : catalog.refused()) std::printf("\nrefused: %s\n", r.c_str());
  }
  if (!any && !only.empty()) {
    std::vector<std::string> names;
    for (auto& p : catalog.plugins()) names.push_back(p.name());
    std::fprintf(stderr, "no plugin named '%s'; found: %s\n", only.c_str(),
                 names.empty() ? "none (pass --plugin-dir or set WATCHPOST_PLUGIN_PATH)" : join(names, ", ").c_str());
    return 1;
  }
  if (!any) std::fprintf(stderr, "no plugins found: pass --plugin-dir or set WATCHPOST_PLUGIN_PATH\n");
  return 0;
}

}  // namespace watchpost::cli
