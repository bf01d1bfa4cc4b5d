#include "metrics.hpp"

#include "metric_help.hpp"

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

namespace {
const double kBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
constexpr size_t kBucketCount = sizeof(kBuckets) / sizeof(kBuckets[0]);
}  // namespace

void Metrics::observe(const std::string& family, const std::string& labels, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Histogram& h = histograms_[{family, labels}];
  if (h.buckets.empty()) h.buckets.assign(kBucketCount, 0);
  for (size_t i = 0; i < kBucketCount; ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  h.sum += seconds;
  ++h.count;
}

std::string Metrics::render_prometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  std::string last_family;
  auto emit = [&](const std::map<std::string, double>& m, const char* type) {
    for (auto& [name, v] : m) {
      std::string family = name.substr(0, name.find('{'));
      if (family != last_family) {
        if (auto* help = metric_help(family)) out += "# HELP " + family + " " + *help + "\n";
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
  char buf[64];
  for (auto& [key, h] : histograms_) {
    const std::string& family = key.first;
    std::string sep = key.second.empty() ? "" : ",";
    if (family != last_family) {
      if (auto* help = metric_help(family)) out += "# HELP " + family + " " + *help + "\n";
      out += "# TYPE " + family + " histogram\n";
      last_family = family;
    }
    for (size_t i = 0; i < kBucketCount; ++i) {
      std::snprintf(buf, sizeof buf, "%g", kBuckets[i]);
      out += family + "_bucket{" + key.second + sep + "le=\"" + buf + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += family + "_bucket{" + key.second + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    std::snprintf(buf, sizeof buf, "%.17g", h.sum);
    std::string labels = key.second.empty() ? "" : "{" + key.second + "}";
    out += family + "_sum" + labels + " " + buf + "\n";
    out += family + "_count" + labels + " " + std::to_string(h.count) + "\n";
  }
  return out;
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

}  // namespace watchpost
