#include "probe_pipeline.hpp"

#include "catalog/target_catalog.hpp"
#include "catalog/targets_feed.hpp"
#include "plugins/host.hpp"

#include "schedule/clock.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"
#include "results/json_writer.hpp"
#include "results/ulid.hpp"

#include <boost/asio/post.hpp>

#include <climits>
#include <cstddef>
#include <mutex>

namespace watchpost {

namespace asio = boost::asio;

// Owned copy of what the probe reported: the probe's buffers die when its callback returns.
// What the probe observed, copied into the Result it will become: the probe's buffers die
// when its callback returns. Identity fields are filled on the io thread (identify()).
struct ProbePipeline::Report {
  uint64_t check_id;
  Result observed;
};

struct ProbePipeline::DoneContext {
  // Reports arrive on the probe's threads. They wait here and one posted handler takes all
  // that came meanwhile: at thousands of checks a second a post per report was a wake-up of
  // the pipeline's thread (and a contended lock) per check.
  struct Inbox {
    std::mutex mutex;
    std::vector<std::unique_ptr<Report>> reports;
    bool posted = false;
  };
  std::weak_ptr<ProbePipeline> pipeline;
  asio::io_context* io;
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();  // outlives a drain still queued
};

namespace {
constexpr int64_t kWatchdogGraceMs = 5000;
// Below this share of idle CPU the machine counts as saturated. Measured on the 2-core
// bench machine past capacity: 0.5-4 % idle; with 64 checks in flight and room left, 6-10 %.
constexpr double kSaturatedIdleShare = 0.05;
std::string owned(wp_str s) { return s.data ? std::string(s.data, s.size) : std::string(); }
}  // namespace

ProbePipeline::ProbePipeline(asio::io_context& io, std::string name, std::string node)
    : io_(io), name_(std::move(name)), node_(std::move(node)), region_(node_identity().region), timer_(io), sweep_timer_(io) {
  // Metric names are built once: finish() and dispatch() run for every check.
  const std::string l = "pipeline=\"" + name_ + "\"";
  names_.labels = l;
  names_.missed_slots = "watchpost_scheduler_missed_slots_total{" + l + "}";
  names_.concurrency_limit = "watchpost_pipeline_concurrency_limit{" + l + "}";
  names_.lateness_max = "watchpost_scheduler_lateness_max_seconds{" + l + "}";
  names_.probe_errors = "watchpost_probe_errors_total{" + l + "}";
  names_.late_reports = "watchpost_probe_late_reports_total{" + l + "}";
  names_.retries = "watchpost_check_retries_total{" + l + "}";
  names_.evaluator_errors = "watchpost_evaluator_errors_total{" + l + "}";
  for (int32_t o = 0; o <= WP_OUTCOME_UNKNOWN; ++o)
    names_.checks[o] = "watchpost_checks_total{" + l + ",outcome=\"" + std::string(outcome_name(o)) + "\"}";
  for (int32_t k = 1; k < WP_ERR_KIND_COUNT; ++k)
    names_.check_errors[k] = "watchpost_check_errors_total{" + l + ",kind=\"" + std::string(error_kind_name(k)) + "\"}";
}

std::shared_ptr<ProbePipeline> ProbePipeline::build(const PipelineConfig& config, const PluginCatalog& catalog,
                                          const std::string& node, asio::io_context& io) {
  std::shared_ptr<ProbePipeline> p(new ProbePipeline(io, config.name, node));
  p->concurrency_ = config.concurrency;
  p->limit_ = ConcurrencyLimit(config.concurrency);
  p->done_ctx_ = new DoneContext{p, &io};
  const std::string prefix = config.name + "/";

  p->plugins_ = &catalog;
  p->calendar_ = std::make_unique<MaintenanceCalendar>(config.maintenance);
  p->default_evaluators_ = p->make_evaluator_set(config.evaluators);

  const Plugin* probe_plugin = catalog.find(config.probe->plugin);
  p->probe_schema_ = &probe_plugin->probe;
  p->probe_ = std::make_unique<ProbeInstance>(probe_plugin->library, probe_plugin->descriptor->probe,
                                              prefix + config.probe->plugin);
  p->probe_->create_probe();

  size_t total = 0;
  for (auto& tc : config.targets) total += static_cast<size_t>(tc.repeat);
  p->targets_.reserve(total);
  for (auto& tc : config.targets) {
    auto labels = std::make_shared<const Labels>(tc.labels);  // shared by every copy
    auto evaluators = tc.evaluators ? p->make_evaluator_set(*tc.evaluators) : p->default_evaluators_;
    // Completed with the probe's defaults once per entry, not once per copy of a repeat.
    OptionList options = p->completed(tc.probe_options);
    for (int64_t n = 0; n < tc.repeat; ++n)
      p->targets_.push_back(
          p->make_target(tc, options, tc.repeat > 1 ? n : -1, labels, evaluators, config.secret_params));
  }
  p->live_targets_ = p->targets_.size();
  if (config.targets_plugin) {
    p->target_catalog_ = std::make_unique<TargetCatalog>(*p, config, catalog, config.targets_plugin->plugin);
    std::weak_ptr<ProbePipeline> weak = p;
    p->feed_ = std::make_unique<TargetsFeed>(*config.targets_plugin, catalog, config.name, io,
                                             [weak](TargetCatalog::Batch batch) {
                                               if (auto self = weak.lock())
                                                 if (self->target_catalog_) self->target_catalog_->apply(batch);
                                             });
  }
  p->secret_params_ = config.secret_params;

  // A sink that had no room tells the scheduler to resume; posted so it runs on the io thread.
  std::weak_ptr<ProbePipeline> weak = p;
  p->sinks_ = make_sink_workers(config, catalog, [weak, &io] {
    asio::post(io, [weak] {
      if (auto self = weak.lock()) self->dispatch();
    });
  });
  return p;
}

std::shared_ptr<const ProbePipeline::EvaluatorSet> ProbePipeline::make_evaluator_set(
    const std::vector<PluginBlock>& blocks) const {
  auto set = std::make_shared<EvaluatorSet>();
  for (auto& b : blocks) {
    const Plugin* plugin = plugins_->find(b.plugin);
    auto inst = std::make_unique<EvaluatorInstance>(plugin->library, plugin->descriptor->evaluator, name_ + "/" + b.plugin);
    inst->create(b.options);
    set->push_back(std::move(inst));
  }
  return set;
}

// n >= 0: copy n of a repeated target ({n} expanded); -1: the target as written.
OptionList ProbePipeline::completed(const OptionList& given) const {
  OptionList all = given;
  fill_option_defaults(*probe_schema_, all);
  return all;
}

ProbePipeline::Target ProbePipeline::make_target(const TargetConfig& tc, const OptionList& options, int64_t n,
                                                 const std::shared_ptr<const Labels>& labels,
                                                 std::shared_ptr<const EvaluatorSet> evaluators,
                                                 const std::vector<std::string>& secret_params) {
  Target t;
  t.id = n >= 0 ? expand_n(tc.id, n) : tc.id;
  // What results, /status and logs show; the probe keeps the real URL in its own options.
  t.url = redact_url(n >= 0 ? expand_n(tc.url, n) : tc.url, secret_params);
  t.labels = labels;
  t.interval_ms = tc.interval_ms;
  t.timeout_ms = static_cast<uint32_t>(tc.timeout_ms);
  t.attempts = static_cast<uint32_t>(tc.attempts);
  t.retry_delay_ms = tc.retry_delay_ms;
  t.evaluators = std::move(evaluators);
  t.windows = calendar_->windows_for(t.id, *labels, tc.maintenance);
  OptionList expanded;
  OptionsView view(n >= 0 ? (expanded = expand_options(options, n)) : options);
  wp_error err = ProbeInstance::blank_error();
  if (probe_->api()->target_create(probe_->handle(), view.get(), &t.probe_target, &err) != WP_OK)
    throw std::runtime_error(tc.pos.str() + ": target '" + t.id + "': " + ProbeInstance::describe(err));
  return t;
}

void ProbePipeline::check_now(const TargetConfig& tc, std::function<void(const ResultPtr&)> done) {
  if (stopping_) throw std::runtime_error("the pipeline is stopping");
  static const auto no_labels = std::make_shared<const Labels>();
  Target t = make_target(tc, completed(tc.probe_options), -1, tc.labels.empty() ? no_labels : std::make_shared<const Labels>(tc.labels),
                         default_evaluators_, secret_params_);
  t.adhoc = true;
  uint32_t index = take_slot(std::move(t));
  adhoc_done_.emplace(next_check_id_, std::move(done));
  begin_check(index, Clock::now_ms());
}

uint32_t ProbePipeline::take_slot(Target t) {
  if (!free_slots_.empty()) {
    uint32_t index = free_slots_.back();
    free_slots_.pop_back();
    targets_[index] = std::move(t);
    return index;
  }
  targets_.push_back(std::move(t));
  return static_cast<uint32_t>(targets_.size() - 1);
}

uint32_t ProbePipeline::add_target(const TargetConfig& tc) {
  auto evaluators = tc.evaluators ? make_evaluator_set(*tc.evaluators) : default_evaluators_;
  Target t = make_target(tc, completed(tc.probe_options), -1, std::make_shared<const Labels>(tc.labels),
                         std::move(evaluators), secret_params_);
  std::string id = t.id;
  int64_t interval = t.interval_ms;
  uint32_t index = take_slot(std::move(t));
  ++live_targets_;
  if (!once_) {
    scheduler_.add(index, interval, phase_hash(id), Clock::now_ms());
    rearm_if_sooner();
  }
  return index;
}

void ProbePipeline::update_target(uint32_t index, const TargetConfig& tc) {
  Target& old = targets_[index];
  auto evaluators = tc.evaluators ? make_evaluator_set(*tc.evaluators) : default_evaluators_;
  Target fresh = make_target(tc, completed(tc.probe_options), -1, std::make_shared<const Labels>(tc.labels),
                             std::move(evaluators), secret_params_);
  // A check in flight keeps using the probe target it began with; it is freed after.
  if (old.in_flight > 0) retired_.emplace_back(index, old.probe_target);
  else probe_->api()->target_destroy(probe_->handle(), old.probe_target);
  bool moved = fresh.interval_ms != old.interval_ms || fresh.id != old.id;
  fresh.in_flight = old.in_flight;
  fresh.last = old.last;
  fresh.last_error_kind = old.last_error_kind;
  old = std::move(fresh);
  if (moved && !once_) {
    scheduler_.add(index, old.interval_ms, phase_hash(old.id), Clock::now_ms());
    rearm_if_sooner();
  }
}

void ProbePipeline::snapshot_applied() {
  if (!awaiting_snapshot_) return;
  awaiting_snapshot_ = false;
  dispatch();
}

void ProbePipeline::remove_target(uint32_t index) {
  Target& t = targets_[index];
  if (!t.listed()) return;
  scheduler_.remove(index);
  t.removed = true;
  --live_targets_;
  if (t.in_flight == 0) checks_done(index);
}

void ProbePipeline::checks_done(uint32_t index) {
  for (size_t i = 0; i < retired_.size();) {
    if (retired_[i].first != index) {
      ++i;
      continue;
    }
    probe_->api()->target_destroy(probe_->handle(), retired_[i].second);
    retired_[i] = retired_.back();
    retired_.pop_back();
  }
  Target& t = targets_[index];
  if ((t.removed || t.adhoc) && t.probe_target) {
    probe_->api()->target_destroy(probe_->handle(), t.probe_target);
    t = Target{};  // frees its strings, labels and evaluators now
    free_slots_.push_back(index);
  }
}

ProbePipeline::~ProbePipeline() {
  feed_.reset();  // its thread stops before anything it feeds goes
  target_catalog_.reset();
  for (auto& s : sinks_) s->close(std::chrono::steady_clock::now());
  sinks_.clear();
  if (probe_) {
    for (auto& t : targets_)
      if (t.probe_target) probe_->api()->target_destroy(probe_->handle(), t.probe_target);
    for (auto& [index, retired] : retired_) probe_->api()->target_destroy(probe_->handle(), retired);
    probe_.reset();  // cancels what is still in flight; late reports find the pipeline gone
  }
  delete done_ctx_;
  targets_.clear();  // evaluator sets go before the libraries they came from
  default_evaluators_.reset();
}

void ProbePipeline::start(bool once, std::function<void()> on_once_done) {
  once_ = once;
  awaiting_snapshot_ = once && feed_;
  on_once_done_ = std::move(on_once_done);
  for (auto& s : sinks_) s->start();
  if (!once) {
    int64_t now = Clock::now_ms();
    for (uint32_t i = 0; i < targets_.size(); ++i)
      scheduler_.add(i, targets_[i].interval_ms, phase_hash(targets_[i].id), now);
  }
  if (feed_) feed_->start();
  log::info(name_, "started with " + std::to_string(live_targets_) + " targets" +
                       (feed_ ? std::string(" (more from its targets plugin)") : std::string()) + ", " + std::to_string(sinks_.size()) +
                       " sinks" + (once ? " (each target once)" : ""));
  sweep();
  dispatch();
}

void ProbePipeline::stop(std::function<void()> on_drained) {
  stopping_ = true;
  if (feed_) feed_->stop();
  on_drained_ = std::move(on_drained);
  timer_.cancel();
  armed_due_ms_ = INT64_MAX;
  maybe_drained();
}

void ProbePipeline::maybe_drained() {
  if (!stopping_ || in_flight_ > 0 || !on_drained_) return;
  sweep_timer_.cancel();
  auto done = std::move(on_drained_);
  on_drained_ = nullptr;
  done();
}

void ProbePipeline::close_sinks(std::chrono::steady_clock::time_point deadline) {
  for (auto& s : sinks_) s->close(deadline);
}

void ProbePipeline::hurry_sinks() {
  for (auto& s : sinks_) s->hurry();
}

bool ProbePipeline::sinks_have_room() const {
  for (auto& s : sinks_)
    if (!s->has_room()) return false;
  return true;
}

void ProbePipeline::dispatch() {
  // finish() may run inside this loop (a probe that fails to start); the loop sees the freed
  // capacity itself, so re-entering would only deepen the stack.
  if (stopping_ || in_dispatch_) return;
  in_dispatch_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{in_dispatch_};
  if (once_) {
    if (awaiting_snapshot_) return;  // `--once` with a targets plugin: its targets first
    while (once_cursor_ < targets_.size() && static_cast<int64_t>(in_flight_) < concurrency_ && sinks_have_room()) {
      uint32_t index = static_cast<uint32_t>(once_cursor_++);
      if (targets_[index].listed()) begin_check(index, Clock::now_ms());
    }
    if (once_cursor_ == targets_.size()) stop(on_once_done_ ? std::move(on_once_done_) : std::function<void()>([] {}));
    return;
  }
  int64_t now = Clock::now_ms();
  Scheduler::Due due;
  while (static_cast<int64_t>(in_flight_) < limit_.value() && sinks_have_room() && scheduler_.pop_due(now, due)) {
    // A check that can only start long after its slot (the node is past its capacity) is
    // skipped too: its result would describe another moment, and lateness stays bounded.
    int64_t late_cap = std::max<int64_t>(1000, targets_[due.target].interval_ms / 10);
    if (due.lateness_ms > late_cap) {
      metrics().add(names_.missed_slots, static_cast<double>(due.skipped + 1));
      continue;
    }
    if (due.skipped > 0) {
      metrics().add(names_.missed_slots, static_cast<double>(due.skipped));
    }
    metrics().observe("watchpost_scheduler_lateness_seconds", names_.labels, due.lateness_ms / 1000.0);
    if (due.lateness_ms > max_lateness_ms_) {
      max_lateness_ms_ = due.lateness_ms;
      metrics().set(names_.lateness_max, max_lateness_ms_ / 1000.0);
    }
    begin_check(due.target, due.slot_ms);
  }
  // Held back by concurrency: finish() resumes us. By a full sink: its on_room does, and a
  // short poll too, since a sink whose spool disk is full frees room without writing.
  if (scheduler_.next_due_ms() > now) arm_timer();
  else if (static_cast<int64_t>(in_flight_) >= limit_.value()) limit_.on_held_back();
  else if (!sinks_have_room()) arm_timer(now + 250);
}

void ProbePipeline::arm_timer(int64_t due) {
  if (due == 0) due = scheduler_.next_due_ms();
  // The timer only ever moves sooner. Setting it is a timerfd_settime; dispatch() runs after
  // every finished check and a catalogue snapshot adds a million slots, and each would set it
  // again to what it already waits for. One that waits for an earlier moment fires, finds
  // nothing due and arms for the next slot (the handler clears armed_due_ms_ first).
  if (due == INT64_MAX || due >= armed_due_ms_) return;
  armed_due_ms_ = due;
  timer_.expires_at(Clock::to_steady(due));
  std::weak_ptr<ProbePipeline> weak = shared_from_this();
  timer_.async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->armed_due_ms_ = INT64_MAX;
      self->dispatch();
    }
  });
}

void ProbePipeline::rearm_if_sooner() {
  if (!stopping_ && !once_) arm_timer();
}

void ProbePipeline::begin_check(uint32_t target, int64_t slot_ms) {
  uint64_t id = next_check_id_++;
  // The result id is fixed here, at scheduling: every attempt of this check shares it.
  inflight_.emplace(id, InFlight{target, targets_[target].probe_target, make_ulid(slot_ms), slot_ms * 1000,
                                 Clock::wall_us(), 1, 0});
  ++in_flight_;
  ++targets_[target].in_flight;
  start_attempt(id);
}

void ProbePipeline::start_attempt(uint64_t check_id) {
  auto it = inflight_.find(check_id);
  if (it == inflight_.end()) return;
  InFlight& f = it->second;
  const Target& t = targets_[f.target];
  f.deadline_ms = Clock::now_ms() + t.timeout_ms + kWatchdogGraceMs;
  wp_check check{sizeof(wp_check), check_id, wp_str{f.result_id.data(), f.result_id.size()}, t.timeout_ms, f.attempt};
  wp_error err = ProbeInstance::blank_error();
  int rc = probe_->api()->start(probe_->handle(), f.probe_target, &check, &ProbePipeline::on_probe_done, done_ctx_, &err);
  if (rc == WP_OK) return;
  // The probe could not even start: that is the plugin failing, not the target being down.
  metrics().add(names_.probe_errors);
  auto again = inflight_.find(check_id);
  if (again == inflight_.end()) return;  // it reported before failing; that report stands
  Result r = make_result(again->second);
  r.outcome = WP_OUTCOME_UNKNOWN;
  r.error_kind = WP_ERR_PROBE;
  r.error_message = "probe failed to start the check: " + ProbeInstance::describe(err);
  finish(check_id, std::move(r));
}

void ProbePipeline::on_probe_done(void* ctx, const wp_probe_report* raw) {
  auto* done = static_cast<DoneContext*>(ctx);
  auto report = std::make_unique<Report>();
  report->check_id = raw->check_id;
  Result& r = report->observed;
  r.outcome = raw->outcome == WP_OUTCOME_UP ? WP_OUTCOME_UP : WP_OUTCOME_DOWN;
  r.error_kind = raw->error_kind;
  r.error_message = owned(raw->error_message);
  r.http_status = raw->http_status;
  r.bytes_received = raw->bytes_received;
  r.dns_us = raw->dns_us;
  r.connect_us = raw->connect_us;
  r.tls_us = raw->tls_us;
  r.first_byte_us = raw->first_byte_us;
  r.total_us = raw->total_us;
  r.resolved_ip = owned(raw->resolved_ip);
  r.ip_family = raw->ip_family;
  r.tls_days_left = raw->tls_days_left;
  r.redirects = raw->redirects;
  r.body = owned(raw->body);
  // Fields appended after ABI 1.0 are read only when the plugin's struct has them.
  if (raw->struct_size >= offsetof(wp_probe_report, tls_earliest_expiry_us) + sizeof(int64_t))
    r.tls_earliest_expiry_us = raw->tls_earliest_expiry_us;
  if (raw->struct_size >= offsetof(wp_probe_report, header_count) + sizeof(size_t)) {
    // Bounded here too, whatever the probe kept: evaluators see at most 64 of at most 4 KiB.
    for (size_t i = 0; i < raw->header_count && i < 64; ++i)
      if (raw->headers[i].key.size <= 256 && raw->headers[i].value.size <= 4096)
        r.headers.emplace_back(owned(raw->headers[i].key), owned(raw->headers[i].value));
  }
  bool first;
  {
    std::lock_guard<std::mutex> lock(done->inbox->mutex);
    done->inbox->reports.push_back(std::move(report));
    first = !done->inbox->posted;
    done->inbox->posted = true;
  }
  if (!first) return;  // a drain is already on its way and takes this one too
  asio::post(*done->io, [weak = done->pipeline, inbox = done->inbox] {
    std::vector<std::unique_ptr<Report>> batch;
    {
      std::lock_guard<std::mutex> lock(inbox->mutex);
      batch.swap(inbox->reports);
      inbox->posted = false;
    }
    auto self = weak.lock();
    if (!self) return;
    for (auto& report : batch) self->on_report(std::move(report));
  });
}

Result ProbePipeline::make_result(const InFlight& f) const {
  Result r;
  identify(f, r);
  return r;
}

void ProbePipeline::identify(const InFlight& f, Result& r) const {
  const Target& t = targets_[f.target];
  r.result_id = f.result_id;
  r.target_id = t.id;
  r.pipeline = name_;
  r.url = t.url;
  r.node = node_;
  r.region = region_;
  if (t.windows)
    if (const std::string* window = open_window(*t.windows, f.scheduled_at_us)) r.maintenance_window = *window;
  r.labels = t.labels;
  r.scheduled_at_us = f.scheduled_at_us;
  r.started_at_us = f.started_at_us;
  r.attempts = f.attempt;
}

void ProbePipeline::on_report(std::unique_ptr<Report> rep) {
  auto it = inflight_.find(rep->check_id);
  if (it == inflight_.end()) {
    // The watchdog already gave up on this check; its result was recorded then.
    metrics().add(names_.late_reports);
    return;
  }
  InFlight& f = it->second;
  const Target& t = targets_[f.target];
  // Retries belong to the check, so they go on during a drain too (bounded by attempts).
  if (rep->observed.outcome != WP_OUTCOME_UP && f.attempt < t.attempts) {
    ++f.attempt;
    f.deadline_ms = Clock::now_ms() + t.retry_delay_ms + t.timeout_ms + kWatchdogGraceMs;
    metrics().add(names_.retries);
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(t.retry_delay_ms));
    std::weak_ptr<ProbePipeline> weak = shared_from_this();
    uint64_t id = rep->check_id;
    timer->async_wait([weak, timer, id](const boost::system::error_code&) {
      if (auto self = weak.lock()) self->start_attempt(id);
    });
    return;
  }
  Result r = std::move(rep->observed);
  // The probe's own failure (no socket, no memory) says nothing about the site.
  if (r.outcome == WP_OUTCOME_DOWN && r.error_kind == WP_ERR_PROBE) r.outcome = WP_OUTCOME_UNKNOWN;
  identify(f, r);
  if (r.outcome == WP_OUTCOME_UP) evaluate(t, r);
  finish(rep->check_id, std::move(r));
}

void ProbePipeline::evaluate(const Target& t, Result& r) {
  for (auto& e : *t.evaluators) {
    ResultViews view(r, /*with_body=*/true);
    wp_verdict v{};
    v.struct_size = sizeof(v);
    v.pass = 1;
    wp_error err = EvaluatorInstance::blank_error();
    VerdictRecord record{e->name(), 1, {}};
    if (e->api()->evaluate(e->handle(), view.data(), &v, &err) != WP_OK) {
      metrics().add(names_.evaluator_errors);
      record.pass = -1;
      record.message = "evaluator failed: " + EvaluatorInstance::describe(err);
    } else {
      record.pass = v.pass;
      record.message = v.message;
    }
    if (record.pass == 0 && r.outcome != WP_OUTCOME_DOWN) {
      r.outcome = WP_OUTCOME_DOWN;
      r.error_kind = v.error_kind != WP_ERR_NONE ? v.error_kind : WP_ERR_BODY_MISMATCH;
      r.error_message = record.message;
    } else if (record.pass == -1 && r.outcome == WP_OUTCOME_UP) {
      r.outcome = WP_OUTCOME_UNKNOWN;
      r.error_kind = WP_ERR_EVALUATOR;
      r.error_message = record.message;
    }
    r.verdicts.push_back(std::move(record));
  }
}

void ProbePipeline::finish(uint64_t check_id, Result r) {
  if (auto adhoc = adhoc_done_.find(check_id); adhoc != adhoc_done_.end()) {
    auto done = std::move(adhoc->second);
    adhoc_done_.erase(adhoc);
    if (auto it = inflight_.find(check_id); it != inflight_.end()) {
      uint32_t index = it->second.target;
      inflight_.erase(it);
      if (--targets_[index].in_flight == 0) checks_done(index);
    }
    --in_flight_;
    metrics().add(names_.checks[r.outcome >= 0 && r.outcome <= WP_OUTCOME_UNKNOWN ? r.outcome : WP_OUTCOME_UNKNOWN]);
    r.body.clear();
    r.headers.clear();
    done(std::make_shared<const Result>(std::move(r)));
    if (stopping_) maybe_drained();
    return;
  }
  if (auto it = inflight_.find(check_id); it != inflight_.end()) {
    Target& t = targets_[it->second.target];
    auto us = [](int64_t v) { return v < 0 || v > INT32_MAX ? -1 : static_cast<int32_t>(v); };
    TargetState& s = t.last;
    s.last_scheduled_ms = r.scheduled_at_us / 1000;
    s.total_us = us(r.total_us);
    s.dns_us = us(r.dns_us);
    s.connect_us = us(r.connect_us);
    s.tls_us = us(r.tls_us);
    s.first_byte_us = us(r.first_byte_us);
    s.http_status = static_cast<int16_t>(r.http_status);
    s.tls_days_left = r.tls_days_left;
    // Unknown (watchpost could not tell) neither breaks nor extends a run of failures.
    if (r.outcome == WP_OUTCOME_UP) s.consecutive_failures = 0;
    else if (r.outcome == WP_OUTCOME_DOWN) ++s.consecutive_failures;
    s.outcome = static_cast<int8_t>(r.outcome);
    t.last_error_kind = static_cast<int8_t>(r.error_kind);
    uint32_t index = it->second.target;
    inflight_.erase(it);
    if (--t.in_flight == 0) checks_done(index);
  }
  --in_flight_;
  limit_.on_finished(r.total_us, r.error_kind == WP_ERR_PROBE);
  if (r.total_us >= 0)
    metrics().observe("watchpost_check_duration_seconds", names_.labels, r.total_us / 1e6);
  r.body.clear();
  r.body.shrink_to_fit();
  Labels().swap(r.headers);
  metrics().add(names_.checks[r.outcome >= 0 && r.outcome <= WP_OUTCOME_UNKNOWN ? r.outcome : WP_OUTCOME_UNKNOWN]);
  if (r.error_kind > WP_ERR_NONE && r.error_kind < WP_ERR_KIND_COUNT) metrics().add(names_.check_errors[r.error_kind]);
  auto result = std::make_shared<const Result>(std::move(r));
  for (auto& s : sinks_) s->push(result);
  if (observer_) observer_(result);
  if (stopping_) maybe_drained();
  else dispatch();
}

void ProbePipeline::sweep() {
  int64_t now = Clock::now_ms();
  std::vector<uint64_t> overdue;
  for (auto& [id, f] : inflight_)
    if (f.deadline_ms && f.deadline_ms < now) overdue.push_back(id);
  for (uint64_t id : overdue) {
    auto it = inflight_.find(id);
    Result r = make_result(it->second);
    r.outcome = WP_OUTCOME_UNKNOWN;
    r.error_kind = WP_ERR_PROBE;
    r.error_message = "the probe did not report within its timeout plus " + std::to_string(kWatchdogGraceMs / 1000) + "s";
    metrics().add(names_.probe_errors);
    finish(id, std::move(r));
  }
  auto idle = machine_cpu_.idle_since_last();
  int64_t before = limit_.value();
  if (limit_.end_window(idle && *idle < kSaturatedIdleShare)) {
    metrics().set(names_.concurrency_limit, static_cast<double>(limit_.value()));
    if (limit_.value() < before)
      log::warn(name_, "overloaded: checks failed through watchpost's own fault (a starved event loop, no descriptors); "
                       "checks in flight now limited to " + std::to_string(limit_.value()) + " (configured " +
                       std::to_string(concurrency_) + "); slots that cannot start in time are skipped and counted");
    if (!stopping_) dispatch();  // a larger limit may start what waits
  }
  sweep_timer_.expires_after(std::chrono::seconds(1));
  std::weak_ptr<ProbePipeline> weak = shared_from_this();
  sweep_timer_.async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->sweep();
  });
}

}  // namespace watchpost

namespace watchpost {

void ProbePipeline::status_json(std::string& out) const {
  JsonWriter j(out);
  j.begin_object();
  j.field("name", name_);
  j.field("kind", "probe");
  j.field("in_flight", static_cast<uint64_t>(in_flight_));
  j.key("targets");
  j.begin_array();
  for (auto& t : targets_) {
    if (!t.listed()) continue;
    j.begin_object();
    j.field("id", t.id);
    j.field("url", t.url);
    j.key("outcome");
    if (t.last.outcome < 0) j.null();
    else j.value(outcome_name(t.last.outcome));
    j.key("http_status");
    if (t.last.http_status == 0) j.null();
    else j.value(static_cast<int32_t>(t.last.http_status));
    j.key("latency_ms");
    if (t.last.total_us < 0) j.null();
    else j.value(static_cast<int32_t>(t.last.total_us / 1000));
    j.key("error_kind");
    if (t.last_error_kind == WP_ERR_NONE) j.null();
    else j.value(error_kind_name(t.last_error_kind));
    j.key("last_scheduled_at_ms");
    if (t.last.last_scheduled_ms == 0) j.null();
    else j.value(t.last.last_scheduled_ms);
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

}  // namespace watchpost

namespace watchpost {

void ProbePipeline::target_series(TargetSeries& out) const {
  for (auto& t : targets_)
    if (t.listed()) out.add(name_, t.id, t.last);
}

}  // namespace watchpost
