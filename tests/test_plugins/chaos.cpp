// A misbehaving plugin written with the C++ SDK, one library holding three kinds:
//   probe "chaos":  mode up | throw_start | never_report | down
//   evaluator:      mode pass | throw
//   sink:           mode ok | fail_always | retry_then_ok (retries N times) | throw;
//                   appends the result ids it accepted to `path` (when set); RETRY while
//                   the file `gate` exists; ERROR for any batch holding `refuse_target`;
//                   pipelined (ABI 1.2): `complete` inline settles a batch inside write_async,
//                   thread settles batches later in order from a thread, reverse settles
//                   them newest first (two at a time, or one left alone after 50 ms), never
//                   never settles them (destroy fails them)
// The core must survive all of it and keep the pipeline running.
#include <watchpost/plugin.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using namespace watchpost;

struct ChaosTarget final : ProbeTarget {
  std::string mode;
};

class ChaosProbe final : public Probe {
 public:
  explicit ChaosProbe(const Host&) {}
  static const std::vector<wp_option_spec>& options() {
    static const std::vector<wp_option_spec> s = {
        option("mode", WP_OPT_STRING, "up", "behaviour", "up|down|throw_start|never_report")};
    return s;
  }
  std::unique_ptr<ProbeTarget> make_target(const Options& o) override {
    auto t = std::make_unique<ChaosTarget>();
    t->mode = o.string("mode");
    return t;
  }
  void start(ProbeTarget& target, const Check&, Completion done) override {
    const std::string& mode = static_cast<ChaosTarget&>(target).mode;
    if (mode == "throw_start") throw std::runtime_error("chaos: start threw on purpose");
    if (mode == "never_report") {
      std::lock_guard<std::mutex> lock(mu_);
      held_.push_back(std::move(done));  // reported only when the probe is destroyed
      return;
    }
    Report r;
    if (mode == "up") r.up();
    else r.down(WP_ERR_CONNECT, "chaos: down on purpose");
    r.total_us = 10;
    done(r);
  }

 private:
  std::mutex mu_;
  std::vector<Completion> held_;
};

class ChaosEvaluator final : public Evaluator {
 public:
  ChaosEvaluator(const Host&, const Options& o) : mode_(o.string("mode")) {}
  static const std::vector<wp_option_spec>& options() {
    static const std::vector<wp_option_spec> s = {option("mode", WP_OPT_STRING, "pass", "behaviour", "pass|throw")};
    return s;
  }
  Verdict evaluate(const wp_result&) const override {
    if (mode_ == "throw") throw std::logic_error("chaos: evaluator threw on purpose");
    return Verdict::passed("fine");
  }

 private:
  std::string mode_;
};

class ChaosSink final : public PipelinedSink {
 public:
  ChaosSink(const Host& host, const Options& o)
      : host_(host),
        mode_(o.string("mode")),
        retries_(o.integer("retries")),
        path_(o.string("path")),
        gate_(o.string("gate")),
        refuse_target_(o.string("refuse_target")),
        complete_(o.string("complete")) {
    if (complete_ == "thread" || complete_ == "reverse") settler_ = std::thread([this] { settle_loop(); });
  }
  ~ChaosSink() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (settler_.joinable()) settler_.join();
    for (auto& p : pending_) p.done(Status::retry("chaos: destroyed with the batch out"));
  }
  static const std::vector<wp_option_spec>& options() {
    static const std::vector<wp_option_spec> s = {
        option("mode", WP_OPT_STRING, "ok", "behaviour", "ok|fail_always|retry_then_ok|throw"),
        option("retries", WP_OPT_INT, "3", "RETRY answers before OK in retry_then_ok"),
        option("path", WP_OPT_STRING, nullptr, "file to append accepted result ids to"),
        option("gate", WP_OPT_STRING, nullptr, "answer RETRY while this file exists"),
        option("refuse_target", WP_OPT_STRING, nullptr, "answer ERROR for a batch holding this target's results"),
        option("complete", WP_OPT_STRING, "inline", "when write_async settles a batch", "inline|thread|reverse|never"),
    };
    return s;
  }
  Status write(const Batch& batch) override { return decide(batch); }
  Status write_async(const Batch& batch, SinkCompletion done) override {
    Status s = decide(batch);
    if (complete_ == "inline") {
      done(s);
      return Status::ok();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.push_back({std::move(done), std::move(s), std::chrono::steady_clock::now()});
      most_held_ = std::max(most_held_, pending_.size());
      host_.gauge("chaos_most_held", static_cast<double>(most_held_));  // tests read how deep the pipeline got
    }
    cv_.notify_all();
    return Status::ok();
  }

 private:
  struct Pending {
    SinkCompletion done;
    Status status;
    std::chrono::steady_clock::time_point since;
  };

  Status decide(const Batch& batch) {
    if (mode_ == "throw") throw std::runtime_error("chaos: sink threw on purpose");
    if (mode_ == "fail_always") return Status::error("chaos: permanent failure on purpose");
    if (mode_ == "retry_then_ok" && retries_ > 0) {
      --retries_;
      host_.count("chaos_retries");
      return Status::retry("chaos: transient failure on purpose");
    }
    if (!gate_.empty() && std::ifstream(gate_).good()) return Status::retry("chaos: gate file present");
    for (size_t i = 0; i < batch.size() && !refuse_target_.empty(); ++i)
      if (view(batch[i].target_id) == refuse_target_) return Status::error("chaos: refusing " + refuse_target_);
    if (!path_.empty()) {
      std::ofstream f(path_, std::ios::app);
      for (size_t i = 0; i < batch.size(); ++i) f << view(batch[i].result_id) << '\n';
    }
    return Status::ok();
  }

  void settle_loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      auto alone_since = pending_.empty() ? std::chrono::steady_clock::time_point::max() : pending_.front().since;
      bool ready = complete_ == "thread" ? !pending_.empty()
                                         : pending_.size() >= 2 ||
                                               std::chrono::steady_clock::now() - alone_since >= std::chrono::milliseconds(50);
      if (!ready) {
        cv_.wait_for(lock, std::chrono::milliseconds(10));
        continue;
      }
      std::deque<Pending> now;
      now.swap(pending_);
      lock.unlock();
      if (complete_ == "thread")
        for (auto& p : now) p.done(p.status);
      else
        for (auto it = now.rbegin(); it != now.rend(); ++it) it->done(it->status);
      lock.lock();
    }
  }

  Host host_;
  std::string mode_;
  int64_t retries_;
  std::string path_;
  std::string gate_;
  std::string refuse_target_;
  std::string complete_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> pending_;
  bool stopping_ = false;
  size_t most_held_ = 0;
  std::thread settler_;
};

}  // namespace

WATCHPOST_PLUGIN("chaos", "0.0.1", "misbehaves on purpose, for tests", ChaosProbe, ChaosEvaluator, ChaosSink)
