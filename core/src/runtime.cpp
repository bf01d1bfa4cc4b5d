#include "runtime.hpp"

#include "alerting/alert_board.hpp"
#include "alerting/notifier_hub.hpp"

#include "observe/health.hpp"
#include "plugins/host.hpp"
#include "results/json_writer.hpp"
#include "observe/target_series.hpp"
#include "observe/log.hpp"

#include <boost/asio/post.hpp>

#include <csignal>
#include <unistd.h>

namespace watchpost {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

namespace {

bool same_notifiers(const std::vector<NotifierConfig>& a, const std::vector<NotifierConfig>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].plugin != b[i].plugin || a[i].options.size() != b[i].options.size()) return false;
    for (size_t j = 0; j < a[i].options.size(); ++j)
      if (a[i].options[j].name != b[i].options[j].name || a[i].options[j].text != b[i].options[j].text ||
          a[i].options[j].items != b[i].options[j].items || a[i].options[j].integer != b[i].options[j].integer)
        return false;
  }
  return true;
}

}  // namespace

Runtime::Runtime(const PluginCatalog& catalog, Config config, std::string config_path, RunOptions options)
    : catalog_(catalog),
      config_(std::move(config)),
      config_path_(std::move(config_path)),
      options_(std::move(options)),
      signals_(io_),
      run_for_timer_(io_),
      drain_timer_(io_),
      heap_trim_(io_, std::chrono::seconds(10)),
      probe_endpoint_(catalog) {
  node_ = config_.node.empty() ? host_name() : config_.node;
  // Read at start; a reload keeps them (they name the node to the fleet and in its results).
  set_node_identity({node_, config_.region});
}

Runtime::~Runtime() {
  for (auto& t : retiring_)
    if (t.joinable()) t.join();
}

std::vector<std::shared_ptr<Pipeline>> Runtime::build(const Config& config) {
  std::vector<std::shared_ptr<Pipeline>> out;
  for (auto& pc : config.pipelines) {
    auto p = build_pipeline(pc, catalog_, node_, io_);
    if (options_.observer) p->set_observer(options_.observer);
    out.push_back(std::move(p));
  }
  return out;
}

std::map<std::string, blackbox::ProbeEndpoint::Module> Runtime::build_modules(
    const Config& config, std::vector<std::shared_ptr<Pipeline>>& pipelines) {
  std::map<std::string, blackbox::ProbeEndpoint::Module> out;
  if (options_.once) return out;  // nothing would be asked of them
  for (auto& mc : config.probe_modules) {
    blackbox::ProbeEndpoint::Module m{mc, nullptr};
    m.config.name = "probe_modules." + mc.name;
    m.pipeline = ProbePipeline::build(m.config, catalog_, node_, io_);
    pipelines.push_back(m.pipeline);
    out.emplace(mc.name, std::move(m));
  }
  return out;
}

void Runtime::start(std::vector<std::shared_ptr<Pipeline>> pipelines) {
  pipelines_ = std::move(pipelines);
  // "Once" is about probes; sources run until stopped (if there are only sources, that is
  // until a signal).
  draining_ = 0;
  for (auto& p : pipelines_) draining_ += options_.once && !p->has_source();
  for (auto& p : pipelines_) {
    if (!options_.once || p->has_source()) {
      p->start();
      continue;
    }
    p->start(true, [this] {
      if (--draining_ == 0) begin_drain();  // sources, if any, stop too
    });
  }
}

void Runtime::arm_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    on_signal(sig);
    arm_signals();
  });
}

int Runtime::run() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.add(SIGHUP);
  arm_signals();
  health();  // its gauge reads 0 from the first scrape
  // Before any pipeline: alert stages hand their events to the notifiers from the first batch.
  notifier_hub().start(config_.notifiers, catalog_, config_.spool ? config_.spool->dir : "");
  {
    auto pipelines = build(config_);
    probe_endpoint_.set_modules(build_modules(config_, pipelines));
    start(std::move(pipelines));
  }
  // The config's pipelines live on in the running objects; only the path matters for reloads.
  config_.pipelines.clear();
  config_.pipelines.shrink_to_fit();
  if (!config_.admin_listen.empty()) {
    AdminServer::Options admin;
    admin.listen = config_.admin_listen;
    admin.token = config_.admin_token;
    admin.tls_cert = config_.admin_tls_cert;
    admin.tls_key = config_.admin_tls_key;
    AdminServer::Handlers handlers{[this] { return status_json(); }, [this] { return stopping_; },
                                   [this] { return target_metrics(); }, nullptr};
    // Installed even without modules: a reload may add some.
    handlers.probe = [this](std::string_view query, std::string_view scrape_timeout, AdminServer::Reply reply) {
        probe_endpoint_.handle(query, scrape_timeout, std::move(reply));
      };
    admin_ = std::make_unique<AdminServer>(io_, std::move(admin), std::move(handlers));
  }
  if (pipelines_.empty()) {
    log::warn("watchpost", "no pipelines to run");
    return 0;
  }
  if (options_.run_for) {
    run_for_timer_.expires_after(*options_.run_for);
    run_for_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) begin_drain();
    });
  }
  heap_trim_.start();
  io_.run();
  if (admin_) admin_->stop();
  // Checks are drained (or the exit was forced); now the sinks flush within what is left of
  // the drain's deadline, and what they cannot write by then is spooled.
  auto now = std::chrono::steady_clock::now();
  auto deadline = forced_ ? now : stopping_ ? drain_deadline_ : now + options_.drain_timeout;
  // The sinks flush on a thread of their own while this one keeps answering signals, so a
  // second SIGTERM during the flush still stops at once (what is held gets spooled).
  drain_timer_.cancel();
  std::thread closer([this, deadline] {
    for (auto& p : pipelines_) p->close_sinks(deadline);
    boost::asio::post(io_, [this] { io_.stop(); });
  });
  io_.restart();
  io_.run();
  closer.join();
  pipelines_.clear();
  for (auto& t : retiring_)
    if (t.joinable()) t.join();
  retiring_.clear();
  // The alert stages are closed: what the notifiers have not delivered stays in their outboxes.
  notifier_hub().stop();
  log::info("watchpost", forced_ ? "stopped (forced)" : "stopped");
  return 0;
}

std::string Runtime::status_json() const {
  std::string out;
  JsonWriter j(out);
  j.begin_object();
  j.field("node", node_);
  j.field("stopping", stopping_);
  j.key("degraded");  // what /healthz lists: a sink that cannot write, a full spool disk...
  j.begin_array();
  for (auto& c : health().conditions()) {
    j.begin_object();
    j.field("what", c.key);
    j.field("problem", c.text);
    j.field("since_unix", static_cast<int64_t>(std::chrono::system_clock::to_time_t(c.since)));
    j.end_object();
  }
  j.end_array();
  j.key("alerts");  // what fires now (no URL: it may carry a secret; `watchpost alerts` has more)
  j.begin_array();
  for (auto& a : alert_board().firing()) {
    j.begin_object();
    j.field("alert_id", a.alert_id);
    j.field("pipeline", a.pipeline);
    j.field("rule", a.rule);
    j.field("target_id", a.target_id);
    j.field("severity", a.severity);
    j.field("summary", a.summary);
    j.field("started_at_unix", a.started_at_us / 1000000);
    j.end_object();
  }
  j.end_array();
  j.key("pipelines");
  j.begin_array();
  j.end_array();
  j.end_object();
  // Pipelines write their own objects; splice them into the array.
  std::string items;
  for (size_t i = 0; i < pipelines_.size(); ++i) {
    if (i) items += ',';
    pipelines_[i]->status_json(items);
  }
  out.insert(out.size() - 2, items);
  return out + "\n";
}

std::string Runtime::target_metrics() {
  size_t targets = 0;
  for (auto& p : pipelines_) targets += p->target_count();
  bool on = static_cast<int64_t>(targets) <= config_.target_series_limit;
  if (on != target_series_on_) {
    target_series_on_ = on;
    if (on) log::info("watchpost", "per-target series on /metrics are on again (" + std::to_string(targets) + " targets)");
    else
      log::warn("watchpost", "per-target series on /metrics are off: " + std::to_string(targets) +
                                 " targets is more than admin.target_series_limit (" +
                                 std::to_string(config_.target_series_limit) + "); raise it to have them");
  }
  if (!on) return {};
  TargetSeries series;
  for (auto& p : pipelines_) p->target_series(series);
  return series.render();
}

void Runtime::request_stop() {
  boost::asio::post(io_, [this] { begin_drain(); });
}

void Runtime::on_signal(int sig) {
  if (sig == SIGHUP) {
    reload();
    return;
  }
  if (stopping_) {
    log::warn("watchpost", "second signal: stopping now; what the sinks hold is spooled");
    forced_ = true;
    for (auto& p : pipelines_) p->hurry_sinks();
    io_.stop();
    return;
  }
  log::info("watchpost", std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                             ": finishing checks in flight, then flushing sinks");
  begin_drain();
}

void Runtime::begin_drain() {
  if (stopping_) return;
  stopping_ = true;
  run_for_timer_.cancel();
  heap_trim_.stop();
  drain_deadline_ = std::chrono::steady_clock::now() + options_.drain_timeout;
  drain_timer_.expires_at(drain_deadline_);
  drain_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    log::warn("watchpost", "the drain deadline passed with checks still in flight: stopping without them");
    io_.stop();
  });
  draining_ = pipelines_.size();
  if (draining_ == 0) {
    io_.stop();
    return;
  }
  for (auto& p : pipelines_)
    p->stop([this] {
      if (--draining_ == 0) io_.stop();
    });
}

void Runtime::reload() {
  if (config_path_.empty() || stopping_) return;
  log::info("watchpost", "SIGHUP: reloading " + config_path_);
  std::vector<std::shared_ptr<Pipeline>> fresh;
  std::map<std::string, blackbox::ProbeEndpoint::Module> modules;
  try {
    Config next = load_config(config_path_, catalog_);
    if (!same_notifiers(next.notifiers, config_.notifiers))
      log::warn("watchpost", "'notifiers:' changed: the running notifiers stay until a restart");
    fresh = build(next);
    modules = build_modules(next, fresh);
    next.pipelines.clear();  // running objects hold what they need
    config_ = std::move(next);
  } catch (const std::exception& e) {
    log::error("watchpost", std::string("reload rejected, the running configuration stays:\n") + e.what());
    return;
  }
  // Phases come from target ids and the wall clock, so an unchanged target keeps its slots
  // in the new pipeline. Old pipelines finish their checks, then flush on a thread of their own.
  for (auto& old : pipelines_) {
    old->stop([this, old] {
      retiring_.emplace_back([old, timeout = options_.drain_timeout]() mutable {
        old->close_sinks(std::chrono::steady_clock::now() + timeout);
      });
    });
  }
  pipelines_.clear();
  probe_endpoint_.set_modules(std::move(modules));
  start(std::move(fresh));
  log::info("watchpost", "reloaded: " + std::to_string(pipelines_.size()) + " pipelines");
}

}  // namespace watchpost
