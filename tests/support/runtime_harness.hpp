// Shared by the tests that run whole pipelines: the plugin catalog (real plugins plus the
// test plugins), a thread-safe record of every result seen, and a Runtime on its own thread.
// Header-only so each test binary's WATCHPOST_PLUGIN_DIR / TEST_PLUGIN_DIR apply.
#pragma once

#include "config/config.hpp"
#include "plugins/loader.hpp"
#include "process.hpp"
#include "results/result.hpp"
#include "runtime.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace watchpost::testing {

inline const PluginCatalog& test_catalog() {
  static PluginCatalog c = [] {
    PluginCatalog c;
    c.scan({WATCHPOST_PLUGIN_DIR, TEST_PLUGIN_DIR});
    return c;
  }();
  return c;
}

// Every result an observer saw, by id and by target; duplicates stay visible.
class SeenResults {
 public:
  void add(const ResultPtr& r) {
    std::lock_guard<std::mutex> lock(mu_);
    all_.push_back(r);
    ++count_[r->result_id];
    by_target_[r->target_id].push_back(r->result_id);
    last_[r->target_id] = r;
  }
  std::vector<ResultPtr> all() const {
    std::lock_guard<std::mutex> lock(mu_);
    return all_;
  }
  size_t unique() const {
    std::lock_guard<std::mutex> lock(mu_);
    return count_.size();
  }
  size_t duplicates() const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t d = 0;
    for (auto& [id, n] : count_) d += n - 1;
    return d;
  }
  bool has(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    return count_.count(id) > 0;
  }
  std::set<std::string> ids() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> out;
    for (auto& [id, n] : count_) out.insert(id);
    return out;
  }
  size_t count(const std::string& target) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_target_.find(target);
    return it == by_target_.end() ? 0 : it->second.size();
  }
  ResultPtr first(const std::string& target) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& r : all_)
      if (r->target_id == target) return r;
    return nullptr;
  }
  ResultPtr last(const std::string& target) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = last_.find(target);
    return it == last_.end() ? nullptr : it->second;
  }
  std::map<std::string, std::vector<std::string>> by_target() const {
    std::lock_guard<std::mutex> lock(mu_);
    return by_target_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ResultPtr> all_;
  std::map<std::string, size_t> count_;
  std::map<std::string, std::vector<std::string>> by_target_;
  std::map<std::string, ResultPtr> last_;
};

// A Runtime built from YAML text, running on its own thread until stop().
class RunningRuntime {
 public:
  explicit RunningRuntime(const std::string& yaml, RunOptions options = {}) {
    file_ = temp_dir() + "/pipelines.yaml";
    write_file(file_, yaml);
    options.observer = [this](const ResultPtr& r) { seen.add(r); };
    runtime_ = std::make_unique<Runtime>(test_catalog(), load_config(file_, test_catalog()), file_, std::move(options));
    thread_ = std::thread([this] { code_ = runtime_->run(); });
  }
  ~RunningRuntime() { stop(); }
  int stop() {
    if (thread_.joinable()) {
      runtime_->request_stop();
      thread_.join();
    }
    return code_;
  }
  const std::string& file() const { return file_; }
  SeenResults seen;

 private:
  std::string file_;
  std::unique_ptr<Runtime> runtime_;
  std::thread thread_;
  int code_ = -1;
};

}  // namespace watchpost::testing
