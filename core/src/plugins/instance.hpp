// A plugin object made by the core: the library reference, the host services it was given,
// and its handle. Destroyed in that order reversed, so the library outlives its objects.
#pragma once

#include "host.hpp"
#include "loader.hpp"
#include "config/options.hpp"

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

namespace watchpost {

template <class Api>
class Instance {
 public:
  Instance(LibraryRef lib, const Api* api, std::string name)
      : lib_(std::move(lib)), api_(api), host_(std::make_unique<HostContext>(std::move(name))) {}
  ~Instance() {
    if (handle_) api_->destroy(handle_);
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // create(host, options, &handle, &err) for evaluators, sinks, sources.
  void create(const OptionList& options) {
    OptionsView view(options);
    wp_error err = blank_error();
    if (api_->create(host_->get(), view.get(), &handle_, &err) != WP_OK) {
      handle_ = nullptr;
      throw std::runtime_error(name() + ": " + describe(err));
    }
  }
  // Probes are created without options (each target has its own).
  void create_probe() {
    wp_error err = blank_error();
    if (api_->create(host_->get(), &handle_, &err) != WP_OK) {
      handle_ = nullptr;
      throw std::runtime_error(name() + ": " + describe(err));
    }
  }

  // A built-in made by the core itself (the alert stage), not through create(): the instance
  // owns `handle` from now on and hands it to the table's destroy.
  void adopt(void* handle) { handle_ = handle; }

  const Api* api() const { return api_; }
  void* handle() const { return handle_; }
  const std::string& name() const { return host_->name(); }

  static wp_error blank_error() {
    wp_error e{};
    e.struct_size = sizeof(e);
    return e;
  }
  static std::string describe(const wp_error& e) {
    std::string m = e.message[0] ? e.message : "failed without a message";
    return e.option[0] ? std::string("'") + e.option + "': " + m : m;
  }

 private:
  LibraryRef lib_;  // first member: destroyed last
  const Api* api_;
  std::unique_ptr<HostContext> host_;
  void* handle_ = nullptr;
};

using ProbeInstance = Instance<wp_probe_api>;
using EvaluatorInstance = Instance<wp_evaluator_api>;
using SinkInstance = Instance<wp_sink_api>;

// The sink's write_async (ABI 1.2), or null: a 1.0/1.1 table ends before it.
inline decltype(wp_sink_api::write_async) write_async_of(const SinkInstance& sink) {
  const wp_sink_api* api = sink.api();
  return api->struct_size >= offsetof(wp_sink_api, write_async) + sizeof(void*) ? api->write_async : nullptr;
}
using SourceInstance = Instance<wp_source_api>;

}  // namespace watchpost
