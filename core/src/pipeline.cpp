#include "pipeline.hpp"

#include "probe_pipeline.hpp"
#include "source_pipeline.hpp"

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
  for (auto& sc : config.sinks) {
    const Plugin* plugin = catalog.find(sc.plugin);
    auto inst = std::make_unique<SinkInstance>(plugin->library, plugin->descriptor->sink, config.name + "/" + sc.plugin);
    inst->create(sc.options);
    out.push_back(std::make_unique<SinkWorker>(std::move(inst), sc, config.name, on_room, on_written));
  }
  return out;
}

}  // namespace watchpost
