// Counters and gauges, named in Prometheus form, rendered as text exposition.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace watchpost {

class Metrics {
 public:
  // `name` may carry labels: watchpost_checks_total{pipeline="web",outcome="up"}
  void add(const std::string& name, double value = 1);
  void set(const std::string& name, double value);
  double get(const std::string& name) const;
  std::string render_prometheus() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, double> counters_;
  std::map<std::string, double> gauges_;
};

Metrics& metrics();

}  // namespace watchpost
