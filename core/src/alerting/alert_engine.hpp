// The alert stage of one pipeline: judges each result, in the order the pipeline produced
// them, against the pipeline's rules, and turns what changes into alert events — one alert per
// (rule, target), firing once and resolving once (docs/alerting.md).
//
// What fires is kept in an AlertStore (a file in the spool folder, or PostgreSQL's `alerts`
// table), written whenever an alert fires or resolves: after a restart a firing alert is still
// firing, is not announced again, and its resolve is still sent. Counts towards an alert that
// has not fired yet start again after a restart.
#pragma once

#include "alert_record.hpp"
#include "alert_rule.hpp"
#include "alert_store.hpp"

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace watchpost {

class AlertEngine {
 public:
  // `store` null: nothing kept across restarts. Throws when the store cannot be read.
  AlertEngine(std::string pipeline, std::vector<AlertRuleConfig> rules, std::string node,
              std::unique_ptr<AlertStore> store);
  ~AlertEngine();
  AlertEngine(AlertEngine&&) = default;

  // Before a batch, with a store other writers share: reads back what fires for the batch's
  // targets (a partition that moved here brings its alerts; one resolved elsewhere ends).
  void prepare(const std::vector<std::string>& targets);
  bool shared_store() const;

  // Judges one result; the events it causes are appended to `out`. A result not newer than the
  // last one judged for its target and region (a replay from the spool) changes nothing, nor
  // does one in a maintenance window: no rule counts it, so nothing fires or resolves in one.
  // (Reminders go on: they only keep receivers that expire alerts, Alertmanager, from ending
  // one by themselves, and tell no one again; docs/maintenance.md.)
  void observe(const Result& r, std::vector<AlertRecord>& out);
  // Reminders (AlertRecord::reminder) for the firing alerts whose rule's `remind_every` has
  // passed since they were last announced; at most one look a second.
  void remind(int64_t now_us, std::vector<AlertRecord>& out);
  // Records in the store what fired or resolved since the last save. Throws
  // std::runtime_error when the store refuses (the batch is then retried).
  void save();
  size_t firing() const { return firing_keys_.size(); }
  // The alerts firing now, as their last event said (reminder = false), for /status.
  std::vector<AlertRecord> firing_alerts() const;
  const std::string& pipeline() const { return pipeline_; }
  // Grows whenever the firing set changes (for whoever shows it).
  uint64_t changes() const { return changes_; }

  enum class Kind { consecutive, window, latency, certificate, quorum };

 private:
  // A quorum rule's view of one slot: which regions reported it, which said down (bit i is
  // rules[...].regions[i]).
  struct SlotTally {
    uint64_t reported = 0, down = 0;
  };
  struct RuleState {
    int64_t downs = 0, ups = 0;  // consecutive (results) and quorum (slots)
    bool firing = false;
    int64_t started_at_us = 0;
    int64_t announced_at_us = 0;  // the firing event or the last reminder
    std::string value;            // what the firing event said
    std::deque<std::pair<int64_t, int64_t>> window;  // window: (slot, matched); latency: (slot, total_us)
    int64_t matched = 0;
    std::map<int64_t, SlotTally> open_slots;  // quorum: slots not decided yet, oldest first
    int64_t decided_slot_us = 0;              // quorum: the newest slot decided
  };
  struct TargetState {
    int64_t last_slot_us = 0;      // the newest slot judged, any region
    int64_t restored_slot_us = 0;  // from the state file: older results are replays
    std::vector<std::pair<std::string, int64_t>> last_slot_by_region;
    std::vector<RuleState> rules;
    std::string url;                      // as the last result gave them: for reminders
    std::shared_ptr<const Labels> labels;
    Labels override_labels;               // its `alert.` labels (alert_override.hpp)...
    std::shared_ptr<const std::vector<AlertRuleConfig>> custom;  // ...the rules with them applied (null: none)
    std::vector<char> off;                // ...and the rules they turn off
  };

  const AlertRuleConfig& rule_for(const TargetState& t, size_t i) const;
  void update_overrides(const std::string& target_id, TargetState& t);

  AlertRecord make_event(size_t rule, const std::string& target_id, const TargetState& t, const RuleState& s,
                         int32_t state, std::string value) const;
  size_t rule_index(const std::string& name) const;
  // Takes the store's firing alerts as firing here; with `targets`, also ends those of the
  // targets listed that the store no longer has.
  void adopt(const std::vector<AlertRecord>& stored, const std::vector<std::string>* targets);
  void judge(size_t rule, bool now_over, int64_t slot_us, const std::string& target_id, TargetState& t, RuleState& s,
             std::string value, std::vector<AlertRecord>& out);
  void count(size_t rule, bool down, int64_t slot_us, const std::string& target_id, TargetState& t, RuleState& s,
             const std::string& why, std::vector<AlertRecord>& out);
  void observe_quorum(size_t rule, const Result& r, TargetState& t, RuleState& s, std::vector<AlertRecord>& out);

  std::string pipeline_;
  std::vector<AlertRuleConfig> rules_;
  std::vector<Kind> kinds_;
  std::string node_;
  std::unique_ptr<AlertStore> store_;
  std::vector<AlertRecord> pending_;  // fires and resolves not yet in the store
  std::unordered_map<std::string, TargetState> targets_;
  std::set<std::pair<std::string, size_t>> firing_keys_;  // (target, rule index) of what fires
  int64_t next_remind_look_us_ = 0;
  uint64_t changes_ = 0;
};

}  // namespace watchpost
