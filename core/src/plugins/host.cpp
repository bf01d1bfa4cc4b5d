#include "host.hpp"

#include "schedule/clock.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"
#include "services.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace watchpost {
namespace {

HostContext* self(void* ctx) { return static_cast<HostContext*>(ctx); }

std::string metric_name(const HostContext& h, const char* name, const char* suffix) {
  std::string n = "watchpost_plugin_";
  for (const char* p = name; *p; ++p) n += (std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_');
  return n + suffix + "{instance=\"" + h.name() + "\"}";
}

}  // namespace

namespace {
std::mutex identity_mu;
NodeIdentity& identity() {
  static NodeIdentity id;
  return id;
}
}  // namespace

void set_node_identity(NodeIdentity identity_now) {
  std::lock_guard<std::mutex> lock(identity_mu);
  identity() = std::move(identity_now);
}

NodeIdentity node_identity() {
  std::lock_guard<std::mutex> lock(identity_mu);
  return identity();
}

HostContext::HostContext(std::string instance_name) : name_(std::move(instance_name)), identity_(node_identity()) {
  raw_.struct_size = sizeof(raw_);
  raw_.ctx = this;
  raw_.instance_name = name_.c_str();
  raw_.node = identity_.node.c_str();
  raw_.region = identity_.region.c_str();
  raw_.log = [](void* ctx, int level, const char* m, size_t n) {
    log::Level l = level <= WP_LOG_DEBUG ? log::Level::debug
                   : level == WP_LOG_INFO ? log::Level::info
                   : level == WP_LOG_WARN ? log::Level::warn
                                          : log::Level::error;
    log::write(l, self(ctx)->name(), std::string_view(m, n));
  };
  raw_.now_unix_us = [](void*) { return Clock::wall_us(); };
  raw_.counter_add = [](void* ctx, const char* name, double v) { metrics().add(metric_name(*self(ctx), name, "_total"), v); };
  raw_.gauge_set = [](void* ctx, const char* name, double v) { metrics().set(metric_name(*self(ctx), name, ""), v); };
  raw_.result_to_json = [](void*, const wp_result* r, char* out, size_t cap) -> size_t {
    return write_result_json(*r, out, cap);
  };
  raw_.result_from_json = [](void*, const char* data, size_t size, void (*fn)(void*, const wp_result*), void* user,
                             wp_error* error) -> int {
    Result r;
    std::string why = decode_result_json(std::string_view(data, size), r);
    if (!why.empty()) {
      if (error) std::snprintf(error->message, sizeof error->message, "%s", why.c_str());
      return WP_ERROR;
    }
    ResultViews view(r);
    fn(user, view.data());
    return WP_OK;
  };
  raw_.submit = [](void*, void (*fn)(void*), void* user) -> int {
    return plugin_workers().submit([fn, user] { fn(user); }) ? WP_OK : WP_RETRY;
  };
  raw_.timer_start = [](void*, uint32_t delay_ms, void (*fn)(void*), void* user) -> uint64_t {
    return plugin_timers().start(std::chrono::milliseconds(delay_ms), [fn, user] { fn(user); });
  };
  raw_.timer_cancel = [](void*, uint64_t id) -> int { return plugin_timers().cancel(id) ? 1 : 0; };
}

}  // namespace watchpost
