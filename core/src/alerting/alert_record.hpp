// An alert event as the core owns it: made by the alert stage, kept in a notifier's outbox
// (on disk, as one JSON line) until the notifier delivered it, and viewed as wp_alert_event
// by notifier plugins.
#pragma once

#include "results/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace watchpost {

struct AlertRecord {
  int32_t state = WP_ALERT_FIRING;
  std::string alert_id, rule, severity, summary, pipeline, target_id, url, node, value;
  Labels labels;
  int64_t started_at_us = 0, ended_at_us = 0, event_at_us = 0;
  std::vector<std::string> notify;  // notifier names it goes to; empty: every notifier
  bool reminder = false;            // the alert still fires (not a change)
};

nlohmann::json to_json(const AlertRecord& e);
// Throws nlohmann::json::exception on a record that is not one.
AlertRecord alert_record_from_json(const nlohmann::json& j);

// C views of a batch, valid while both live.
class AlertRecordViews {
 public:
  explicit AlertRecordViews(const std::vector<AlertRecord>& events);
  const wp_alert_event* data() const { return raw_.data(); }
  size_t size() const { return raw_.size(); }

 private:
  std::vector<wp_alert_event> raw_;
  std::vector<std::vector<wp_label>> labels_;
};

}  // namespace watchpost
