#include "subject.hpp"

#include <nlohmann/json.hpp>

#include <strings.h>

namespace watchpost::conditions {
namespace {

struct TooDeep {};

// One parser per thread, reused: its buffers are kept between results. A second Subject alive
// on the same thread at once (tests do that) gets a parser of its own.
struct ThreadParser {
  simdjson::dom::parser parser;
  bool busy = false;
};
thread_local ThreadParser thread_parser;

}  // namespace

Subject::Subject(const wp_result& result, const Limits& limits) : result_(result), limits_(limits) {}

Subject::~Subject() {
  if (borrowed_) thread_parser.busy = false;
}

simdjson::dom::parser& Subject::parser() {
  if (borrowed_) return thread_parser.parser;
  if (own_) return *own_;
  if (!thread_parser.busy) {
    thread_parser.busy = borrowed_ = true;
    return thread_parser.parser;
  }
  own_ = std::make_unique<simdjson::dom::parser>();
  return *own_;
}

const simdjson::dom::element* Subject::json(std::string& why) {
  if (!parsed_) {
    parsed_ = true;
    std::string_view body(result_.body.data ? result_.body.data : "", result_.body.size);
    const std::string too_deep = "[BODY] is nested deeper than " + std::to_string(limits_.json_depth) + " levels";
    if (body.size() > limits_.json_bytes) {
      json_error_ = "[BODY] is " + std::to_string(body.size()) + " bytes, more than the " +
                    std::to_string(limits_.json_bytes) + " read as JSON";
    } else {
      simdjson::dom::parser& p = parser();
      // simdjson counts the document itself as a level.
      size_t depth = static_cast<size_t>(limits_.json_depth) + 1;
      if (p.max_depth() != depth || p.capacity() < body.size())
        if (p.allocate(std::max<size_t>(body.size(), 4096), depth) != simdjson::SUCCESS)
          json_error_ = "[BODY] could not be read as JSON (out of memory)";
      if (json_error_.empty()) {
        auto parsed = p.parse(body.data(), body.size());  // copied into a padded buffer
        if (parsed.error() == simdjson::NUMBER_ERROR) {
          // JSON's numbers have no size; simdjson's stop at 64 bits. The rare body with a bigger
          // one is read by nlohmann-json (recursive: its nesting bounded too), which writes it
          // again as a double, and then read as any other.
          int deepest = limits_.json_depth;
          auto bound = [deepest](int d, nlohmann::json::parse_event_t, nlohmann::json&) {
            if (d > deepest) throw TooDeep{};
            return true;
          };
          try {
            rewritten_ = nlohmann::json::parse(body.begin(), body.end(), bound, true).dump();
            parsed = p.parse(rewritten_);
          } catch (const TooDeep&) {
            json_error_ = too_deep;
          } catch (const nlohmann::json::exception&) {
            json_error_ = "[BODY] is not JSON";
          }
        }
        if (!json_error_.empty()) {
        } else if (parsed.error() == simdjson::DEPTH_ERROR) {
          json_error_ = too_deep;
        } else if (parsed.error()) {
          json_error_ = "[BODY] is not JSON";
        } else {
          root_ = parsed.value_unsafe();
        }
      }
    }
  }
  if (!json_error_.empty()) {
    why = json_error_;
    return nullptr;
  }
  return &root_;
}

std::optional<std::string_view> Subject::header(std::string_view name) const {
  size_t count = 0;
  const wp_label* h = wp_result_headers(&result_, &count);
  for (size_t i = 0; i < count; ++i)
    if (h[i].key.size == name.size() && strncasecmp(h[i].key.data, name.data(), name.size()) == 0)
      return std::string_view(h[i].value.data ? h[i].value.data : "", h[i].value.size);
  return std::nullopt;
}

}  // namespace watchpost::conditions
