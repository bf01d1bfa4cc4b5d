#include "metrics.hpp"

#include <cstdio>

namespace watchpost {

void Metrics::add(const std::string& name, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[name] += value;
}

void Metrics::set(const std::string& name, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_[name] = value;
}

double Metrics::get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = counters_.find(name); it != counters_.end()) return it->second;
  if (auto it = gauges_.find(name); it != gauges_.end()) return it->second;
  return 0;
}

std::string Metrics::render_prometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  std::string last_family;
  auto emit = [&](const std::map<std::string, double>& m, const char* type) {
    for (auto& [name, v] : m) {
      std::string family = name.substr(0, name.find('{'));
      if (family != last_family) {
        out += "# TYPE " + family + " " + type + "\n";
        last_family = family;
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, " %.17g\n", v);
      out += name + buf;
    }
  };
  emit(counters_, "counter");
  emit(gauges_, "gauge");
  return out;
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

}  // namespace watchpost
