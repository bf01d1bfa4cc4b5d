// A source pipeline: a source plugin (e.g. a Kafka consumer) feeds results to the sinks, and
// each result is acknowledged back to the source only once every sink has it durably — so a
// consumer commits an offset only after the database committed what it covers.
//
// Threads: one poller thread calls the source (poll and ack never run concurrently); sink
// threads report written batches; the io thread only hears "drained".
#pragma once

#include "plugins/instance.hpp"
#include "pipeline.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace watchpost {

class SourcePipeline final : public Pipeline, public std::enable_shared_from_this<SourcePipeline> {
 public:
  static std::shared_ptr<SourcePipeline> build(const PipelineConfig& config, const PluginCatalog& catalog,
                                               boost::asio::io_context& io);
  ~SourcePipeline() override;

  void start(bool once = false, std::function<void()> on_once_done = {}) override;
  void stop(std::function<void()> on_drained) override;
  void close_sinks(std::chrono::steady_clock::time_point deadline) override;
  void hurry_sinks() override;
  void set_observer(std::function<void(const ResultPtr&)> observer) override { observer_ = std::move(observer); }
  const std::string& name() const override { return name_; }
  bool has_source() const override { return true; }
  void status_json(std::string& out) const override;

 private:
  SourcePipeline(boost::asio::io_context& io, std::string name) : io_(io), name_(std::move(name)) {}
  static void on_emit(void* ctx, const wp_result* results, size_t count, uint64_t ack_token);
  void run();
  void on_written(const std::vector<ResultPtr>& batch);
  void deliver_acks();
  bool sinks_have_room() const;

  boost::asio::io_context& io_;
  std::string name_;
  std::unique_ptr<SourceInstance> source_;
  std::vector<std::unique_ptr<SinkWorker>> sinks_;
  std::thread poller_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::unordered_map<uint64_t, size_t> pending_;  // ack token -> sink writes still owed
  std::vector<uint64_t> acks_;                    // tokens every sink has settled
  std::function<void()> on_drained_;
  std::function<void(const ResultPtr&)> observer_;
};

}  // namespace watchpost
