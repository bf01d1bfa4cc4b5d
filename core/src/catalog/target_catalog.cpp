#include "target_catalog.hpp"

#include "observe/log.hpp"
#include "observe/metrics.hpp"
#include "pipelines/probe_pipeline.hpp"

#include <functional>

namespace watchpost {

TargetCatalog::TargetCatalog(ProbePipeline& pipeline, PipelineConfig config, const SchemaCatalog& schemas,
                             std::string source)
    : pipeline_(pipeline), config_(std::move(config)), schemas_(schemas), source_(std::move(source)) {
  config_.targets.clear();
  const std::string l = "{pipeline=\"" + config_.name + "\"}";
  metric_targets_ = "watchpost_catalog_targets" + l;
  metric_rejected_ = "watchpost_catalog_rejected_targets" + l;
  const std::string p = "pipeline=\"" + config_.name + "\"";
  metric_added_ = "watchpost_catalog_changes_total{" + p + ",change=\"added\"}";
  metric_updated_ = "watchpost_catalog_changes_total{" + p + ",change=\"updated\"}";
  metric_removed_ = "watchpost_catalog_changes_total{" + p + ",change=\"removed\"}";
  metric_snapshots_ = "watchpost_catalog_snapshots_total" + l;
}

void TargetCatalog::apply(const Batch& batch) {
  if (batch.snapshot && !in_snapshot_) {
    in_snapshot_ = true;
    ++snapshot_;
  }
  for (auto& c : batch.changes) {
    if (c.op == WP_TARGET_REMOVE) {
      remove(c.id);
      continue;
    }
    upsert(c);
  }
  if (batch.snapshot && batch.last) {
    // What the snapshot did not name is gone from the source of truth.
    std::vector<std::string> gone;
    for (auto& [id, known] : known_)
      if (known.seen_in_snapshot != snapshot_) gone.push_back(id);
    for (auto& id : gone) remove(id);
    for (auto it = rejected_.begin(); it != rejected_.end();) {
      auto seen = rejected_seen_.find(it->first);
      if (seen != rejected_seen_.end() && seen->second == snapshot_) {
        ++it;
        continue;
      }
      rejected_seen_.erase(it->first);
      it = rejected_.erase(it);
    }
    in_snapshot_ = false;
    metrics().add(metric_snapshots_);
    log::info(config_.name, std::to_string(known_.size()) + " targets from " + source_ + " (" +
                                std::to_string(rejected_.size()) + " skipped)");
    pipeline_.snapshot_applied();
  }
  if (!in_snapshot_) {
    if (logged_ > kNamedRejections)
      log::warn(config_.name, "skipping " + std::to_string(logged_ - kNamedRejections) + " more targets from " + source_ +
                                  " (`watchpost targets list` names them all)");
    logged_ = 0;
  }
  publish_metrics();
}

void TargetCatalog::upsert(const Change& c) {
  uint64_t hash = std::hash<std::string>{}(c.definition);
  auto it = known_.find(c.id);
  if (it != known_.end() && in_snapshot_) it->second.seen_in_snapshot = snapshot_;
  if (it != known_.end() && it->second.definition_hash == hash) return;  // unchanged: not touched
  TargetConfig tc;
  try {
    tc = target_from_definition(config_, c.id, c.definition, schemas_, source_ + " target '" + c.id + "'");
  } catch (const ConfigError& e) {
    std::string why;
    for (auto& issue : e.issues()) why += (why.empty() ? "" : "; ") + issue.message;
    reject(c.id, why);
    // A target that was usable and no longer is must not go on being checked as it was.
    if (it != known_.end()) remove(c.id);
    return;
  }
  try {
    if (it == known_.end()) {
      uint32_t index = pipeline_.add_target(tc);
      known_.emplace(c.id, Known{index, hash, in_snapshot_ ? snapshot_ : 0});
      metrics().add(metric_added_);
    } else {
      pipeline_.update_target(it->second.index, tc);
      it->second.definition_hash = hash;
      metrics().add(metric_updated_);
    }
    if (!rejected_.empty() && rejected_.erase(c.id)) rejected_seen_.erase(c.id);
  } catch (const std::exception& e) {  // the probe refused it (a CA file that is not there...)
    reject(c.id, e.what());
    if (it != known_.end()) remove(c.id);
  }
}

void TargetCatalog::remove(const std::string& id) {
  auto it = known_.find(id);
  if (it == known_.end()) {
    rejected_.erase(id);
    rejected_seen_.erase(id);
    return;
  }
  pipeline_.remove_target(it->second.index);
  known_.erase(it);
  metrics().add(metric_removed_);
}

void TargetCatalog::reject(const std::string& id, const std::string& why) {
  if (in_snapshot_) rejected_seen_[id] = snapshot_;
  auto it = rejected_.find(id);
  if (it != rejected_.end() && it->second == why) return;  // said already (a resync repeats rows)
  rejected_[id] = why;
  // A catalogue full of bad rows must not drown the log: the first few are named, the rest
  // summed up when the batch ends (all of them are in `watchpost targets list`).
  if (++logged_ <= kNamedRejections) log::warn(config_.name, "skipping target '" + id + "' from " + source_ + ": " + why);
}

void TargetCatalog::publish_metrics() {
  metrics().set(metric_targets_, static_cast<double>(known_.size()));
  metrics().set(metric_rejected_, static_cast<double>(rejected_.size()));
}

}  // namespace watchpost
