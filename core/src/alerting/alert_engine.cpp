#include "alert_engine.hpp"

#include "alert_override.hpp"
#include "observe/log.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
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

AlertEngine::Kind kind_of(const std::string& name) {
  if (name == "window") return AlertEngine::Kind::window;
  if (name == "latency") return AlertEngine::Kind::latency;
  if (name == "certificate") return AlertEngine::Kind::certificate;
  if (name == "quorum") return AlertEngine::Kind::quorum;
  return AlertEngine::Kind::consecutive;
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

std::string millis(int64_t us) { return std::to_string((us + 500) / 1000) + "ms"; }

// The nearest-rank percentile of the samples' second members.
int64_t percentile_of(const std::deque<std::pair<int64_t, int64_t>>& samples, int64_t p) {
  std::vector<int64_t> v;
  v.reserve(samples.size());
  for (auto& s : samples) v.push_back(s.second);
  size_t rank = static_cast<size_t>((p * static_cast<int64_t>(v.size()) + 99) / 100);
  size_t k = rank == 0 ? 0 : rank - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

std::string region_names(const std::vector<std::string>& regions, uint64_t bits) {
  std::string out;
  for (size_t i = 0; i < regions.size(); ++i)
    if (bits & (uint64_t{1} << i)) out += (out.empty() ? "" : ", ") + regions[i];
  return out.empty() ? "none" : out;
}

// A quorum rule keeps a slot open until its verdict cannot change, or until this many newer
// slots are open (a region that never reports then counts as not down).
constexpr size_t kOpenSlots = 3;

}  // namespace

AlertEngine::AlertEngine(std::string pipeline, std::vector<AlertRuleConfig> rules, std::string node,
                         std::unique_ptr<AlertStore> store)
    : pipeline_(std::move(pipeline)), rules_(std::move(rules)), node_(std::move(node)), store_(std::move(store)) {
  for (auto& r : rules_) kinds_.push_back(kind_of(r.kind));
  // A shared store is read per batch instead (prepare): a writer starts while its database is down.
  if (store_ && !store_->shared()) adopt(store_->firing(nullptr), nullptr);
  if (!firing_keys_.empty())
    log::info(pipeline_, std::to_string(firing_keys_.size()) + " alerts still firing from before the restart (" +
                             store_->where() + ")");
}

AlertEngine::~AlertEngine() = default;

size_t AlertEngine::rule_index(const std::string& name) const {
  size_t i = 0;
  while (i < rules_.size() && rules_[i].name != name) ++i;
  return i;
}

void AlertEngine::adopt(const std::vector<AlertRecord>& stored, const std::vector<std::string>* targets) {
  int64_t now = now_us();
  std::set<std::pair<std::string, size_t>> stored_keys;
  for (auto& a : stored) {
    size_t i = rule_index(a.rule);
    if (i == rules_.size()) continue;  // the rule is gone from the file: its alerts end with it
    stored_keys.emplace(a.target_id, i);
    TargetState& t = targets_[a.target_id];
    t.rules.resize(rules_.size());
    t.restored_slot_us = std::max(t.restored_slot_us, a.ended_at_us);
    if (t.url.empty()) t.url = a.url;
    if (!t.labels && !a.labels.empty()) t.labels = std::make_shared<Labels>(a.labels);
    RuleState& s = t.rules[i];
    if (s.firing) continue;
    s.firing = true;
    s.downs = rules_[i].down;
    s.ups = 0;
    s.started_at_us = a.started_at_us;
    s.announced_at_us = targets ? now : 0;  // at a start: a reminder at once for receivers that expire
    s.value = a.value;
    firing_keys_.emplace(a.target_id, i);
    ++changes_;
  }
  if (!targets) return;
  // Fired here, resolved in the store since (by the writer that had the partition meanwhile).
  for (auto& target : *targets) {
    auto it = targets_.find(target);
    if (it == targets_.end()) continue;
    for (size_t i = 0; i < it->second.rules.size(); ++i) {
      RuleState& s = it->second.rules[i];
      if (!s.firing || stored_keys.count({target, i})) continue;
      s = RuleState{};
      firing_keys_.erase({target, i});
      ++changes_;
    }
  }
}

void AlertEngine::prepare(const std::vector<std::string>& targets) {
  if (!store_ || !store_->shared() || !pending_.empty()) return;  // unsaved changes: memory is ahead
  adopt(store_->firing(&targets), &targets);
}

bool AlertEngine::shared_store() const { return store_ && store_->shared(); }

void AlertEngine::observe(const Result& r, std::vector<AlertRecord>& out) {
  TargetState& t = targets_[r.target_id];
  if (r.scheduled_at_us <= t.restored_slot_us) return;  // judged before the restart
  auto region = std::find_if(t.last_slot_by_region.begin(), t.last_slot_by_region.end(),
                             [&](auto& e) { return e.first == r.region; });
  if (region == t.last_slot_by_region.end()) {
    t.last_slot_by_region.emplace_back(r.region, 0);
    region = std::prev(t.last_slot_by_region.end());
  }
  if (r.scheduled_at_us <= region->second) return;  // judged already (a replay from the spool)
  region->second = r.scheduled_at_us;
  t.last_slot_us = std::max(t.last_slot_us, r.scheduled_at_us);
  t.rules.resize(rules_.size());
  t.url = r.url;
  t.labels = r.labels;
  if (!r.maintenance_window.empty()) return;  // checked and stored, but evidence for no rule
  update_overrides(r.target_id, t);
  bool judged = r.outcome == WP_OUTCOME_UP || r.outcome == WP_OUTCOME_DOWN;  // unknown: no evidence either way
  for (size_t i = 0; i < rules_.size(); ++i) {
    const AlertRuleConfig& rule = rule_for(t, i);
    RuleState& s = t.rules[i];
    if (!t.off.empty() && t.off[i]) {  // `alert.RULE: off` on this target
      if (s.firing) judge(i, false, r.scheduled_at_us, r.target_id, t, s, "the rule is off for this target", out);
      s = RuleState{};
      continue;
    }
    switch (kinds_[i]) {
      case Kind::quorum:
        observe_quorum(i, r, t, s, out);
        break;
      case Kind::certificate: {
        // Only results that saw a certificate count: a site that is down says nothing of it.
        if (!judged || r.tls_days_left == INT32_MIN) break;
        judge(i, r.tls_days_left < rule.days, r.scheduled_at_us, r.target_id, t, s,
              std::to_string(r.tls_days_left) + " days left on the certificate", out);
        break;
      }
      case Kind::window: {
        if (!judged) break;
        bool m = matches(rule, r);
        s.window.emplace_back(r.scheduled_at_us, m);
        s.matched += m;
        while (s.window.front().first <= r.scheduled_at_us - rule.window_ms * 1000) {
          s.matched -= s.window.front().second;
          s.window.pop_front();
        }
        bool over = rule.threshold > 0 ? s.matched >= rule.threshold
                                       : static_cast<double>(s.matched) / static_cast<double>(s.window.size()) > rule.ratio;
        judge(i, over, r.scheduled_at_us, r.target_id, t, s,
              std::to_string(s.matched) + " of " + std::to_string(s.window.size()) + " results in " +
                  std::to_string(rule.window_ms / 1000) + "s matched",
              out);
        break;
      }
      case Kind::latency: {
        // Every result that measured its total time counts, up or down: a timeout is slow.
        if (r.total_us >= 0) s.window.emplace_back(r.scheduled_at_us, r.total_us);
        while (!s.window.empty() && s.window.front().first <= r.scheduled_at_us - rule.window_ms * 1000)
          s.window.pop_front();
        if (s.window.empty()) break;
        int64_t p = percentile_of(s.window, rule.percentile);
        bool over = static_cast<int64_t>(s.window.size()) >= rule.min_results && p > rule.above_ms * 1000;
        std::string name = rule.percentile == 100 ? "max" : "p" + std::to_string(rule.percentile);
        judge(i, over, r.scheduled_at_us, r.target_id, t, s,
              name + " " + millis(p) + (over ? " > " : " <= ") + millis(rule.above_ms * 1000) + " over " +
                  std::to_string(s.window.size()) + " results in " + std::to_string(rule.window_ms / 1000) + "s",
              out);
        break;
      }
      case Kind::consecutive: {
        if (!judged) break;
        std::string why = std::string(error_kind_name(r.error_kind));
        if (!r.error_message.empty()) why += ": " + r.error_message;
        count(i, r.outcome == WP_OUTCOME_DOWN, r.scheduled_at_us, r.target_id, t, s, why, out);
        break;
      }
    }
  }
}

const AlertRuleConfig& AlertEngine::rule_for(const TargetState& t, size_t i) const {
  return t.custom ? (*t.custom)[i] : rules_[i];
}

void AlertEngine::update_overrides(const std::string& target_id, TargetState& t) {
  bool any = false;
  if (t.labels)
    for (auto& kv : *t.labels) any = any || is_alert_label(kv.first);
  if (!any && t.override_labels.empty()) return;  // the common case: nothing to do
  Labels mine;
  if (t.labels)
    for (auto& kv : *t.labels)
      if (is_alert_label(kv.first)) mine.push_back(kv);
  if (mine == t.override_labels) return;
  t.override_labels = mine;
  t.custom.reset();
  t.off.clear();
  if (mine.empty()) return;
  auto custom = std::make_shared<std::vector<AlertRuleConfig>>(rules_);
  for (auto& [key, value] : mine) {
    std::string why = apply_alert_label(*custom, t.off, key, value);
    // Labels from a pipeline file were checked at load; from elsewhere, a bad one is said once per change.
    if (!why.empty()) log::warn(pipeline_, "target " + target_id + ": " + why + " (label ignored)");
  }
  t.custom = std::move(custom);
}

void AlertEngine::observe_quorum(size_t i, const Result& r, TargetState& t, RuleState& s,
                                 std::vector<AlertRecord>& out) {
  const AlertRuleConfig& rule = rule_for(t, i);
  auto at = std::find(rule.regions.begin(), rule.regions.end(), r.region);
  if (at == rule.regions.end() || r.scheduled_at_us <= s.decided_slot_us) return;  // not a listed region, or late
  uint64_t bit = uint64_t{1} << (at - rule.regions.begin());
  SlotTally& tally = s.open_slots[r.scheduled_at_us];
  tally.reported |= bit;
  if (r.outcome == WP_OUTCOME_DOWN) tally.down |= bit;
  // Slots are decided oldest first, each once its verdict cannot change any more.
  const int64_t regions = static_cast<int64_t>(rule.regions.size());
  while (!s.open_slots.empty()) {
    auto front = s.open_slots.begin();
    const SlotTally& f = front->second;
    int64_t downs = __builtin_popcountll(f.down), reported = __builtin_popcountll(f.reported);
    bool down = downs >= rule.quorum;
    bool settled = down || downs + (regions - reported) < rule.quorum || s.open_slots.size() > kOpenSlots;
    if (!settled) break;
    uint64_t all = regions == 64 ? ~uint64_t{0} : (uint64_t{1} << regions) - 1;
    std::string why = "down from " + std::to_string(downs) + " of " + std::to_string(regions) + " regions: " +
                      region_names(rule.regions, f.down) + "; quorum " + std::to_string(rule.quorum) +
                      (reported < regions ? "; missing " + region_names(rule.regions, all & ~f.reported) : "");
    int64_t slot = front->first;
    s.decided_slot_us = slot;
    s.open_slots.erase(front);
    count(i, down, slot, r.target_id, t, s, why, out);
  }
}

void AlertEngine::count(size_t i, bool down, int64_t slot_us, const std::string& target_id, TargetState& t,
                        RuleState& s, const std::string& why, std::vector<AlertRecord>& out) {
  const AlertRuleConfig& rule = rule_for(t, i);
  if (down) {
    ++s.downs;
    s.ups = 0;
  } else {
    ++s.ups;
    s.downs = 0;
  }
  const char* unit = kinds_[i] == Kind::quorum ? " slots" : "";
  if (!s.firing && s.downs >= rule.down)
    judge(i, true, slot_us, target_id, t, s, std::to_string(s.downs) + " down" + unit + " in a row (" + why + ")", out);
  else if (s.firing && s.ups >= rule.up)
    judge(i, false, slot_us, target_id, t, s, std::to_string(s.ups) + " up" + unit + " in a row", out);
}

void AlertEngine::judge(size_t i, bool over, int64_t slot_us, const std::string& target_id, TargetState& t,
                        RuleState& s, std::string value, std::vector<AlertRecord>& out) {
  if (over == s.firing) return;
  ++changes_;
  if (over) {
    s.firing = true;
    s.started_at_us = slot_us;
    s.announced_at_us = now_us();
    s.value = value;
    firing_keys_.emplace(target_id, i);
    out.push_back(make_event(i, target_id, t, s, WP_ALERT_FIRING, std::move(value)));
  } else {
    s.firing = false;
    firing_keys_.erase({target_id, i});
    AlertRecord e = make_event(i, target_id, t, s, WP_ALERT_RESOLVED, std::move(value));
    e.ended_at_us = slot_us;
    out.push_back(std::move(e));
  }
  pending_.push_back(out.back());
}

void AlertEngine::remind(int64_t now, std::vector<AlertRecord>& out) {
  if (now < next_remind_look_us_ || firing_keys_.empty()) return;
  next_remind_look_us_ = now + 1000000;
  for (auto& [target, i] : firing_keys_) {
    TargetState& t = targets_[target];
    RuleState& s = t.rules[i];
    if (now - s.announced_at_us < rule_for(t, i).remind_every_ms * 1000) continue;
    s.announced_at_us = now;
    AlertRecord e = make_event(i, target, t, s, WP_ALERT_FIRING, "still firing");
    e.reminder = true;
    out.push_back(std::move(e));
  }
}

AlertRecord AlertEngine::make_event(size_t i, const std::string& target_id, const TargetState& t, const RuleState& s,
                                    int32_t state, std::string value) const {
  const AlertRuleConfig& rule = rule_for(t, i);
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
  if (t.labels)
    for (auto& kv : *t.labels)
      if (!is_alert_label(kv.first)) e.labels.push_back(kv);  // settings, not labels for receivers
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

std::vector<AlertRecord> AlertEngine::firing_alerts() const {
  std::vector<AlertRecord> out;
  out.reserve(firing_keys_.size());
  for (auto& [target, i] : firing_keys_) {
    const TargetState& t = targets_.at(target);
    AlertRecord a = make_event(i, target, t, t.rules[i], WP_ALERT_FIRING, t.rules[i].value);
    a.event_at_us = 0;
    a.ended_at_us = t.last_slot_us;  // the store keeps the newest slot judged here
    out.push_back(std::move(a));
  }
  return out;
}

void AlertEngine::save() {
  if (pending_.empty()) return;
  if (store_) store_->commit(pending_, firing_alerts());
  pending_.clear();
}

}  // namespace watchpost
