// Runs a targets plugin instance on a thread of its own (its poll may block on a database)
// and hands every batch it emits to `deliver` on the io thread. A plugin that cannot read its
// source now (WP_RETRY) is polled again with a backoff; the pipeline keeps the targets it has.
#pragma once

#include "target_catalog.hpp"
#include "plugins/instance.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace watchpost {

using TargetsInstance = Instance<wp_targets_api>;

class TargetsFeed {
 public:
  // Constructs the plugin instance; throws std::runtime_error when it refuses its options.
  TargetsFeed(const PluginBlock& block, const PluginCatalog& catalog, const std::string& pipeline,
              boost::asio::io_context& io, std::function<void(TargetCatalog::Batch)> deliver);
  ~TargetsFeed();  // stops and joins
  void start();
  void stop();  // returns at once; the thread ends after its current poll

 private:
  void run();
  static void on_emit(void* ctx, const wp_target_batch* batch);

  std::unique_ptr<TargetsInstance> instance_;
  std::string name_;
  boost::asio::io_context& io_;
  std::function<void(TargetCatalog::Batch)> deliver_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace watchpost
