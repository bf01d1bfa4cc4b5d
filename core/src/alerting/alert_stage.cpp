#include "alert_stage.hpp"

#include "notifier_hub.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"

#include <chrono>
#include <cstring>

namespace watchpost {

namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct AlertStage {
  AlertEngine engine;
  std::vector<AlertRecord> undelivered;  // made, not yet in every outbox (a disk that refused)
  std::string metric_firing;              // watchpost_alerts_firing{pipeline=...}
};

void fail(wp_error* e, const std::string& message) {
  size_t n = std::min(message.size(), sizeof(e->message) - 1);
  std::memcpy(e->message, message.data(), n);
  e->message[n] = '\0';
}

int write(void* instance, const wp_result* results, size_t count, wp_error* error) {
  auto* stage = static_cast<AlertStage*>(instance);
  const wp_result* r = results;
  for (size_t i = 0; i < count; ++i, r = reinterpret_cast<const wp_result*>(reinterpret_cast<const char*>(r) + r->struct_size))
    stage->engine.observe(result_from_c(*r), stage->undelivered);
  stage->engine.remind(now_us(), stage->undelivered);
  try {
    for (auto& e : stage->undelivered)
      if (!e.reminder)
        log::write(e.state == WP_ALERT_FIRING ? log::Level::warn : log::Level::info, e.pipeline,
                 std::string(e.state == WP_ALERT_FIRING ? "alert firing: " : "alert resolved: ") + e.summary +
                     " [rule " + e.rule + ", " + e.severity + "]");
    notifier_hub().deliver(stage->undelivered);
    stage->undelivered.clear();
    stage->engine.save();
    metrics().set(stage->metric_firing, static_cast<double>(stage->engine.firing()));
  } catch (const std::exception& ex) {
    fail(error, std::string("alert stage: ") + ex.what());
    return WP_RETRY;
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
                                               const std::string& node, const std::string& spool_dir) {
  std::string state = spool_dir.empty() ? "" : spool_dir + "/alerts/" + pipeline + ".json";
  auto stage = std::make_unique<AlertStage>(
      AlertStage{AlertEngine(pipeline, rules, node, state), {}, "watchpost_alerts_firing{pipeline=\"" + pipeline + "\"}"});
  metrics().set(stage->metric_firing, static_cast<double>(stage->engine.firing()));
  auto instance = std::make_unique<SinkInstance>(nullptr, &kAlertStageTable, pipeline + "/alerts");
  instance->adopt(stage.release());
  if (spool_dir.empty())
    log::warn(pipeline, "alert state is kept in memory only: set 'spool: {dir: ...}' so firing alerts survive a restart");
  return instance;
}

}  // namespace watchpost
