// Counters and gauges, named in Prometheus form, rendered as text exposition.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace watchpost {

class Metrics {
 public:
  // `name` may carry labels: watchpost_checks_total{pipeline="web",outcome="up"}
  void add(const std::string& name, double value = 1);
  void set(const std::string& name, double value);
  double get(const std::string& name) const;
  // Histogram with fixed buckets in seconds (5 ms .. 30 s). `family` has no labels;
  // `labels` is the inside of {} without braces, e.g. pipeline="web".
  void observe(const std::string& family, const std::string& labels, double seconds);
  std::string render_prometheus() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, double> counters_;
  std::map<std::string, double> gauges_;
  struct Histogram {
    std::vector<uint64_t> buckets;
    double sum = 0;
    uint64_t count = 0;
  };
  std::map<std::pair<std::string, std::string>, Histogram> histograms_;
};

Metrics& metrics();

}  // namespace watchpost
