#include "config/config.hpp"
#include "args.hpp"
#include "catalog.hpp"
#include "commands.hpp"

#include <cstdio>
#include <string>

namespace watchpost::cli {

int cmd_validate(int argc, char** argv) {
  Args args(argc, argv, 2, common_valued(), {});
  if (args.positional().size() != 1) throw UsageError("validate needs exactly one FILE");
  apply_logging(args, "human", "warn");
  PluginCatalog catalog = load_catalog(args);
  try {
    Config config = load_config(args.positional()[0], catalog);
    size_t targets = 0, sinks = 0;
    for (auto& p : config.pipelines) {
      for (auto& t : p.targets) targets += static_cast<size_t>(t.repeat);  // as they will run
      sinks += p.sinks.size();
    }
    std::string modules = config.probe_modules.empty()
                              ? std::string()
                              : ", " + std::to_string(config.probe_modules.size()) + " probe modules for /probe";
    std::printf("%s: ok (%zu pipelines, %zu targets, %zu sinks%s)\n", args.positional()[0].c_str(),
                config.pipelines.size(), targets, sinks, modules.c_str());
    return 0;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n%zu problem%s found\n", e.what(), e.issues().size(), e.issues().size() == 1 ? "" : "s");
    return 1;
  }
}

}  // namespace watchpost::cli
