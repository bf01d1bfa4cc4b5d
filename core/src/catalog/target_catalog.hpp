// A pipeline's targets as data: applies what a targets plugin emits (snapshots and changes,
// by target id) to the running probe pipeline. Added targets are scheduled at their phase,
// changed ones take their new settings from their next check, removed ones are never started
// again, and targets whose definition did not change are not touched at all.
//
// On the io thread, like the pipeline it changes.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace watchpost {

class ProbePipeline;

class TargetCatalog {
 public:
  struct Change {
    int32_t op;  // WP_TARGET_UPSERT / WP_TARGET_REMOVE
    std::string id;
    std::string definition;
  };
  struct Batch {
    bool snapshot = false;
    bool last = false;
    std::vector<Change> changes;
  };

  // `config`: the pipeline's own (its probe options and evaluators are every target's
  // defaults). `source`: what log lines call the plugin ("pg_targets").
  TargetCatalog(ProbePipeline& pipeline, PipelineConfig config, const SchemaCatalog& schemas, std::string source);

  void apply(const Batch& batch);

  size_t size() const { return known_.size(); }
  // Targets the pipeline could not use, with why (what `watchpost targets list` shows).
  const std::map<std::string, std::string>& rejected() const { return rejected_; }

 private:
  void upsert(const Change& c);
  void remove(const std::string& id);
  void reject(const std::string& id, const std::string& why);
  void publish_metrics();

  struct Known {
    uint32_t index;
    uint64_t definition_hash;
    uint32_t seen_in_snapshot;  // the snapshot that last named it
  };
  ProbePipeline& pipeline_;
  PipelineConfig config_;
  const SchemaCatalog& schemas_;
  std::string source_;
  std::unordered_map<std::string, Known> known_;
  // Snapshots are numbered; what one did not name is removed when it ends. A number per known
  // target, not a set of a million ids, is what keeps a full resync cheap.
  uint32_t snapshot_ = 0;
  bool in_snapshot_ = false;
  std::map<std::string, std::string> rejected_;
  std::map<std::string, uint32_t> rejected_seen_;  // by id: the snapshot that last named it
  static constexpr size_t kNamedRejections = 20;  // per batch (a snapshot counts as one)
  size_t logged_ = 0;
  std::string metric_targets_, metric_rejected_, metric_added_, metric_updated_, metric_removed_, metric_snapshots_;
};

}  // namespace watchpost
