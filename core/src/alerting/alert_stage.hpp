// The alert stage as a sink the core builds itself: a pipeline with `alerts:` gets it beside
// its own sinks, so it is fed every result in the pipeline's order and inherits the sinks'
// batching, retries, spool and drain. A batch is done once its events are in every outbox and
// the alert state is on disk.
#pragma once

#include "alert_engine.hpp"
#include "plugins/instance.hpp"

#include <memory>

namespace watchpost {

// The sink instance for `pipeline`'s rules. Its state goes to PostgreSQL's `alerts` table when
// `pg_options` (the pipeline's pg_sink block) is given and the binary registered that store,
// else to the spool folder, else (`spool_dir` empty) it is kept in memory only.
std::unique_ptr<SinkInstance> make_alert_stage(const std::string& pipeline, const std::vector<AlertRuleConfig>& rules,
                                               const std::string& node, const std::string& spool_dir,
                                               const OptionList* pg_options);

}  // namespace watchpost
