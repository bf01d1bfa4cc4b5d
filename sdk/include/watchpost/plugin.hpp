// The C++ side of the SDK: write an ordinary class, export it with one macro.
//
//   class TcpProbe : public watchpost::Probe { ... };
//   WATCHPOST_PLUGIN("tcp", "0.1.0", "TCP connect check", TcpProbe)
//
// The macro builds the C tables of plugin_api.h. Every generated entry is noexcept and turns
// any exception (including std::bad_alloc from the shim itself) into WP_ERROR plus a message,
// so nothing thrown ever crosses the library boundary.
//
// What each kind's class provides:
//   Probe:     T(const Host&);  static const std::vector<wp_option_spec>& options();
//              std::unique_ptr<ProbeTarget> make_target(const Options&);
//              void start(ProbeTarget&, const Check&, Completion);
//   Evaluator: T(const Host&, const Options&);  static options();
//              Verdict evaluate(const wp_result&);          (const-safe: concurrent calls)
//   Sink:      T(const Host&, const Options&);  static options();
//              Status write(const Batch&);
//              or, deriving from PipelinedSink: Status write_async(const Batch&, SinkCompletion);
//   Source:    T(const Host&, const Options&);  static options();
//              Status poll(Emitter&, uint32_t timeout_ms);  void ack(uint64_t token);
// Any of them may add  static void validate(const Options&);  throwing OptionError.
#pragma once

#include <watchpost/plugin_api.h>
#include <watchpost/values.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace watchpost {

inline std::string_view view(wp_str s) { return s.data ? std::string_view(s.data, s.size) : std::string_view(); }
inline wp_str str(std::string_view s) { return wp_str{s.data(), s.size()}; }

// Thrown by plugin code for a bad option; the core reports it at that option's YAML position.
class OptionError : public std::runtime_error {
 public:
  OptionError(std::string option, const std::string& message)
      : std::runtime_error(message), option_(std::move(option)) {}
  const std::string& option() const { return option_; }

 private:
  std::string option_;
};

// Declaring options: a static table per kind.
inline wp_option_spec option(const char* name, uint32_t type, const char* default_value, const char* doc,
                             const char* choices = nullptr) {
  return wp_option_spec{sizeof(wp_option_spec), name, type, 0, default_value, choices, doc};
}
inline wp_option_spec required_option(const char* name, uint32_t type, const char* doc) {
  return wp_option_spec{sizeof(wp_option_spec), name, type, 1, nullptr, nullptr, doc};
}

// Read-only typed access to validated options. The core fills defaults, so a declared option
// with a default is always present.
class Options {
 public:
  explicit Options(const wp_options* raw) : raw_(raw) {}

  const wp_option* find(std::string_view name) const {
    if (!raw_ || raw_->count == 0) return nullptr;
    const char* base = reinterpret_cast<const char*>(raw_->items);
    size_t stride = raw_->items[0].struct_size;
    for (size_t i = 0; i < raw_->count; ++i) {
      auto* o = reinterpret_cast<const wp_option*>(base + i * stride);
      if (view(o->name) == name) return o;
    }
    return nullptr;
  }
  bool has(std::string_view name) const { return find(name) != nullptr; }
  std::string string(std::string_view name, std::string_view fallback = {}) const {
    auto* o = find(name);
    return std::string(o ? view(o->text) : fallback);
  }
  int64_t integer(std::string_view name, int64_t fallback = 0) const {
    auto* o = find(name);
    return o ? o->integer : fallback;
  }
  bool boolean(std::string_view name, bool fallback = false) const {
    auto* o = find(name);
    return o ? o->integer != 0 : fallback;
  }
  double number(std::string_view name, double fallback = 0) const {
    auto* o = find(name);
    return o ? o->number : fallback;
  }
  std::vector<std::string> list(std::string_view name) const {
    std::vector<std::string> out;
    if (auto* o = find(name))
      for (size_t i = 0; i < o->item_count; ++i) out.emplace_back(view(o->items[i]));
    return out;
  }
  std::vector<std::pair<std::string, std::string>> map(std::string_view name) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (auto* o = find(name))
      for (size_t i = 0; i + 1 < o->item_count; i += 2)
        out.emplace_back(std::string(view(o->items[i])), std::string(view(o->items[i + 1])));
    return out;
  }

 private:
  const wp_options* raw_;
};

// The host's services, as the plugin sees them. Valid until the instance is destroyed.
class Host {
 public:
  explicit Host(const wp_host* raw) : raw_(raw) {}
  // Whether the core's host table has the field at `offset` (it is older when it does not).
  bool covers(size_t offset) const { return raw_->struct_size >= offset + sizeof(void*); }
  const wp_host* raw() const { return raw_; }
  std::string_view name() const { return raw_->instance_name ? raw_->instance_name : ""; }
  // Where the node checks from (ABI 1.2; empty from an older core).
  std::string_view node() const { return covers(offsetof(wp_host, node)) && raw_->node ? raw_->node : ""; }
  std::string_view region() const { return covers(offsetof(wp_host, region)) && raw_->region ? raw_->region : ""; }
  void log(int level, std::string_view message) const { raw_->log(raw_->ctx, level, message.data(), message.size()); }
  void debug(std::string_view m) const { log(WP_LOG_DEBUG, m); }
  void info(std::string_view m) const { log(WP_LOG_INFO, m); }
  void warn(std::string_view m) const { log(WP_LOG_WARN, m); }
  void error(std::string_view m) const { log(WP_LOG_ERROR, m); }
  int64_t now_unix_us() const { return raw_->now_unix_us(raw_->ctx); }
  void count(const char* name, double value = 1) const { raw_->counter_add(raw_->ctx, name, value); }
  void gauge(const char* name, double value) const { raw_->gauge_set(raw_->ctx, name, value); }
  std::string to_json(const wp_result& r) const {
    std::string out;
    to_json(r, out);
    return out;
  }
  // Into `out`, replacing what it held: a sink encoding many results reuses one buffer.
  void to_json(const wp_result& r, std::string& out) const {
    out.resize(out.capacity() < 1024 ? 1024 : out.capacity());
    size_t n = to_json(r, out.data(), out.size());
    if (n > out.size()) {
      out.resize(n);
      to_json(r, out.data(), out.size());
    }
    out.resize(n);
  }
  // Into `out`, at most `capacity` bytes; returns the size the JSON needs (like snprintf):
  // when that is more than `capacity`, call again with room for it. For a sink that keeps
  // encoded results in memory of its own.
  size_t to_json(const wp_result& r, char* out, size_t capacity) const {
    return raw_->result_to_json(raw_->ctx, &r, out, capacity);
  }
  // ABI 1.1 services (a core of 1.1 or later always offers them: the loader refuses a plugin
  // built for a newer minor than the core's).
  bool has_services() const { return raw_->struct_size >= offsetof(wp_host, timer_cancel) + sizeof(void*); }
  // Runs `work` once on the core's worker pool, where it may block on I/O. False when the
  // pool's queue is full (it will not run).
  bool submit(std::function<void()> work) const {
    auto* heap = new std::function<void()>(std::move(work));
    if (raw_->submit(raw_->ctx, &run_once, heap) == WP_OK) return true;
    delete heap;
    return false;
  }
  // A timer started by after(): pass it to cancel().
  struct Timer {
    uint64_t id = 0;
    void* fn = nullptr;  // owned by the core until it fires, by cancel() when cancelled
  };
  // Calls `fn` once after `delay` on the core's timer thread (it must not block there).
  Timer after(std::chrono::milliseconds delay, std::function<void()> fn) const {
    auto* heap = new std::function<void()>(std::move(fn));
    return Timer{raw_->timer_start(raw_->ctx, static_cast<uint32_t>(delay.count()), &run_once, heap), heap};
  }
  // True when the timer will not fire (its function is freed here); false when it fired or
  // is firing now.
  bool cancel(const Timer& t) const {
    if (t.id == 0 || raw_->timer_cancel(raw_->ctx, t.id) != 1) return false;
    delete static_cast<std::function<void()>*>(t.fn);
    return true;
  }

  // What the core calls for submit() and after(): runs the function once and frees it.
  static void run_once(void* user) {
    std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(user));
    (*fn)();
  }

  // Decodes JSON into a result and hands `fn` a view of it; throws nothing, returns an error
  // message (empty on success).
  template <class F>
  std::string from_json(std::string_view json, F&& fn) const {
    wp_error err{};
    err.struct_size = sizeof err;
    using Fn = std::remove_reference_t<F>;
    auto thunk = [](void* user, const wp_result* r) { (*static_cast<Fn*>(user))(*r); };
    if (raw_->result_from_json(raw_->ctx, json.data(), json.size(), thunk, &fn, &err) == WP_OK) return {};
    return err.message[0] ? std::string(err.message) : std::string("undecodable");
  }

 private:
  const wp_host* raw_;
};

// ---- probe ---------------------------------------------------------------------------

struct ProbeTarget {
  virtual ~ProbeTarget() = default;
};

struct Check {
  uint64_t check_id;
  std::string_view result_id;
  uint32_t timeout_ms;
  uint32_t attempt;
};

// What a probe observed, in C++ form; Completion converts it to wp_probe_report.
struct Report {
  int32_t outcome = WP_OUTCOME_DOWN;
  int32_t error_kind = WP_ERR_NONE;
  std::string error_message;
  int32_t http_status = 0;
  uint64_t bytes_received = 0;
  int64_t dns_us = -1, connect_us = -1, tls_us = -1, first_byte_us = -1, total_us = -1;
  std::string resolved_ip;
  int32_t ip_family = 0;
  int32_t tls_days_left = INT32_MIN;
  int32_t redirects = 0;
  std::string body;
  std::string effective_url;
  int64_t tls_earliest_expiry_us = 0;  // earliest notAfter in the peer's chain; 0: no TLS
  std::vector<std::pair<std::string, std::string>> headers;  // ABI 1.4: the final response's

  // Both return the report, so a check can end with `return report.down(WP_ERR_DNS, why);`.
  Report& up() {
    outcome = WP_OUTCOME_UP;
    error_kind = WP_ERR_NONE;
    error_message.clear();
    return *this;
  }
  Report& down(int32_t kind, std::string message) {
    outcome = WP_OUTCOME_DOWN;
    error_kind = kind;
    error_message = std::move(message);
    return *this;
  }
};

// An owned copy of a report (a probe that wraps another reads its reports this way).
// Fields past what `raw.struct_size` covers keep their defaults.
inline Report copy_report(const wp_probe_report& raw) {
  auto text = [](wp_str s) { return s.data ? std::string(s.data, s.size) : std::string(); };
  Report r;
  r.outcome = raw.outcome;
  r.error_kind = raw.error_kind;
  r.error_message = text(raw.error_message);
  r.http_status = raw.http_status;
  r.bytes_received = raw.bytes_received;
  r.dns_us = raw.dns_us;
  r.connect_us = raw.connect_us;
  r.tls_us = raw.tls_us;
  r.first_byte_us = raw.first_byte_us;
  r.total_us = raw.total_us;
  r.resolved_ip = text(raw.resolved_ip);
  r.ip_family = raw.ip_family;
  r.tls_days_left = raw.tls_days_left;
  r.redirects = raw.redirects;
  r.body = text(raw.body);
  r.effective_url = text(raw.effective_url);
  if (raw.struct_size >= offsetof(wp_probe_report, tls_earliest_expiry_us) + sizeof(int64_t))
    r.tls_earliest_expiry_us = raw.tls_earliest_expiry_us;
  if (raw.struct_size >= offsetof(wp_probe_report, header_count) + sizeof(size_t))
    for (size_t i = 0; i < raw.header_count; ++i) r.headers.emplace_back(text(raw.headers[i].key), text(raw.headers[i].value));
  return r;
}

// Call exactly once. Safe to call from any thread; moving it transfers the obligation.
class Completion {
 public:
  Completion(wp_probe_done_fn fn, void* ctx, uint64_t check_id) : fn_(fn), ctx_(ctx), check_id_(check_id) {}
  Completion(Completion&& o) noexcept : fn_(std::exchange(o.fn_, nullptr)), ctx_(o.ctx_), check_id_(o.check_id_) {}
  Completion& operator=(Completion&& o) noexcept {
    fn_ = std::exchange(o.fn_, nullptr);
    ctx_ = o.ctx_;
    check_id_ = o.check_id_;
    return *this;
  }
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;
  ~Completion() {
    if (fn_) {  // a probe that forgot to report must not leave the core waiting
      Report r;
      r.down(WP_ERR_PROBE, "probe dropped the check without reporting");
      (*this)(r);
    }
  }
  bool pending() const { return fn_ != nullptr; }
  void release() { fn_ = nullptr; }
  uint64_t check_id() const { return check_id_; }

  void operator()(const Report& r) noexcept {
    if (!fn_) return;
    wp_probe_report raw{};
    raw.struct_size = sizeof(raw);
    raw.check_id = check_id_;
    raw.outcome = r.outcome;
    raw.error_kind = r.error_kind;
    raw.error_message = str(r.error_message);
    raw.http_status = r.http_status;
    raw.bytes_received = r.bytes_received;
    raw.dns_us = r.dns_us;
    raw.connect_us = r.connect_us;
    raw.tls_us = r.tls_us;
    raw.first_byte_us = r.first_byte_us;
    raw.total_us = r.total_us;
    raw.resolved_ip = str(r.resolved_ip);
    raw.ip_family = r.ip_family;
    raw.tls_days_left = r.tls_days_left;
    raw.redirects = r.redirects;
    raw.body = str(r.body);
    raw.effective_url = str(r.effective_url);
    raw.tls_earliest_expiry_us = r.tls_earliest_expiry_us;
    std::vector<wp_label> headers;
    headers.reserve(r.headers.size());
    for (auto& [name, value] : r.headers) headers.push_back({str(name), str(value)});
    raw.headers = headers.data();
    raw.header_count = headers.size();
    std::exchange(fn_, nullptr)(ctx_, &raw);
  }

 private:
  wp_probe_done_fn fn_;
  void* ctx_;
  uint64_t check_id_;
};

class Probe {
 public:
  virtual ~Probe() = default;
  virtual std::unique_ptr<ProbeTarget> make_target(const Options& options) = 0;
  virtual void start(ProbeTarget& target, const Check& check, Completion done) = 0;
  // The core is done with a target. A probe whose checks may still use it waits here first.
  virtual void destroy_target(ProbeTarget* target) { delete target; }
};

// ---- evaluator -----------------------------------------------------------------------

struct Verdict {
  int32_t pass = 1;  // 1 pass, 0 fail, -1 undecided
  int32_t error_kind = WP_ERR_NONE;
  std::string message;
  static Verdict passed(std::string m = {}) { return {1, WP_ERR_NONE, std::move(m)}; }
  static Verdict failed(std::string m, int32_t kind = WP_ERR_BODY_MISMATCH) { return {0, kind, std::move(m)}; }
  static Verdict undecided(std::string m) { return {-1, WP_ERR_EVALUATOR, std::move(m)}; }
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual Verdict evaluate(const wp_result& result) const = 0;
};

// ---- sink ----------------------------------------------------------------------------

struct Status {
  int code = WP_OK;
  std::string message;
  static Status ok() { return {}; }
  static Status retry(std::string m) { return {WP_RETRY, std::move(m)}; }
  static Status error(std::string m) { return {WP_ERROR, std::move(m)}; }
};

class Batch {
 public:
  Batch(const wp_result* results, size_t count) : base_(results), count_(count) {}
  size_t size() const { return count_; }
  const wp_result& operator[](size_t i) const {
    size_t stride = count_ ? base_[0].struct_size : sizeof(wp_result);
    return *reinterpret_cast<const wp_result*>(reinterpret_cast<const char*>(base_) + i * stride);
  }

 private:
  const wp_result* base_;
  size_t count_;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status write(const Batch& batch) = 0;
};

// Settles one batch a PipelinedSink took. Call it exactly once, from any thread; a completion
// dropped without a call fails its batch (RETRY), so the core never waits forever.
class SinkCompletion {
 public:
  SinkCompletion(wp_sink_done_fn fn, void* ctx, uint64_t token) : fn_(fn), ctx_(ctx), token_(token) {}
  SinkCompletion(SinkCompletion&& o) noexcept : fn_(std::exchange(o.fn_, nullptr)), ctx_(o.ctx_), token_(o.token_) {}
  SinkCompletion& operator=(SinkCompletion&& o) noexcept {
    if (this != &o) {
      if (fn_) (*this)(Status::retry("the sink dropped the batch without settling it"));
      fn_ = std::exchange(o.fn_, nullptr);
      ctx_ = o.ctx_;
      token_ = o.token_;
    }
    return *this;
  }
  SinkCompletion(const SinkCompletion&) = delete;
  SinkCompletion& operator=(const SinkCompletion&) = delete;
  ~SinkCompletion() {
    if (fn_) (*this)(Status::retry("the sink dropped the batch without settling it"));
  }
  bool pending() const { return fn_ != nullptr; }
  void release() { fn_ = nullptr; }

  void operator()(const Status& s) noexcept {
    if (!fn_) return;
    wp_error e{};
    e.struct_size = sizeof(e);
    size_t n = s.message.size() < sizeof(e.message) - 1 ? s.message.size() : sizeof(e.message) - 1;
    std::memcpy(e.message, s.message.data(), n);
    std::exchange(fn_, nullptr)(ctx_, token_, s.code, &e);
  }

 private:
  wp_sink_done_fn fn_;
  void* ctx_;
  uint64_t token_;
};

// A sink that takes a batch and settles it later (ABI 1.2), so the core hands over the next
// batch while this one is on its way: a Kafka producer waits for delivery reports this way.
// write_async copies what it needs from the batch before returning and calls `done` once the
// batch is durable (or has failed). Returning a non-OK status means "not taken" (done is then
// not called). The core acknowledges in order and retries failed batches itself. `write`, the
// synchronous form, is made from write_async; override it only for a faster path.
class PipelinedSink : public Sink {
 public:
  virtual Status write_async(const Batch& batch, SinkCompletion done) = 0;
  Status write(const Batch& batch) override;
};

// Waits for its own completion: a taken batch is always settled (SinkCompletion's destructor
// sees to that), so the wait ends.
inline Status PipelinedSink::write(const Batch& batch) {
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool settled = false;
    Status status;
  } w;
  auto settle = [](void* ctx, uint64_t, int code, const wp_error* e) {
    auto* w = static_cast<Waiter*>(ctx);
    std::lock_guard<std::mutex> lock(w->mu);
    w->status = {code, e ? e->message : ""};
    w->settled = true;
    w->cv.notify_all();
  };
  Status taken = write_async(batch, SinkCompletion(settle, &w, 0));
  if (taken.code != WP_OK) return taken;
  std::unique_lock<std::mutex> lock(w.mu);
  w.cv.wait(lock, [&] { return w.settled; });
  return w.status;
}

// ---- source --------------------------------------------------------------------------

class Emitter {
 public:
  Emitter(wp_source_emit_fn fn, void* ctx) : fn_(fn), ctx_(ctx) {}
  void emit(const wp_result* results, size_t count, uint64_t ack_token) { fn_(ctx_, results, count, ack_token); }

 private:
  wp_source_emit_fn fn_;
  void* ctx_;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual Status poll(Emitter& emit, uint32_t timeout_ms) = 0;
  virtual void ack(uint64_t token) = 0;
};

// ---- targets (ABI 1.1) ---------------------------------------------------------------

// One change to a pipeline's targets. `definition` is a YAML (or JSON) mapping with the keys a
// target has in a pipeline file: {url: ..., interval: 30s, labels: {...}, evaluate: [...]}.
struct TargetChange {
  int32_t op = WP_TARGET_UPSERT;
  std::string id;
  std::string definition;
  static TargetChange upsert(std::string id, std::string definition) {
    return {WP_TARGET_UPSERT, std::move(id), std::move(definition)};
  }
  static TargetChange remove(std::string id) { return {WP_TARGET_REMOVE, std::move(id), {}}; }
};

class TargetEmitter {
 public:
  TargetEmitter(wp_targets_emit_fn fn, void* ctx) : fn_(fn), ctx_(ctx) {}
  // A part of a full snapshot; `last` on its final part (then what it did not name is removed).
  void snapshot(const std::vector<TargetChange>& part, bool last) { emit(part, true, last); }
  // Changes since what was emitted before.
  void changes(const std::vector<TargetChange>& changes) { emit(changes, false, false); }

 private:
  void emit(const std::vector<TargetChange>& items, bool snapshot, bool last) {
    std::vector<wp_target_change> raw;
    raw.reserve(items.size());
    for (auto& c : items) raw.push_back(wp_target_change{sizeof(wp_target_change), c.op, str(c.id), str(c.definition)});
    wp_target_batch b{sizeof(wp_target_batch), snapshot ? 1 : 0, last ? 1 : 0, raw.data(), raw.size()};
    fn_(ctx_, &b);
  }
  wp_targets_emit_fn fn_;
  void* ctx_;
};

class TargetsProvider {
 public:
  virtual ~TargetsProvider() = default;
  // Wait up to timeout_ms for changes and emit them; the first emits are a full snapshot.
  virtual Status poll(TargetEmitter& emit, uint32_t timeout_ms) = 0;
};

// ---- notifier (ABI 1.3) --------------------------------------------------------------

// One alert event, as views into the core's memory for the duration of notify().
struct AlertEvent {
  const wp_alert_event* raw;
  bool firing() const { return raw->state == WP_ALERT_FIRING; }
  // Not a change: the alert still fires (for receivers that expire what is not repeated).
  bool reminder() const { return raw->reminder != 0; }
  std::string_view alert_id() const { return view(raw->alert_id); }
  std::string_view rule() const { return view(raw->rule); }
  std::string_view severity() const { return view(raw->severity); }
  std::string_view summary() const { return view(raw->summary); }
  std::string_view pipeline() const { return view(raw->pipeline); }
  std::string_view target_id() const { return view(raw->target_id); }
  std::string_view url() const { return view(raw->url); }
  std::string_view node() const { return view(raw->node); }
  std::string_view value() const { return view(raw->value); }
  size_t label_count() const { return raw->label_count; }
  std::string_view label_key(size_t i) const { return view(raw->labels[i].key); }
  std::string_view label_value(size_t i) const { return view(raw->labels[i].value); }
  int64_t started_at_us() const { return raw->started_at_us; }
  int64_t ended_at_us() const { return raw->ended_at_us; }
  int64_t event_at_us() const { return raw->event_at_us; }
};

// Delivers alert events (docs/alerting.md). Return Status::retry when the receiver may take
// them later (down, 5xx, timeout): the core keeps them and sends the same ones again.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual Status notify(const std::vector<AlertEvent>& events) = 0;
};

// ---- generated shims -----------------------------------------------------------------
namespace detail {

inline void set_error(wp_error* e, std::string_view option, std::string_view message) noexcept {
  if (!e) return;
  size_t n = option.size() < sizeof(e->option) - 1 ? option.size() : sizeof(e->option) - 1;
  std::memcpy(e->option, option.data(), n);
  e->option[n] = '\0';
  n = message.size() < sizeof(e->message) - 1 ? message.size() : sizeof(e->message) - 1;
  std::memcpy(e->message, message.data(), n);
  e->message[n] = '\0';
}

// Runs f; any exception becomes WP_ERROR with its message.
template <class F>
int guarded(wp_error* e, F&& f) noexcept {
  try {
    return f();
  } catch (const OptionError& ex) {
    set_error(e, ex.option(), ex.what());
  } catch (const std::bad_alloc&) {
    set_error(e, "", "out of memory");
  } catch (const std::exception& ex) {
    set_error(e, "", ex.what());
  } catch (...) {
    set_error(e, "", "unknown exception");
  }
  return WP_ERROR;
}

template <class T, class = void>
struct has_validate : std::false_type {};
template <class T>
struct has_validate<T, std::void_t<decltype(T::validate(std::declval<const Options&>()))>> : std::true_type {};

template <class T>
int validate(const wp_options* o, wp_error* e) noexcept {
  return guarded(e, [&] {
    if constexpr (has_validate<T>::value) T::validate(Options(o));
    return WP_OK;
  });
}

template <class T>
const wp_option_spec* specs() {
  return T::options().empty() ? nullptr : T::options().data();
}

template <class T>
int create_with_options(const wp_host* h, const wp_options* o, void** inst, wp_error* e) noexcept {
  return guarded(e, [&] {
    *inst = new T(Host(h), Options(o));
    return WP_OK;
  });
}
template <class T>
void destroy(void* inst) noexcept {
  try {
    delete static_cast<T*>(inst);
  } catch (...) {
  }
}

template <class T>
const wp_probe_api* probe_table() {
  static const wp_probe_api table = {
      sizeof(wp_probe_api),
      specs<T>(),
      T::options().size(),
      &validate<T>,
      [](const wp_host* h, void** inst, wp_error* e) noexcept {
        return guarded(e, [&] {
          *inst = new T(Host(h));
          return WP_OK;
        });
      },
      &destroy<T>,
      [](void* inst, const wp_options* o, void** target, wp_error* e) noexcept {
        return guarded(e, [&] {
          *target = static_cast<T*>(inst)->make_target(Options(o)).release();
          return WP_OK;
        });
      },
      [](void* inst, void* target) noexcept {
        try {
          static_cast<T*>(inst)->destroy_target(static_cast<ProbeTarget*>(target));
        } catch (...) {
        }
      },
      [](void* inst, void* target, const wp_check* c, wp_probe_done_fn done, void* ctx, wp_error* e) noexcept {
        // The completion is made before anything can throw, and released if start throws, so
        // a failed start is reported by return code only (the core then never waits for it).
        Completion completion(done, ctx, c->check_id);
        int rc = guarded(e, [&] {
          Check check{c->check_id, view(c->result_id), c->timeout_ms, c->attempt};
          static_cast<T*>(inst)->start(*static_cast<ProbeTarget*>(target), check, std::move(completion));
          return WP_OK;
        });
        if (rc != WP_OK) completion.release();  // a failed start is reported by return code
        return rc;
      },
  };
  return &table;
}

template <class T>
const wp_evaluator_api* evaluator_table() {
  static const wp_evaluator_api table = {
      sizeof(wp_evaluator_api), specs<T>(), T::options().size(), &validate<T>, &create_with_options<T>, &destroy<T>,
      [](void* inst, const wp_result* r, wp_verdict* out, wp_error* e) noexcept {
        return guarded(e, [&] {
          Verdict v = static_cast<const T*>(inst)->evaluate(*r);
          out->pass = v.pass;
          out->error_kind = v.error_kind;
          size_t n = v.message.size() < sizeof(out->message) - 1 ? v.message.size() : sizeof(out->message) - 1;
          std::memcpy(out->message, v.message.data(), n);
          out->message[n] = '\0';
          return WP_OK;
        });
      },
  };
  return &table;
}

template <class T>
const wp_sink_api* sink_table() {
  using WriteAsync = int (*)(void*, const wp_result*, size_t, uint64_t, wp_sink_done_fn, void*, wp_error*);
  WriteAsync write_async = nullptr;
  if constexpr (std::is_base_of_v<PipelinedSink, T>) {
    write_async = [](void* inst, const wp_result* rs, size_t n, uint64_t token, wp_sink_done_fn fn, void* ctx,
                     wp_error* e) noexcept {
      // As for probes: the completion exists before anything can throw, and is released when
      // the batch was not taken, so a refused batch is reported by return code only.
      SinkCompletion done(fn, ctx, token);
      int rc = guarded(e, [&] {
        Status s = static_cast<T*>(inst)->write_async(Batch(rs, n), std::move(done));
        if (s.code != WP_OK) set_error(e, "", s.message);
        return s.code;
      });
      if (rc != WP_OK) done.release();
      return rc;
    };
  }
  static const wp_sink_api table = {
      sizeof(wp_sink_api), specs<T>(), T::options().size(), &validate<T>, &create_with_options<T>, &destroy<T>,
      [](void* inst, const wp_result* rs, size_t n, wp_error* e) noexcept {
        return guarded(e, [&] {
          Status s = static_cast<T*>(inst)->write(Batch(rs, n));
          if (s.code != WP_OK) set_error(e, "", s.message);
          return s.code;
        });
      },
      write_async,
  };
  return &table;
}

template <class T>
const wp_source_api* source_table() {
  static const wp_source_api table = {
      sizeof(wp_source_api), specs<T>(), T::options().size(), &validate<T>, &create_with_options<T>, &destroy<T>,
      [](void* inst, wp_source_emit_fn fn, void* ctx, uint32_t timeout_ms, wp_error* e) noexcept {
        return guarded(e, [&] {
          Emitter em(fn, ctx);
          Status s = static_cast<T*>(inst)->poll(em, timeout_ms);
          if (s.code != WP_OK) set_error(e, "", s.message);
          return s.code;
        });
      },
      [](void* inst, uint64_t token) noexcept {
        try {
          static_cast<T*>(inst)->ack(token);
        } catch (...) {
        }
      },
  };
  return &table;
}

template <class T>
const wp_targets_api* targets_table() {
  static const wp_targets_api table = {
      sizeof(wp_targets_api), specs<T>(), T::options().size(), &validate<T>, &create_with_options<T>, &destroy<T>,
      [](void* inst, wp_targets_emit_fn fn, void* ctx, uint32_t timeout_ms, wp_error* e) noexcept {
        return guarded(e, [&] {
          TargetEmitter em(fn, ctx);
          Status s = static_cast<T*>(inst)->poll(em, timeout_ms);
          if (s.code != WP_OK) set_error(e, "", s.message);
          return s.code;
        });
      },
  };
  return &table;
}

template <class T>
const wp_notifier_api* notifier_table() {
  static const wp_notifier_api table = {
      sizeof(wp_notifier_api), specs<T>(), T::options().size(), &validate<T>, &create_with_options<T>, &destroy<T>,
      [](void* inst, const wp_alert_event* events, size_t n, wp_error* e) noexcept {
        return guarded(e, [&] {
          std::vector<AlertEvent> batch;
          batch.reserve(n);
          for (size_t i = 0; i < n; ++i)
            batch.push_back(AlertEvent{reinterpret_cast<const wp_alert_event*>(
                reinterpret_cast<const char*>(events) + i * events[0].struct_size)});
          Status s = static_cast<T*>(inst)->notify(batch);
          if (s.code != WP_OK) set_error(e, "", s.message);
          return s.code;
        });
      },
  };
  return &table;
}

// Picks, among the classes named in the macro, the one deriving from Base (or void).
template <class Base, class... Ts>
struct pick {
  using type = void;
};
template <class Base, class T, class... Ts>
struct pick<Base, T, Ts...> {
  using type = std::conditional_t<std::is_base_of_v<Base, T>, T, typename pick<Base, Ts...>::type>;
};

template <class... Ts>
const wp_plugin_descriptor* describe(const char* name, const char* version, const char* description) {
  using P = typename pick<Probe, Ts...>::type;
  using E = typename pick<Evaluator, Ts...>::type;
  using S = typename pick<Sink, Ts...>::type;
  using R = typename pick<Source, Ts...>::type;
  using G = typename pick<TargetsProvider, Ts...>::type;
  using N = typename pick<Notifier, Ts...>::type;
  static const wp_plugin_descriptor d = {
      sizeof(wp_plugin_descriptor),
      WP_ABI_MAJOR,
      WP_ABI_MINOR,
      name,
      version,
      description,
      [] { if constexpr (std::is_void_v<P>) return static_cast<const wp_probe_api*>(nullptr); else return probe_table<P>(); }(),
      [] { if constexpr (std::is_void_v<E>) return static_cast<const wp_evaluator_api*>(nullptr); else return evaluator_table<E>(); }(),
      [] { if constexpr (std::is_void_v<S>) return static_cast<const wp_sink_api*>(nullptr); else return sink_table<S>(); }(),
      [] { if constexpr (std::is_void_v<R>) return static_cast<const wp_source_api*>(nullptr); else return source_table<R>(); }(),
      [] { if constexpr (std::is_void_v<G>) return static_cast<const wp_targets_api*>(nullptr); else return targets_table<G>(); }(),
      [] { if constexpr (std::is_void_v<N>) return static_cast<const wp_notifier_api*>(nullptr); else return notifier_table<N>(); }(),
  };
  return &d;
}

}  // namespace detail
}  // namespace watchpost

// Exports the library's one entry symbol. List the classes it provides, one per kind.
#define WATCHPOST_PLUGIN(NAME, VERSION, DESCRIPTION, ...)                                   \
  extern "C" WP_EXPORT const wp_plugin_descriptor* watchpost_plugin_descriptor(void) {     \
    try {                                                                                   \
      return ::watchpost::detail::describe<__VA_ARGS__>(NAME, VERSION, DESCRIPTION);        \
    } catch (...) {                                                                         \
      return nullptr;                                                                       \
    }                                                                                       \
  }
