// watchpost: run, validate and inspect monitoring pipelines built from plugins.
#include "args.hpp"
#include "commands.hpp"

#include <watchpost/plugin_api.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#ifndef WATCHPOST_VERSION
#define WATCHPOST_VERSION "0.0.0"
#endif

namespace {

const char* kHelp = R"(watchpost — website monitoring built from plugins

Usage:
  watchpost run FILE [--once] [--for DURATION] [--drain-timeout DURATION]
  watchpost validate FILE
  watchpost plugins [NAME]
  watchpost check URL [--match REGEX] [--timeout 5s] [--attempts N] [--insecure] [--json]
  watchpost report [--dsn DSN] [--since 24h] [--target ID] [--schema watchpost] [--json]
  watchpost --version | --help

Commands:
  run        Run the pipelines of FILE until SIGTERM/SIGINT (drain, flush, exit 0).
             SIGHUP re-reads FILE; an invalid file is rejected and the old one keeps running.
  validate   Check FILE against every plugin's option schema; exit 1 with file:line:column
             for each problem.
  plugins    List the plugins found, their kinds and their options.
  check      Check one URL now and print the result. Exit 0 up, 2 down, 3 unknown.
  report     Per target from PostgreSQL: checks, up, down, uptime %, p50/p95/max latency,
             last error. --dsn (or $WATCHPOST_DSN, or libpq's PG* variables).

Options for every command:
  --plugin-dir DIR    Look for plugins here first (repeatable). Also searched:
                      $WATCHPOST_PLUGIN_PATH (colon-separated), ../lib/watchpost/plugins
                      next to this binary, and the install directory.
  --log-format F      auto (default: human on a terminal, JSON otherwise), human or json.
  --log-level L       debug, info (default), warn or error.

Documentation: docs/ in the source tree; examples/quickstart.yaml to start from.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kHelp, stdout);
    return argc < 2 ? 64 : 0;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::printf("watchpost %s (plugin ABI %d.%d)\n", WATCHPOST_VERSION, WP_ABI_MAJOR, WP_ABI_MINOR);
    return 0;
  }
  try {
    if (cmd == "run") return watchpost::cli::cmd_run(argc, argv);
    if (cmd == "validate") return watchpost::cli::cmd_validate(argc, argv);
    if (cmd == "plugins") return watchpost::cli::cmd_plugins(argc, argv);
    if (cmd == "check") return watchpost::cli::cmd_check(argc, argv);
    if (cmd == "report") return watchpost::cli::cmd_report(argc, argv);
    std::fprintf(stderr, "watchpost: unknown command '%s' (try: watchpost --help)\n", cmd.c_str());
    return 64;
  } catch (const watchpost::cli::UsageError& e) {
    std::fprintf(stderr, "watchpost %s: %s (try: watchpost --help)\n", cmd.c_str(), e.what());
    return cmd == "check" ? 3 : 64;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "watchpost %s: %s\n", cmd.c_str(), e.what());
    return cmd == "check" ? 3 : 1;
  }
}
