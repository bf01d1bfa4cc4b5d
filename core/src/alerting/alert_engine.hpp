// The alert stage of one pipeline: judges each result, in the order the pipeline produced
// them, against the pipeline's rules, and turns what changes into alert events — one alert per
// (rule, target), firing once and resolving once (docs/alerting.md).
//
// What fires is kept in a state file (the spool folder's alerts/PIPELINE.json, replaced
// atomically whenever an alert fires or resolves): after a restart a firing alert is still
// firing, is not announced again, and its resolve is still sent. Counts towards an alert that
// has not fired yet start again after a restart.
#pragma once

#include "alert_record.hpp"
#include "alert_rule.hpp"

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace watchpost {

class AlertEngine {
 public:
  // `state_file` empty: nothing kept across restarts. Throws when the file exists but
  // cannot be read.
  AlertEngine(std::string pipeline, std::vector<AlertRuleConfig> rules, std::string node, std::string state_file);

  // Judges one result; the events it causes are appended to `out`. A result not newer than the
  // last one judged for its target (a replay from the spool) changes nothing.
  void observe(const Result& r, std::vector<AlertRecord>& out);
  // Reminders (AlertRecord::reminder) for the firing alerts whose rule's `remind_every` has
  // passed since they were last announced; at most one look a second.
  void remind(int64_t now_us, std::vector<AlertRecord>& out);
  // Writes the state file if an alert fired or resolved since the last save. Throws
  // std::runtime_error when the disk refuses (the batch is then retried).
  void save();
  size_t firing() const { return firing_count_; }
  const std::string& pipeline() const { return pipeline_; }

 private:
  struct RuleState {
    int64_t downs = 0, ups = 0;
    bool firing = false;
    int64_t started_at_us = 0;
    int64_t announced_at_us = 0;  // the firing event or the last reminder
    std::deque<std::pair<int64_t, bool>> window;  // window rules: (slot, matched) of the results in it
    int64_t matched = 0;
  };
  struct TargetState {
    int64_t last_slot_us = 0;
    std::vector<RuleState> rules;
    std::string url;                      // as the last result gave them: for reminders
    std::shared_ptr<const Labels> labels;
  };

  AlertRecord make_event(const AlertRuleConfig& rule, const std::string& target_id, const TargetState& t,
                         const RuleState& s, int32_t state, std::string value) const;
  void load();
  void fire(const AlertRuleConfig& rule, size_t index, const Result& r, TargetState& t, RuleState& s, std::string value,
            std::vector<AlertRecord>& out);
  void resolve(const AlertRuleConfig& rule, size_t index, const Result& r, TargetState& t, RuleState& s,
               std::string value, std::vector<AlertRecord>& out);

  std::string pipeline_;
  std::vector<AlertRuleConfig> rules_;
  std::string node_;
  std::string state_file_;
  std::unordered_map<std::string, TargetState> targets_;
  std::set<std::pair<std::string, size_t>> firing_keys_;  // (target, rule index) of what fires
  int64_t next_remind_look_us_ = 0;
  size_t firing_count_ = 0;
  bool dirty_ = false;
};

}  // namespace watchpost
