// The alert stage as a sink the core builds itself: a pipeline with `alerts:` gets it beside
// its own sinks, so it is fed every result in the pipeline's order and inherits the sinks'
// batching, retries, spool and drain. A batch is done once its events are in every outbox and
// the alert state is on disk.
#pragma once

#include "alert_engine.hpp"
#include "plugins/instance.hpp"

#include <memory>

namespace watchpost {

// The sink instance for `pipeline`'s rules; `spool_dir` empty: state kept in memory only.
std::unique_ptr<SinkInstance> make_alert_stage(const std::string& pipeline, const std::vector<AlertRuleConfig>& rules,
                                               const std::string& node, const std::string& spool_dir);

}  // namespace watchpost
