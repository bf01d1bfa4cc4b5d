// What conditions look at: one result, with its body read as JSON at most once (lazily, and
// bounded: size, nesting) however many conditions ask.
#pragma once

#include <watchpost/plugin_api.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace watchpost::conditions {

struct Limits {
  size_t json_bytes = 1 << 20;  // a larger body is not read as JSON
  int json_depth = 64;          // nesting deeper than this is not read
};

class Subject {
 public:
  Subject(const wp_result& result, const Limits& limits) : result_(result), limits_(limits) {}
  const wp_result& result() const { return result_; }
  // The body as JSON, or null with `why` set (not JSON, too large, too deep).
  const nlohmann::json* json(std::string& why);
  // A response header by name, case-insensitively; nothing when absent.
  std::optional<std::string_view> header(std::string_view name) const;

 private:
  const wp_result& result_;
  const Limits& limits_;
  bool parsed_ = false;
  nlohmann::json json_;
  std::string json_error_;
};

}  // namespace watchpost::conditions
