// Per-target alert settings. They ride as target labels, so they reach whichever node judges
// the target — a fleet's writer sees only results — and come from a pipeline file, the
// catalogue (`targets add --label`) or the catalogue topic alike (docs/alerting.md):
//   alert.RULE: off | on
//   alert.RULE.PARAM: VALUE    PARAM: down up threshold ratio window percentile above
//                              min_results days severity (those the rule's kind has)
#pragma once

#include "alert_rule.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace watchpost {

inline bool is_alert_label(std::string_view key) { return key.size() > 6 && key.compare(0, 6, "alert.") == 0; }

// Applies one `alert.` label to `rules` (the pipeline's, copied for the target) and `off`
// (one flag per rule). Returns what is wrong with it, or "" when it applied.
std::string apply_alert_label(std::vector<AlertRuleConfig>& rules, std::vector<char>& off, const std::string& key,
                              const std::string& value);

}  // namespace watchpost
