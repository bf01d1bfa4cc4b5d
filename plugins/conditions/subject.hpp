// What conditions look at: one result, with its body read as JSON at most once (lazily, and
// bounded: size, nesting) however many conditions ask. The body is read by simdjson (docs/
// dependencies.md): a DOM of a 10 KiB answer in a few microseconds, where a tree of
// allocated nodes cost more than the check itself (docs/benchmarks.md §1b).
#pragma once

#include <watchpost/plugin_api.h>

#include <simdjson.h>

#include <memory>
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
  Subject(const wp_result& result, const Limits& limits);
  ~Subject();
  Subject(const Subject&) = delete;
  Subject& operator=(const Subject&) = delete;
  const wp_result& result() const { return result_; }
  // The body as JSON, or null with `why` set (not JSON, too large, too deep). Valid while
  // this Subject lives.
  const simdjson::dom::element* json(std::string& why);
  // A response header by name, case-insensitively; nothing when absent.
  std::optional<std::string_view> header(std::string_view name) const;

 private:
  simdjson::dom::parser& parser();

  const wp_result& result_;
  const Limits& limits_;
  bool parsed_ = false;
  simdjson::dom::element root_;
  std::string json_error_;
  std::string rewritten_;  // a body with numbers past 64 bits, as nlohmann-json wrote it again
  bool borrowed_ = false;  // the thread's parser is ours while we live
  std::unique_ptr<simdjson::dom::parser> own_;
};

}  // namespace watchpost::conditions
