// What the runtime runs: a pipeline fed by a probe (targets on a schedule) or by a source
// (results from elsewhere, e.g. Kafka). Both end in the same sink workers.
#pragma once

#include "config/config.hpp"
#include "plugins/loader.hpp"
#include "results/result.hpp"
#include "delivery/sink_worker.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace watchpost {

class TargetSeries;

class Pipeline {
 public:
  virtual ~Pipeline() = default;
  // once: probe pipelines check every target one time, then call on_once_done (drained).
  // Source pipelines have no "once": they run until stopped.
  virtual void start(bool once = false, std::function<void()> on_once_done = {}) = 0;
  // Stop taking in work; `on_drained` runs on the io thread when nothing is in flight.
  virtual void stop(std::function<void()> on_drained) = 0;
  // Flush and stop the sinks (blocking, bounded by deadline). After stop() drained.
  virtual void close_sinks(std::chrono::steady_clock::time_point deadline) = 0;
  // From another thread while close_sinks runs: give up retrying now and spool (second signal).
  virtual void hurry_sinks() = 0;
  // Sees every result as it enters the sinks (tests, `watchpost check`). Before start().
  virtual void set_observer(std::function<void(const ResultPtr&)> observer) = 0;
  virtual const std::string& name() const = 0;
  virtual bool has_source() const { return false; }
  // Appends this pipeline's entry of /status (a JSON object). On the io thread.
  virtual void status_json(std::string& out) const = 0;
  // Adds this pipeline's targets to the per-target series of /metrics. On the io thread.
  virtual void target_series(TargetSeries&) const {}
  virtual size_t target_count() const { return 0; }
};

// Builds the pipeline a config describes; throws std::runtime_error naming what failed.
std::shared_ptr<Pipeline> build_pipeline(const PipelineConfig& config, const PluginCatalog& catalog,
                                         const std::string& node, boost::asio::io_context& io);

// The sink workers of a pipeline, created from its config.
std::vector<std::unique_ptr<SinkWorker>> make_sink_workers(const PipelineConfig& config, const PluginCatalog& catalog,
                                                           std::function<void()> on_room,
                                                           SinkWorker::WrittenFn on_written = {});

}  // namespace watchpost
