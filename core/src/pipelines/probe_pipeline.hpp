// A probe pipeline at run time: targets on the scheduler, checks through the probe,
// verdicts from evaluators, results fanned out to sink workers.
//
// Threads: everything here runs on the io_context's thread except the probe's completion
// callback (any probe thread), which only copies the report and posts it back.
#pragma once

#include "config/config.hpp"
#include "concurrency_limit.hpp"
#include "pipeline.hpp"
#include "observe/machine_cpu.hpp"
#include "observe/target_series.hpp"
#include "plugins/instance.hpp"
#include "plugins/loader.hpp"
#include "results/result.hpp"
#include "schedule/scheduler.hpp"
#include "delivery/sink_worker.hpp"
#include "maintenance/maintenance_calendar.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace watchpost {

class TargetCatalog;
class TargetsFeed;

class ProbePipeline final : public Pipeline, public std::enable_shared_from_this<ProbePipeline> {
 public:
  // Constructs every plugin instance; throws std::runtime_error naming what failed.
  static std::shared_ptr<ProbePipeline> build(const PipelineConfig& config, const PluginCatalog& catalog,
                                              const std::string& node, boost::asio::io_context& io);
  ~ProbePipeline() override;

  // once: check every target one time, then drain (for `watchpost check` and `run --once`).
  // on_once_done runs when, in once mode, every target has been checked and drained.
  void start(bool once = false, std::function<void()> on_once_done = {}) override;
  // Stop scheduling; `on_drained` runs (on the io thread) when no check is in flight.
  void stop(std::function<void()> on_drained) override;
  // Flush and stop the sinks (blocking, bounded by deadline).
  void close_sinks(std::chrono::steady_clock::time_point deadline) override;
  void hurry_sinks() override;
  // One check of a target that is not on the schedule (the admin endpoint's /probe): the
  // same probe, evaluators, retries and watchdog as a scheduled check, but its result goes
  // to `done` (on the io thread) instead of the sinks, and the target is forgotten after it.
  // Call on the io thread. Throws std::runtime_error when the probe refuses the target, or
  // when the pipeline is stopping.
  void check_now(const TargetConfig& target, std::function<void(const ResultPtr&)> done);
  // Sees every finished result (tests, `watchpost check`). Set before start().
  void set_observer(std::function<void(const ResultPtr&)> observer) override { observer_ = std::move(observer); }

  const std::string& name() const override { return name_; }
  void status_json(std::string& out) const override;
  void target_series(TargetSeries& out) const override;
  size_t target_count() const override { return live_targets_; }

  // Targets that change at run time (core/src/catalog/ drives these). On the io thread;
  // throw std::runtime_error when the probe refuses the target.
  // Added: scheduled from its next slot (its phase is the hash of its id).
  uint32_t add_target(const TargetConfig& target);
  // Changed: the new settings from its next check; its slot moves only if its interval does.
  void update_target(uint32_t index, const TargetConfig& target);
  // Removed: never started again; a check in flight finishes and is delivered.
  void remove_target(uint32_t index);
  // A full snapshot has been applied (a `--once` run waits for the first).
  void snapshot_applied();
  size_t in_flight() const { return in_flight_; }

 private:
  using EvaluatorSet = std::vector<std::unique_ptr<EvaluatorInstance>>;
  struct Target {
    std::string id;
    std::string url;
    std::shared_ptr<const Labels> labels;
    int64_t interval_ms;
    uint32_t timeout_ms;
    uint32_t attempts;
    int64_t retry_delay_ms;
    std::shared_ptr<const EvaluatorSet> evaluators;
    std::shared_ptr<const MaintenanceWindows> windows;  // null: none apply
    void* probe_target = nullptr;  // null: a free slot
    uint32_t in_flight = 0;
    bool removed = false;  // waits for its checks in flight, then the slot is freed
    // The latest result, for /status and /metrics (kept small: a million targets share it).
    TargetState last;
    int8_t last_error_kind = 0;
    bool adhoc = false;  // a check_now() target: not scheduled, not shown, freed after its check
    bool listed() const { return probe_target && !adhoc && !removed; }
  };
  struct InFlight {
    uint32_t target;
    void* probe_target;  // as it was when the check began: an update does not pull it away
    std::string result_id;
    int64_t scheduled_at_us;
    int64_t started_at_us;
    uint32_t attempt;
    int64_t deadline_ms;  // watchdog: the probe must have answered by then
  };
  struct Report;  // an owned copy of wp_probe_report
  struct DoneContext;

  ProbePipeline(boost::asio::io_context& io, std::string name, std::string node);
  static void on_probe_done(void* ctx, const wp_probe_report* report);

  void dispatch();
  void arm_timer(int64_t due_ms = 0);  // 0: the next due slot; never later than it waits for
  void rearm_if_sooner();
  void begin_check(uint32_t target, int64_t slot_ms);
  // A target's options as its probe gets them: what was given plus the probe's defaults.
  OptionList completed(const OptionList& given) const;
  // `options`: tc's, completed; n >= 0: copy n of a repeated entry.
  Target make_target(const TargetConfig& tc, const OptionList& options, int64_t n, const std::shared_ptr<const Labels>& labels,
                     std::shared_ptr<const EvaluatorSet> evaluators, const std::vector<std::string>& secret_params);
  std::shared_ptr<const EvaluatorSet> make_evaluator_set(const std::vector<PluginBlock>& blocks) const;
  uint32_t take_slot(Target t);
  void checks_done(uint32_t index);  // a target's in-flight count reached 0: free what waited
  void start_attempt(uint64_t check_id);
  void on_report(std::unique_ptr<Report> report);
  void evaluate(const Target& t, Result& r);
  void finish(uint64_t check_id, Result r);
  Result make_result(const InFlight& f) const;
  void identify(const InFlight& f, Result& r) const;  // id, target, schedule, attempts
  void sweep();
  bool sinks_have_room() const;
  void maybe_drained();

  boost::asio::io_context& io_;
  std::string name_;
  std::string node_;
  std::string region_;
  int64_t concurrency_ = 512;  // configured; in_flight_ stays under limit_.value() <= this
  ConcurrencyLimit limit_{512};
  MachineCpu machine_cpu_;  // read once a window: a machine with no idle CPU stops the limit's growth

  std::unique_ptr<ProbeInstance> probe_;
  std::vector<Target> targets_;
  std::unique_ptr<MaintenanceCalendar> calendar_;
  const PluginCatalog* plugins_ = nullptr;
  const OptionSchema* probe_schema_ = nullptr;  // completes each target's options with defaults
  // Targets as data (`targets: {plugin: ...}`): the plugin's feed, and what applies it here.
  std::unique_ptr<TargetCatalog> target_catalog_;
  std::unique_ptr<TargetsFeed> feed_;
  std::shared_ptr<const EvaluatorSet> default_evaluators_;
  std::vector<std::pair<uint32_t, void*>> retired_;  // probe targets replaced while a check used them
  std::vector<std::unique_ptr<SinkWorker>> sinks_;
  DoneContext* done_ctx_ = nullptr;

  Scheduler scheduler_;
  boost::asio::steady_timer timer_;
  int64_t armed_due_ms_ = INT64_MAX;  // what timer_ waits for; INT64_MAX: nothing
  boost::asio::steady_timer sweep_timer_;
  std::unordered_map<uint64_t, InFlight> inflight_;
  std::unordered_map<uint64_t, std::function<void(const ResultPtr&)>> adhoc_done_;  // by check id
  std::vector<std::string> secret_params_;
  std::vector<uint32_t> free_slots_;  // targets_ entries of finished ad-hoc checks, for reuse
  size_t live_targets_ = 0;           // scheduled (or, once, to be checked) and not removed
  uint64_t next_check_id_ = 1;
  size_t in_flight_ = 0;
  bool stopping_ = false;
  bool once_ = false;
  bool awaiting_snapshot_ = false;
  size_t once_cursor_ = 0;
  bool in_dispatch_ = false;
  int64_t max_lateness_ms_ = 0;
  struct MetricNames {
    std::string labels, missed_slots, lateness_max, probe_errors, late_reports, retries, evaluator_errors, concurrency_limit;
    std::string checks[WP_OUTCOME_UNKNOWN + 1];
    std::string check_errors[WP_ERR_KIND_COUNT];
  } names_;
  std::function<void()> on_drained_;
  std::function<void()> on_once_done_;
  std::function<void(const ResultPtr&)> observer_;
};

}  // namespace watchpost
