// What is wrong with this process right now, for /healthz, /status and /metrics: each part
// that can degrade (a sink that cannot write, a spool whose disk is full, an admin endpoint
// that cannot accept) sets a condition under its own key and clears it when it recovers.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace watchpost {

struct HealthCondition {
  std::string key;   // who: "sink websites/pg_sink spool"
  std::string text;  // what, in words (never a secret)
  std::chrono::system_clock::time_point since;
};

class Health {
 public:
  // Keeps `since` when the key is already set, so a condition's age survives new wording.
  void set(const std::string& key, const std::string& text);
  void clear(const std::string& key);
  std::vector<HealthCondition> conditions() const;
};

Health& health();

}  // namespace watchpost
