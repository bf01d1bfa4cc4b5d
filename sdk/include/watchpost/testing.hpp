// Test helpers for plugin authors: run a plugin class without the core.
//
//   watchpost::testing::FakeHost host;
//   auto opts = watchpost::testing::OptionsBuilder(MyEval::options()).set("pattern", "ok").build();
//   MyEval eval(host.host(), opts.view());
#pragma once

#include <watchpost/plugin.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace watchpost::testing {

// Collects what a plugin logs and counts.
class FakeHost {
 public:
  FakeHost() {
    raw_.struct_size = sizeof(raw_);
    raw_.ctx = this;
    raw_.instance_name = "test";
    raw_.log = [](void* c, int level, const char* m, size_t n) {
      auto* self = static_cast<FakeHost*>(c);
      std::lock_guard<std::mutex> lock(self->mu_);
      self->logs_.emplace_back(level, std::string(m, n));
    };
    raw_.now_unix_us = [](void*) -> int64_t {
      return std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
    raw_.counter_add = [](void* c, const char* name, double v) {
      auto* self = static_cast<FakeHost*>(c);
      std::lock_guard<std::mutex> lock(self->mu_);
      self->counters_[name] += v;
    };
    raw_.gauge_set = [](void* c, const char* name, double v) {
      auto* self = static_cast<FakeHost*>(c);
      std::lock_guard<std::mutex> lock(self->mu_);
      self->counters_[name] = v;
    };
    raw_.result_to_json = [](void*, const wp_result* r, char* out, size_t cap) -> size_t {
      std::string s = "{\"result_id\":\"" + std::string(view(r->result_id)) + "\"}";
      if (s.size() <= cap) std::memcpy(out, s.data(), s.size());
      return s.size();
    };
    raw_.result_from_json = [](void*, const char*, size_t, void (*)(void*, const wp_result*), void*,
                               wp_error* e) -> int {
      detail::set_error(e, "", "FakeHost does not decode JSON");
      return WP_ERROR;
    };
    // Services: a thread per submitted job and per timer, joined when the FakeHost goes.
    raw_.submit = [](void* c, void (*fn)(void*), void* user) -> int {
      auto* self = static_cast<FakeHost*>(c);
      std::lock_guard<std::mutex> lock(self->mu_);
      self->threads_.emplace_back([fn, user] { fn(user); });
      return WP_OK;
    };
    raw_.timer_start = [](void* c, uint32_t delay_ms, void (*fn)(void*), void* user) -> uint64_t {
      auto* self = static_cast<FakeHost*>(c);
      std::lock_guard<std::mutex> lock(self->mu_);
      uint64_t id = ++self->next_timer_;
      self->timers_[id] = false;
      self->threads_.emplace_back([self, id, delay_ms, fn, user] {
        std::unique_lock<std::mutex> l(self->mu_);
        self->timer_cv_.wait_for(l, std::chrono::milliseconds(delay_ms), [&] { return self->timers_[id] || self->closing_; });
        bool fire = !self->timers_[id] && !self->closing_;  // a host going away fires nothing
        self->timers_.erase(id);
        l.unlock();
        if (fire) fn(user);
      });
      return id;
    };
    raw_.timer_cancel = [](void* c, uint64_t id) -> int {
      auto* self = static_cast<FakeHost*>(c);
      std::lock_guard<std::mutex> lock(self->mu_);
      auto it = self->timers_.find(id);
      if (it == self->timers_.end() || it->second) return 0;
      it->second = true;
      self->timer_cv_.notify_all();
      return 1;
    };
  }
  ~FakeHost() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
      timer_cv_.notify_all();
    }
    // Jobs may submit more jobs: join until none are left.
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        threads.swap(threads_);
      }
      if (threads.empty()) break;
      for (auto& t : threads) t.join();
      threads.clear();
    }
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  Host host() const { return Host(&raw_); }
  const wp_host* raw() const { return &raw_; }
  double counter(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = counters_.find(name);
    return it == counters_.end() ? 0 : it->second;
  }
  std::deque<std::pair<int, std::string>> logs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return logs_;
  }

 private:
  wp_host raw_{};
  mutable std::mutex mu_;
  std::deque<std::pair<int, std::string>> logs_;
  std::map<std::string, double> counters_;
  std::vector<std::thread> threads_;
  std::condition_variable timer_cv_;
  std::map<uint64_t, bool> timers_;  // id → cancelled
  uint64_t next_timer_ = 0;
  bool closing_ = false;
};

// Builds wp_options from a plugin's spec: values you set, defaults for the rest.
class OptionsBuilder {
 public:
  explicit OptionsBuilder(const std::vector<wp_option_spec>& spec) : spec_(spec) {}

  OptionsBuilder& set(const std::string& name, std::string value) {
    scalars_[name] = std::move(value);
    return *this;
  }
  OptionsBuilder& set_list(const std::string& name, std::vector<std::string> items) {
    lists_[name] = std::move(items);
    return *this;
  }

  // The built options; keeps its own storage.
  class Built {
   public:
    const wp_options* view() const { return &options_; }
    Options options() const { return Options(&options_); }

   private:
    friend class OptionsBuilder;
    std::deque<std::string> strings_;
    std::deque<std::vector<wp_str>> items_;
    std::vector<wp_option> values_;
    wp_options options_{};
  };

  Built build() const {
    Built b;
    for (const auto& s : spec_) {
      wp_option o{};
      o.struct_size = sizeof(o);
      o.name = str(b.strings_.emplace_back(s.name));
      o.type = s.type;
      if (s.type == WP_OPT_STRING_LIST || s.type == WP_OPT_STRING_MAP) {
        auto it = lists_.find(s.name);
        std::vector<std::string> items;
        if (it != lists_.end()) items = it->second;
        else if (s.default_value && *s.default_value) items = {s.default_value};
        else continue;
        auto& v = b.items_.emplace_back();
        for (auto& i : items) v.push_back(str(b.strings_.emplace_back(i)));
        o.items = v.data();
        o.item_count = v.size();
      } else {
        auto it = scalars_.find(s.name);
        std::string text;
        if (it != scalars_.end()) text = it->second;
        else if (s.default_value) text = s.default_value;
        else continue;
        o.text = str(b.strings_.emplace_back(text));
        switch (s.type) {
          case WP_OPT_INT: o.integer = std::stoll(text); break;
          case WP_OPT_BOOL: o.integer = (text == "true" || text == "yes" || text == "1"); break;
          case WP_OPT_DURATION: o.integer = parse_duration_ms(text).value_or(0); break;
          case WP_OPT_BYTES: o.integer = parse_bytes(text).value_or(0); break;
          case WP_OPT_FLOAT: o.number = std::stod(text); break;
          default: break;
        }
      }
      b.values_.push_back(o);
    }
    b.options_ = wp_options{sizeof(wp_options), b.values_.data(), b.values_.size()};
    return b;
  }

 private:
  const std::vector<wp_option_spec>& spec_;
  std::map<std::string, std::string> scalars_;
  std::map<std::string, std::vector<std::string>> lists_;
};

}  // namespace watchpost::testing
