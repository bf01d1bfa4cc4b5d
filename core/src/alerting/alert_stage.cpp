#include "alert_stage.hpp"

#include "alert_board.hpp"
#include "notifier_hub.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"

#include <chrono>
#include <cstring>
#include <unordered_set>

namespace watchpost {

namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct AlertStage {
  AlertStage(AlertEngine e, std::string metric) : engine(std::move(e)), metric_firing(std::move(metric)) {}
  AlertEngine engine;
  std::vector<AlertRecord> undelivered;  // made, not yet in every outbox (a disk that refused)
  std::string metric_firing;             // watchpost_alerts_firing{pipeline=...}
  uint64_t posted_changes = ~uint64_t{0};
  std::vector<Result> batch;             // reused

  ~AlertStage() { alert_board().take_down(engine.pipeline(), this); }
};

void fail(wp_error* e, const std::string& message) {
  size_t n = std::min(message.size(), sizeof(e->message) - 1);
  std::memcpy(e->message, message.data(), n);
  e->message[n] = '\0';
}

int write(void* instance, const wp_result* results, size_t count, wp_error* error) {
  auto* stage = static_cast<AlertStage*>(instance);
  try {
    stage->batch.clear();
    const wp_result* r = results;
    for (size_t i = 0; i < count; ++i, r = reinterpret_cast<const wp_result*>(reinterpret_cast<const char*>(r) + r->struct_size))
      stage->batch.push_back(result_from_c(*r));
    if (stage->engine.shared_store()) {
      std::vector<std::string> targets;
      std::unordered_set<std::string_view> seen;
      for (auto& res : stage->batch)
        if (seen.insert(res.target_id).second) targets.push_back(res.target_id);
      stage->engine.prepare(targets);  // throws while the store is away: the batch waits
    }
    for (auto& res : stage->batch) stage->engine.observe(res, stage->undelivered);
    stage->engine.remind(now_us(), stage->undelivered);
    for (auto& e : stage->undelivered)
      if (!e.reminder)
        log::write(e.state == WP_ALERT_FIRING ? log::Level::warn : log::Level::info, e.pipeline,
                   std::string(e.state == WP_ALERT_FIRING ? "alert firing: " : "alert resolved: ") + e.summary +
                       " [rule " + e.rule + ", " + e.severity + "]");
    notifier_hub().deliver(stage->undelivered);
    stage->undelivered.clear();
    stage->engine.save();
  } catch (const std::exception& ex) {
    fail(error, std::string("alert stage: ") + ex.what());
    return WP_RETRY;
  }
  if (stage->posted_changes != stage->engine.changes()) {
    stage->posted_changes = stage->engine.changes();
    alert_board().post(stage->engine.pipeline(), stage, stage->engine.firing_alerts());
    metrics().set(stage->metric_firing, static_cast<double>(stage->engine.firing()));
  }
  return WP_OK;
}

const wp_sink_api kAlertStageTable = {
    sizeof(wp_sink_api),
    nullptr,
    0,
    nullptr,
    [](const wp_host*, const wp_options*, void**, wp_error* e) -> int {
      fail(e, "the alert stage is made by the core, not from a pipeline file");
      return WP_ERROR;
    },
    [](void* instance) { delete static_cast<AlertStage*>(instance); },
    &write,
    nullptr,
};

}  // namespace

std::unique_ptr<SinkInstance> make_alert_stage(const std::string& pipeline, const std::vector<AlertRuleConfig>& rules,
                                               const std::string& node, const std::string& spool_dir,
                                               const OptionList* pg_options) {
  std::unique_ptr<AlertStore> store;
  if (pg_options && postgres_alert_store_maker()) store = postgres_alert_store_maker()(pipeline, *pg_options);
  else if (!spool_dir.empty()) store = file_alert_store(spool_dir, pipeline);
  std::string where = store ? store->where() : "";
  auto stage = std::make_unique<AlertStage>(
      AlertEngine(pipeline, rules, node, std::move(store)), "watchpost_alerts_firing{pipeline=\"" + pipeline + "\"}");
  alert_board().post(pipeline, stage.get(), stage->engine.firing_alerts());
  stage->posted_changes = stage->engine.changes();
  metrics().set(stage->metric_firing, static_cast<double>(stage->engine.firing()));
  auto instance = std::make_unique<SinkInstance>(nullptr, &kAlertStageTable, pipeline + "/alerts");
  instance->adopt(stage.release());
  if (where.empty())
    log::warn(pipeline, "alert state is kept in memory only: set 'spool: {dir: ...}' so firing alerts survive a restart");
  else
    log::info(pipeline, "alert state is kept in " + where);
  return instance;
}

}  // namespace watchpost
