#include "pipeline.hpp"

#include "probe_pipeline.hpp"
#include "source_pipeline.hpp"
#include "alerting/alert_stage.hpp"
#include "plugins/host.hpp"

#include <algorithm>

namespace watchpost {

namespace {

Spool::Options spool_options(const SpoolConfig& config, std::string dir) {
  Spool::Options so;
  so.dir = std::move(dir);
  so.max_bytes = config.max_bytes;
  so.segment_bytes = std::min<int64_t>(16 << 20, so.max_bytes / 4);  // the cap drops whole segments
  so.fsync = config.fsync == "always"  ? Spool::Fsync::always
             : config.fsync == "never" ? Spool::Fsync::never
                                       : Spool::Fsync::batch;
  return so;
}

}  // namespace

std::shared_ptr<Pipeline> build_pipeline(const PipelineConfig& config, const PluginCatalog& catalog,
                                         const std::string& node, boost::asio::io_context& io) {
  if (config.source) return SourcePipeline::build(config, catalog, io);
  return ProbePipeline::build(config, catalog, node, io);
}

std::vector<std::unique_ptr<SinkWorker>> make_sink_workers(const PipelineConfig& config, const PluginCatalog& catalog,
                                                           std::function<void()> on_room,
                                                           SinkWorker::WrittenFn on_written) {
  std::vector<std::unique_ptr<SinkWorker>> out;
  for (size_t i = 0; i < config.sinks.size(); ++i) {
    const SinkConfig& sc = config.sinks[i];
    const Plugin* plugin = catalog.find(sc.plugin);
    auto inst = std::make_unique<SinkInstance>(plugin->library, plugin->descriptor->sink, config.name + "/" + sc.plugin);
    inst->create(sc.options);
    std::shared_ptr<Spool> spool;
    // One folder per sink: pipeline name, then position and plugin (stable across restarts).
    if (config.spool)
      spool = Spool::open(
          spool_options(*config.spool, config.spool->dir + "/" + config.name + "/" + std::to_string(i) + "-" + sc.plugin));
    out.push_back(std::make_unique<SinkWorker>(std::move(inst), sc, config.name, on_room, on_written, spool));
  }
  if (!config.alerts.empty()) {
    // The alert stage rides beside the sinks: every result, in order, with their retries and spool.
    SinkConfig sc;
    sc.plugin = "alerts";
    sc.batch_delay_ms = 50;  // an alert waits for no batch to fill
    std::shared_ptr<Spool> spool;
    if (config.spool) spool = Spool::open(spool_options(*config.spool, config.spool->dir + "/" + config.name + "/alerts"));
    // A pipeline that stores its results in PostgreSQL keeps its alerts there too: the writer
    // that takes over a partition then finds them (docs/alerting.md).
    const OptionList* pg_options = nullptr;
    for (auto& s : config.sinks)
      if (s.plugin == "pg_sink") pg_options = &s.options;
    out.push_back(std::make_unique<SinkWorker>(make_alert_stage(config.name, config.alerts, node_identity().node,
                                                                config.spool ? config.spool->dir : "", pg_options),
                                               sc, config.name, on_room, on_written, spool));
  }
  return out;
}

}  // namespace watchpost
