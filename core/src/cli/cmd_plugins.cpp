#include "../config.hpp"
#include "args.hpp"
#include "catalog.hpp"
#include "commands.hpp"

#include <cstdio>

namespace watchpost::cli {
namespace {

void print_schema(const char* title, const OptionSchema& schema) {
  std::printf("  %s options:\n", title);
  if (schema.specs.empty()) std::printf("    (none)\n");
  for (auto* s : schema.specs) {
    std::string type(option_type_name(s->type));
    if (s->choices) type += " (" + std::string(s->choices) + ")";
    std::string dflt = s->required ? "required" : s->default_value ? std::string("default ") + s->default_value : "optional";
    std::printf("    %-18s %-22s %-20s %s\n", s->name, type.c_str(), dflt.c_str(), s->doc ? s->doc : "");
  }
}

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
    std::printf("\n");
  }
  if (only.empty()) {
    std::printf("core (every target, beside the probe's options)\n");
    print_schema("target", target_shared_schema());
    std::printf("core (every sink, beside the sink's options)\n");
    print_schema("sink", sink_shared_schema());
    for (auto& r : catalog.refused()) std::printf("\nrefused: %s\n", r.c_str());
  }
  if (!any && !only.empty()) {
    std::fprintf(stderr, "no plugin named '%s'\n", only.c_str());
    return 1;
  }
  if (!any) std::fprintf(stderr, "no plugins found: pass --plugin-dir or set WATCHPOST_PLUGIN_PATH\n");
  return 0;
}

}  // namespace watchpost::cli
