// What a webhook receiver (the test target's /hook) took, as short strings to compare whole:
// "<field>:<state>" of every event, in the order it took them.
#pragma once

#include "http_target.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace watchpost::testing {

// `who`: the event field before the state ("rule", "node", "target_id").
inline std::vector<std::string> webhook_events(const watchpost::target::HttpTarget& receiver,
                                               const std::string& who = "rule") {
  std::vector<std::string> out;
  for (auto& body : receiver.received()) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.contains("events")) {
      out.push_back("unreadable body: " + body.substr(0, 200));
      continue;
    }
    for (auto& e : j["events"]) out.push_back(e.value(who, "?") + ":" + e.value("state", "?"));
  }
  return out;
}

inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

}  // namespace watchpost::testing
