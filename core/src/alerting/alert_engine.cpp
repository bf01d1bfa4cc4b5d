#include "alert_engine.hpp"

#include "observe/log.hpp"
#include "synced_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace watchpost {

namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string replace_all(std::string s, const std::string& token, const std::string& with) {
  for (size_t at = 0; (at = s.find(token, at)) != std::string::npos; at += with.size()) s.replace(at, token.size(), with);
  return s;
}

// A window rule's condition: a status or error kind it names, else a down result.
bool matches(const AlertRuleConfig& rule, const Result& r) {
  if (rule.match_status.empty() && rule.match_error.empty()) return r.outcome == WP_OUTCOME_DOWN;
  for (auto& p : rule.match_status) {
    if (r.http_status <= 0) break;
    if (p.size() == 3 && p.substr(1) == "xx") {
      if (r.http_status / 100 == p[0] - '0') return true;
    } else if (size_t dash = p.find('-'); dash != std::string::npos) {
      if (r.http_status >= std::stoi(p.substr(0, dash)) && r.http_status <= std::stoi(p.substr(dash + 1))) return true;
    } else if (r.http_status == std::stoi(p)) {
      return true;
    }
  }
  for (auto& kind : rule.match_error)
    if (r.error_kind != WP_ERR_NONE && error_kind_name(r.error_kind) == kind) return true;
  return false;
}

}  // namespace

AlertEngine::AlertEngine(std::string pipeline, std::vector<AlertRuleConfig> rules, std::string node,
                         std::string state_file)
    : pipeline_(std::move(pipeline)), rules_(std::move(rules)), node_(std::move(node)), state_file_(std::move(state_file)) {
  load();
}

void AlertEngine::observe(const Result& r, std::vector<AlertRecord>& out) {
  if (r.outcome != WP_OUTCOME_UP && r.outcome != WP_OUTCOME_DOWN) return;  // unknown: no evidence either way
  TargetState& t = targets_[r.target_id];
  if (r.scheduled_at_us <= t.last_slot_us) return;  // judged already (a replay)
  t.last_slot_us = r.scheduled_at_us;
  t.rules.resize(rules_.size());
  t.url = r.url;
  t.labels = r.labels;
  bool down = r.outcome == WP_OUTCOME_DOWN;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const AlertRuleConfig& rule = rules_[i];
    RuleState& s = t.rules[i];
    if (rule.kind == "certificate") {
      // Only results that saw a certificate count: a site that is down says nothing of it.
      if (r.tls_days_left == INT32_MIN) continue;
      std::string value = std::to_string(r.tls_days_left) + " days left on the certificate";
      bool soon = r.tls_days_left < rule.days;
      if (!s.firing && soon) fire(rule, i, r, t, s, value, out);
      else if (s.firing && !soon) resolve(rule, i, r, t, s, value, out);
      continue;
    }
    if (rule.kind == "window") {
      bool m = matches(rule, r);
      s.window.emplace_back(r.scheduled_at_us, m);
      s.matched += m;
      while (s.window.front().first <= r.scheduled_at_us - rule.window_ms * 1000) {
        s.matched -= s.window.front().second;
        s.window.pop_front();
      }
      bool over = rule.threshold > 0 ? s.matched >= rule.threshold
                                     : static_cast<double>(s.matched) / static_cast<double>(s.window.size()) > rule.ratio;
      std::string value = std::to_string(s.matched) + " of " + std::to_string(s.window.size()) + " results in " +
                          std::to_string(rule.window_ms / 1000) + "s matched";
      if (!s.firing && over) fire(rule, i, r, t, s, value, out);
      else if (s.firing && !over) resolve(rule, i, r, t, s, value, out);
      continue;
    }
    if (down) {
      ++s.downs;
      s.ups = 0;
    } else {
      ++s.ups;
      s.downs = 0;
    }
    if (!s.firing && s.downs >= rule.down) {
      std::string why = std::string(error_kind_name(r.error_kind));
      if (!r.error_message.empty()) why += ": " + r.error_message;
      fire(rule, i, r, t, s, std::to_string(s.downs) + " down in a row (" + why + ")", out);
    } else if (s.firing && s.ups >= rule.up) {
      resolve(rule, i, r, t, s, std::to_string(s.ups) + " up in a row", out);
    }
  }
}

void AlertEngine::fire(const AlertRuleConfig& rule, size_t index, const Result& r, TargetState& t, RuleState& s,
                       std::string value, std::vector<AlertRecord>& out) {
  s.firing = true;
  s.started_at_us = r.scheduled_at_us;
  s.announced_at_us = now_us();
  firing_keys_.emplace(r.target_id, index);
  ++firing_count_;
  dirty_ = true;
  out.push_back(make_event(rule, r.target_id, t, s, WP_ALERT_FIRING, std::move(value)));
}

void AlertEngine::resolve(const AlertRuleConfig& rule, size_t index, const Result& r, TargetState& t, RuleState& s,
                          std::string value, std::vector<AlertRecord>& out) {
  s.firing = false;
  firing_keys_.erase({r.target_id, index});
  --firing_count_;
  dirty_ = true;
  AlertRecord e = make_event(rule, r.target_id, t, s, WP_ALERT_RESOLVED, std::move(value));
  e.ended_at_us = r.scheduled_at_us;
  out.push_back(std::move(e));
}

void AlertEngine::remind(int64_t now, std::vector<AlertRecord>& out) {
  if (now < next_remind_look_us_ || firing_keys_.empty()) return;
  next_remind_look_us_ = now + 1000000;
  for (auto& [target, i] : firing_keys_) {
    TargetState& t = targets_[target];
    RuleState& s = t.rules[i];
    if (now - s.announced_at_us < rules_[i].remind_every_ms * 1000) continue;
    s.announced_at_us = now;
    AlertRecord e = make_event(rules_[i], target, t, s, WP_ALERT_FIRING, "still firing");
    e.reminder = true;
    out.push_back(std::move(e));
  }
}

AlertRecord AlertEngine::make_event(const AlertRuleConfig& rule, const std::string& target_id, const TargetState& t,
                                    const RuleState& s, int32_t state, std::string value) const {
  AlertRecord e;
  e.state = state;
  e.alert_id = pipeline_ + "/" + rule.name + "/" + target_id;
  e.rule = rule.name;
  e.severity = rule.severity;
  e.pipeline = pipeline_;
  e.target_id = target_id;
  e.url = t.url;
  e.node = node_;
  e.value = std::move(value);
  if (t.labels) e.labels = *t.labels;
  e.labels.insert(e.labels.end(), rule.labels.begin(), rule.labels.end());
  e.started_at_us = s.started_at_us;
  e.event_at_us = now_us();
  e.notify = rule.notify;
  std::string summary = state == WP_ALERT_RESOLVED ? rule.resolved_summary : rule.summary;
  for (auto [token, with] : {std::pair<const char*, const std::string*>{"{target}", &e.target_id},
                             {"{url}", &e.url},
                             {"{rule}", &e.rule},
                             {"{value}", &e.value},
                             {"{pipeline}", &e.pipeline},
                             {"{severity}", &e.severity}})
    summary = replace_all(summary, token, *with);
  e.summary = summary;
  return e;
}

void AlertEngine::save() {
  if (!dirty_ || state_file_.empty()) {
    dirty_ = false;
    return;
  }
  nlohmann::json firing = nlohmann::json::array();
  for (auto& [target, i] : firing_keys_) {
    const TargetState& t = targets_.at(target);
    nlohmann::json labels = nlohmann::json::object();
    if (t.labels)
      for (auto& [k, v] : *t.labels) labels[k] = v;
    firing.push_back({{"rule", rules_[i].name},
                      {"target_id", target},
                      {"started_at_us", t.rules[i].started_at_us},
                      {"last_slot_us", t.last_slot_us},
                      {"url", t.url},
                      {"labels", labels}});
  }
  replace_file_synced(state_file_, nlohmann::json{{"version", 1}, {"pipeline", pipeline_}, {"firing", firing}}.dump() + "\n");
  dirty_ = false;
}

void AlertEngine::load() {
  if (state_file_.empty()) return;
  std::ifstream in(state_file_);
  if (!in) return;  // nothing fired yet
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.contains("firing"))
    throw std::runtime_error(state_file_ + " is not an alert state file (move it away to start afresh)");
  size_t kept = 0, dropped = 0;
  for (auto& f : j["firing"]) {
    std::string rule = f.value("rule", std::string());
    size_t i = 0;
    while (i < rules_.size() && rules_[i].name != rule) ++i;
    if (i == rules_.size()) {  // the rule is gone from the file: its alerts end with it
      ++dropped;
      continue;
    }
    std::string target = f.value("target_id", std::string());
    TargetState& t = targets_[target];
    t.rules.resize(rules_.size());
    t.last_slot_us = std::max(t.last_slot_us, f.value("last_slot_us", int64_t{0}));
    t.url = f.value("url", std::string());
    if (f.contains("labels") && f["labels"].is_object()) {
      auto labels = std::make_shared<Labels>();
      for (auto& [k, v] : f["labels"].items())
        if (v.is_string()) labels->emplace_back(k, v.get<std::string>());
      t.labels = std::move(labels);
    }
    firing_keys_.emplace(target, i);
    t.rules[i].firing = true;
    t.rules[i].downs = rules_[i].down;
    t.rules[i].started_at_us = f.value("started_at_us", int64_t{0});
    ++firing_count_;
    ++kept;
  }
  if (kept || dropped)
    log::info(pipeline_, std::to_string(kept) + " alerts still firing from before the restart" +
                             (dropped ? " (" + std::to_string(dropped) + " of rules no longer in the file dropped)" : ""));
}

}  // namespace watchpost
