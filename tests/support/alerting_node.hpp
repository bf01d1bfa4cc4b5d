// A watchpost process for alerting tests: one http target checked every second, a pipeline's
// alert rules, the given notifiers and sinks. Written to a config file in a folder of its own.
#pragma once

#include "process.hpp"

#include <csignal>
#include <memory>
#include <string>

namespace watchpost::testing {

struct AlertingNodeSetup {
  std::string node = "alerter";
  std::string target_url;
  std::string rules;      // YAML list items under `alerts:`
  std::string notifiers;  // YAML list items under `notifiers:`
  std::string sinks;      // the flow list after `sinks:`; default: JSON lines into DIR/out.jsonl
  std::string spool_dir;  // default: DIR/spool
  std::string extra;      // more top-level keys (admin: ...)
};

struct AlertingNode {
  std::string dir = temp_dir();
  std::string config = dir + "/alerting.yaml";
  std::unique_ptr<ChildProcess> process;

  explicit AlertingNode(const AlertingNodeSetup& s) {
    std::string sinks = s.sinks.empty() ? "[{plugin: stdout, format: json, path: \"" + dir + "/out.jsonl\"}]" : s.sinks;
    write_file(config, "node: " + s.node + "\nspool: {dir: \"" + (s.spool_dir.empty() ? dir + "/spool" : s.spool_dir) +
                           "\"}\n" + s.extra + "notifiers:\n" + s.notifiers +
                           "pipelines:\n  - name: web\n    probe: {plugin: http, interval: 1s, timeout: 800ms}\n"
                           "    targets:\n      - {id: site, url: \"" + s.target_url + "\"}\n"
                           "    alerts:\n" + s.rules + "    sinks: " + sinks + "\n");
    start();
  }
  void start() {
    process = std::make_unique<ChildProcess>(
        std::vector<std::string>{WATCHPOST_BIN, "run", config, "--plugin-dir", WATCHPOST_PLUGIN_DIR});
  }
  ProcessResult stop() {
    process->signal(SIGTERM);
    return process->wait(std::chrono::seconds(30));
  }
};

inline std::string webhook_notifier(const std::string& url) {
  return "  - {plugin: webhook, name: ops, url: \"" + url + "\", timeout: 2s}\n";
}

}  // namespace watchpost::testing
