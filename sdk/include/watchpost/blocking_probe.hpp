// A probe whose check is plain blocking code. check() runs on the core's worker pool (ABI
// 1.1 host services), so the probe needs no threads, event loop or timers of its own:
//
//   struct Resolves : watchpost::BlockingProbe {
//     using BlockingProbe::BlockingProbe;
//     Report check(ProbeTarget& target, const Check& check) override { ... return report; }
//   };
//
// check() must return within check.timeout_ms (give the timeout to connect, poll, recv...);
// the core's watchdog reports a check that does not as unknown. A target is destroyed only
// once no check of it is running, so check() may use it freely.
#pragma once

#include <watchpost/plugin.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>

namespace watchpost {

class BlockingProbe : public Probe {
 public:
  explicit BlockingProbe(const Host& host) : host_(host) {}
  // The core destroys every target (waiting for its checks) before the probe; this wait is
  // for checks started on targets someone forgot, so they do not outlive the probe's locks.
  ~BlockingProbe() override {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [&] { return running_.empty(); });
  }

  // The check, on a worker thread. Several run at once, for different targets or the same.
  virtual Report check(ProbeTarget& target, const Check& check) = 0;

  void start(ProbeTarget& target, const Check& check, Completion done) final {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++running_[&target];
    }
    // The check's view of its result id lives in the core's call; keep what outlives it.
    Check owned_check = check;
    auto id = std::make_shared<std::string>(check.result_id);
    owned_check.result_id = *id;
    auto completion = std::make_shared<Completion>(std::move(done));
    bool queued = host_.submit([this, &target, owned_check, id, completion] {
      Report report;
      try {
        report = this->check(target, owned_check);
      } catch (const std::exception& e) {
        report.down(WP_ERR_PROBE, std::string("the check threw: ") + e.what());
      }
      finished(target);  // before reporting: the core may destroy the target as soon as it hears
      (*completion)(report);
    });
    if (!queued) {
      finished(target);
      Report busy;
      busy.down(WP_ERR_PROBE, "the core's worker pool is full");
      (*completion)(busy);
    }
  }

  void destroy_target(ProbeTarget* target) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      idle_.wait(lock, [&] { return running_.find(target) == running_.end(); });
    }
    delete target;
  }

 protected:
  const Host& host() const { return host_; }

 private:
  void finished(ProbeTarget& target) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(&target);
    if (--it->second == 0) running_.erase(it);
    idle_.notify_all();
  }

  Host host_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::unordered_map<const ProbeTarget*, size_t> running_;
};

}  // namespace watchpost
