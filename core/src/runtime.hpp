// The running process: pipelines on one io_context, signals (drain, reload), and shutdown.
#pragma once

#include "blackbox/probe_endpoint.hpp"
#include "config/config.hpp"
#include "plugins/loader.hpp"
#include "observe/admin_server.hpp"
#include "observe/heap_trim.hpp"
#include "pipelines/pipeline.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace watchpost {

struct RunOptions {
  bool once = false;                        // each target once, then exit
  std::optional<std::chrono::milliseconds> run_for;  // stop after this long
  std::chrono::milliseconds drain_timeout{30000};    // from the signal: checks finish and sinks flush within it
  std::function<void(const ResultPtr&)> observer;    // sees every result (check, tests)
};

class Runtime {
 public:
  // `config_path` is re-read on SIGHUP; empty when the config was built in memory.
  Runtime(const PluginCatalog& catalog, Config config, std::string config_path, RunOptions options);
  ~Runtime();
  // Runs until drained after a signal, --for, or (once) every target checked. Exit code.
  int run();
  // Requests the same drain as SIGTERM (thread-safe).
  void request_stop();

 private:
  std::vector<std::shared_ptr<Pipeline>> build(const Config& config);
  // The /probe modules as pipelines with no targets; added to `pipelines` so they start,
  // drain and reload with the rest.
  std::map<std::string, blackbox::ProbeEndpoint::Module> build_modules(const Config& config,
                                                                      std::vector<std::shared_ptr<Pipeline>>& pipelines);
  void start(std::vector<std::shared_ptr<Pipeline>> pipelines);
  void on_signal(int signal);
  void reload();
  void begin_drain();
  void arm_signals();
  std::string status_json() const;
  std::string target_metrics();  // on the io thread, where the pipelines live

  const PluginCatalog& catalog_;
  Config config_;
  std::string config_path_;
  RunOptions options_;
  std::string node_;

  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer run_for_timer_;
  boost::asio::steady_timer drain_timer_;
  HeapTrim heap_trim_;
  // Set when the drain begins: checks in flight and the sinks' flush share this one deadline.
  std::chrono::steady_clock::time_point drain_deadline_{};
  std::vector<std::shared_ptr<Pipeline>> pipelines_;
  std::vector<std::thread> retiring_;  // old pipelines flushing after a reload
  std::unique_ptr<AdminServer> admin_;
  blackbox::ProbeEndpoint probe_endpoint_;
  size_t draining_ = 0;
  bool stopping_ = false;
  bool forced_ = false;
  bool target_series_on_ = true;
};

std::string host_name();

}  // namespace watchpost
