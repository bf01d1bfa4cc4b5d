#include "config/config.hpp"
#include "observe/log.hpp"
#include "../runtime.hpp"
#include "args.hpp"
#include "catalog.hpp"
#include "commands.hpp"

#include <watchpost/values.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <string>

namespace watchpost::cli {
namespace {

// Every check needs a socket: a soft limit of 1,024 descriptors is the common default and far
// below what a node checking thousands of sites uses. Take what the hard limit allows.
void raise_descriptor_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  rlim_t was = lim.rlim_cur;
  lim.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &lim) == 0)
    log::debug("watchpost", "raised the open-file limit from " + std::to_string(was) + " to " +
                                std::to_string(lim.rlim_max));
}

}  // namespace

int cmd_run(int argc, char** argv) {
  auto valued = common_valued();
  valued.insert(valued.end(), {"for", "drain-timeout"});
  Args args(argc, argv, 2, valued, {"once"});
  if (args.positional().size() != 1) throw UsageError("run needs exactly one FILE");
  apply_logging(args);
  const std::string path = args.positional()[0];
  PluginCatalog catalog = load_catalog(args);
  Config config;
  try {
    config = load_config(path, catalog);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  // The file's log settings apply unless the command line said otherwise.
  apply_logging(args, config.log_format, config.log_level);
  RunOptions options;
  options.once = args.flag("once");
  if (args.has("for")) {
    auto ms = parse_duration_ms(args.value("for"));
    if (!ms) throw UsageError("--for takes a duration such as 30s");
    options.run_for = std::chrono::milliseconds(*ms);
  }
  if (args.has("drain-timeout")) {
    auto ms = parse_duration_ms(args.value("drain-timeout"));
    if (!ms) throw UsageError("--drain-timeout takes a duration such as 30s");
    options.drain_timeout = std::chrono::milliseconds(*ms);
  }
  raise_descriptor_limit();
  Runtime runtime(catalog, std::move(config), path, std::move(options));
  return runtime.run();
}

}  // namespace watchpost::cli
