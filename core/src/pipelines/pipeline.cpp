#include "pipeline.hpp"

#include "probe_pipeline.hpp"
#include "source_pipeline.hpp"

#include <algorithm>

namespace watchpost {

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
    if (config.spool) {
      Spool::Options so;
      // One folder per sink: pipeline name, then position and plugin (stable across restarts).
      so.dir = config.spool->dir + "/" + config.name + "/" + std::to_string(i) + "-" + sc.plugin;
      so.max_bytes = config.spool->max_bytes;
      so.segment_bytes = std::min<int64_t>(16 << 20, so.max_bytes / 4);  // the cap drops whole segments
      so.fsync = config.spool->fsync == "always" ? Spool::Fsync::always
                 : config.spool->fsync == "never" ? Spool::Fsync::never
                                                  : Spool::Fsync::batch;
      spool = Spool::open(so);
    }
    out.push_back(std::make_unique<SinkWorker>(std::move(inst), sc, config.name, on_room, on_written, spool));
  }
  return out;
}

}  // namespace watchpost
