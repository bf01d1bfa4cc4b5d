// Alert rules as a pipeline file gives them (`alerts:` in a pipeline), and the notifiers they
// go to (top-level `notifiers:`). Parsed and checked with the rest of the file (config.cpp).
#pragma once

#include "config/options.hpp"
#include "results/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace watchpost {

struct AlertRuleConfig {
  std::string name;
  std::string kind = "consecutive";  // consecutive | window | latency | certificate | quorum (docs/alerting.md)
  int64_t down = 3;                  // consecutive, quorum: fires after this many down results (slots) in a row
  int64_t up = 1;                    // consecutive, quorum: resolves after this many up results (slots) in a row
  int64_t window_ms = 300000;        // window, latency: the sliding window
  int64_t threshold = 0;             // window: fires at this many matching results in it (0: use ratio)
  double ratio = 0;                  // window: fires when matching / all in it exceeds this
  std::vector<std::string> match_status;  // window: statuses that match (503, 5xx, 500-599)
  std::vector<std::string> match_error;   // window: error kinds that match (timeout, connect...)
  int64_t percentile = 95;           // latency: the percentile of total time judged (100: the maximum)
  int64_t above_ms = 1000;           // latency: fires when that percentile is above this
  int64_t min_results = 1;           // latency: results the window must hold before it can fire
  int64_t quorum = 2;                // quorum: regions that must say down for a slot to be down
  std::vector<std::string> regions;  // quorum: the regions expected to report each slot
  int64_t days = 14;                 // certificate: fires when fewer days than this are left
  std::string severity = "critical";
  std::string summary = "{target} is down: {value}";  // {target} {url} {rule} {value} {pipeline}
  std::string resolved_summary = "{target} recovered: {value}";
  Labels labels;                     // added to the target's on every event
  std::vector<std::string> notify;   // notifier names; empty: every notifier
  int64_t remind_every_ms = 60000;   // a firing alert is re-announced this often (reminder events)
  Position pos;
};

struct NotifierConfig {
  std::string name;    // what rules' `notify` lists name; default: the plugin's name
  std::string plugin;
  OptionList options;
  Position pos;
};

}  // namespace watchpost
