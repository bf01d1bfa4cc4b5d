#include "health.hpp"

#include "metrics.hpp"

#include <map>
#include <mutex>

namespace watchpost {
namespace {

std::mutex mu;
std::map<std::string, HealthCondition>& table() {
  static std::map<std::string, HealthCondition> t;
  return t;
}

}  // namespace

void Health::set(const std::string& key, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu);
  auto [it, added] = table().try_emplace(key, HealthCondition{key, text, std::chrono::system_clock::now()});
  if (!added) it->second.text = text;
  metrics().set("watchpost_degraded_conditions", static_cast<double>(table().size()));
}

void Health::clear(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu);
  table().erase(key);
  metrics().set("watchpost_degraded_conditions", static_cast<double>(table().size()));
}

std::vector<HealthCondition> Health::conditions() const {
  std::lock_guard<std::mutex> lock(mu);
  std::vector<HealthCondition> out;
  for (auto& [k, c] : table()) out.push_back(c);
  return out;
}

Health& health() {
  // The gauge is there from the start, 0 while healthy: an alert on it needs a series to read.
  static Health h = [] {
    metrics().set("watchpost_degraded_conditions", 0);
    return Health{};
  }();
  return h;
}

}  // namespace watchpost
