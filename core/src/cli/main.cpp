// watchpost: run, validate and inspect monitoring pipelines built from plugins.
#include "../alerting/postgres_alert_store.hpp"
#include "args.hpp"
#include "commands.hpp"
#include "help.hpp"

#include <watchpost/plugin_api.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#ifndef WATCHPOST_VERSION
#define WATCHPOST_VERSION "0.0.0"
#endif

namespace {

// Options every command takes may stand before the command: `watchpost --log-level debug run
// FILE`. They are moved behind it, where the command's own reader takes them.
std::vector<char*> command_first(int argc, char** argv, std::string& command) {
  static const std::vector<std::string> valued = {"--plugin-dir", "--log-format", "--log-level"};
  std::vector<char*> before, after;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    bool takes_value = std::find(valued.begin(), valued.end(), a) != valued.end();
    bool inline_value = a.find('=') != std::string::npos &&
                        std::find(valued.begin(), valued.end(), a.substr(0, a.find('='))) != valued.end();
    if (takes_value && i + 1 < argc) {
      before.push_back(argv[i]);
      before.push_back(argv[++i]);
    } else if (inline_value) {
      before.push_back(argv[i]);
    } else {
      break;
    }
  }
  command = i < argc ? argv[i] : "";
  std::vector<char*> out = {argv[0], i < argc ? argv[i] : argv[0]};
  out.insert(out.end(), before.begin(), before.end());
  for (int k = i + 1; k < argc; ++k) out.push_back(argv[k]);
  out.push_back(nullptr);
  return out;
}

}  // namespace

int main(int raw_argc, char** raw_argv) {
  std::string cmd;
  std::vector<char*> args = command_first(raw_argc, raw_argv, cmd);
  int argc = static_cast<int>(args.size()) - 1;
  char** argv = args.data();
  if (cmd.empty() || cmd == "--help" || cmd == "-h" || cmd == "help") {
    if (cmd == "help" && argc > 2 && !watchpost::cli::command_help(argv[2]).empty()) {
      std::fputs(watchpost::cli::command_help(argv[2]).c_str(), stdout);
      return 0;
    }
    std::fputs(watchpost::cli::overview_help(), stdout);
    return cmd.empty() ? 64 : 0;
  }
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::string text = watchpost::cli::command_help(cmd);
      if (text.empty()) break;  // not a command: said below
      std::fputs(text.c_str(), stdout);
      return 0;
    }
  }
  if (cmd == "--version" || cmd == "version") {
    std::printf("watchpost %s (plugin ABI %d.%d)\n", WATCHPOST_VERSION, WP_ABI_MAJOR, WP_ABI_MINOR);
    return 0;
  }
  // Pipelines that store results with pg_sink keep their alert state in the same database.
  watchpost::register_postgres_alert_store(&watchpost::postgres_alert_store);
  try {
    if (cmd == "run") return watchpost::cli::cmd_run(argc, argv);
    if (cmd == "validate") return watchpost::cli::cmd_validate(argc, argv);
    if (cmd == "plugins") return watchpost::cli::cmd_plugins(argc, argv);
    if (cmd == "check") return watchpost::cli::cmd_check(argc, argv);
    if (cmd == "report") return watchpost::cli::cmd_report(argc, argv);
    if (cmd == "targets") return watchpost::cli::cmd_targets(argc, argv);
    if (cmd == "alerts") return watchpost::cli::cmd_alerts(argc, argv);
    if (cmd == "serve") return watchpost::cli::cmd_serve(argc, argv);
    if (cmd == "users") return watchpost::cli::cmd_users(argc, argv);
    if (cmd == "maintenance") return watchpost::cli::cmd_maintenance(argc, argv);
    std::fprintf(stderr, "watchpost: unknown command '%s': the commands are run, validate, plugins, check, report, targets, "
                 "alerts, serve and users "
                 "(try: watchpost --help)\n", cmd.c_str());
    return 64;
  } catch (const watchpost::cli::UsageError& e) {
    std::fprintf(stderr, "watchpost %s: %s (try: watchpost %s --help)\n", cmd.c_str(), e.what(), cmd.c_str());
    return cmd == "check" ? 3 : 64;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "watchpost %s: %s\n", cmd.c_str(), e.what());
    return cmd == "check" ? 3 : 1;
  }
}
