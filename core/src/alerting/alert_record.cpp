#include "alert_record.hpp"

#include <nlohmann/json.hpp>

namespace watchpost {

namespace {
wp_str str_of(const std::string& s) { return wp_str{s.data(), s.size()}; }
}  // namespace

nlohmann::json to_json(const AlertRecord& e) {
  nlohmann::json labels = nlohmann::json::object();
  for (auto& [k, v] : e.labels) labels[k] = v;
  return {{"state", e.state == WP_ALERT_FIRING ? "firing" : "resolved"},
          {"alert_id", e.alert_id},
          {"rule", e.rule},
          {"severity", e.severity},
          {"summary", e.summary},
          {"pipeline", e.pipeline},
          {"target_id", e.target_id},
          {"url", e.url},
          {"node", e.node},
          {"value", e.value},
          {"labels", labels},
          {"started_at_us", e.started_at_us},
          {"ended_at_us", e.ended_at_us},
          {"event_at_us", e.event_at_us},
          {"notify", e.notify},
          {"reminder", e.reminder}};
}

AlertRecord alert_record_from_json(const nlohmann::json& j) {
  AlertRecord e;
  e.state = j.at("state").get<std::string>() == "firing" ? WP_ALERT_FIRING : WP_ALERT_RESOLVED;
  for (auto [field, key] : {std::pair{&e.alert_id, "alert_id"}, {&e.rule, "rule"}, {&e.severity, "severity"},
                            {&e.summary, "summary"}, {&e.pipeline, "pipeline"}, {&e.target_id, "target_id"},
                            {&e.url, "url"}, {&e.node, "node"}, {&e.value, "value"}})
    *field = j.at(key).get<std::string>();
  for (auto& [k, v] : j.at("labels").items()) e.labels.emplace_back(k, v.get<std::string>());
  e.started_at_us = j.at("started_at_us").get<int64_t>();
  e.ended_at_us = j.at("ended_at_us").get<int64_t>();
  e.event_at_us = j.at("event_at_us").get<int64_t>();
  e.notify = j.at("notify").get<std::vector<std::string>>();
  e.reminder = j.value("reminder", false);
  return e;
}

AlertRecordViews::AlertRecordViews(const std::vector<AlertRecord>& events) {
  raw_.reserve(events.size());
  labels_.reserve(events.size());
  for (auto& e : events) {
    auto& labels = labels_.emplace_back();
    for (auto& [k, v] : e.labels) labels.push_back(wp_label{str_of(k), str_of(v)});
    wp_alert_event r{};
    r.struct_size = sizeof(wp_alert_event);
    r.state = e.state;
    r.alert_id = str_of(e.alert_id);
    r.rule = str_of(e.rule);
    r.severity = str_of(e.severity);
    r.summary = str_of(e.summary);
    r.pipeline = str_of(e.pipeline);
    r.target_id = str_of(e.target_id);
    r.url = str_of(e.url);
    r.labels = labels.data();
    r.label_count = labels.size();
    r.started_at_us = e.started_at_us;
    r.ended_at_us = e.ended_at_us;
    r.event_at_us = e.event_at_us;
    r.node = str_of(e.node);
    r.value = str_of(e.value);
    r.reminder = e.reminder ? 1 : 0;
    raw_.push_back(r);
  }
}

}  // namespace watchpost
