#include "subject.hpp"

#include <strings.h>

namespace watchpost::conditions {
namespace {

struct TooDeep {};

}  // namespace

const nlohmann::json* Subject::json(std::string& why) {
  if (!parsed_) {
    parsed_ = true;
    std::string_view body(result_.body.data ? result_.body.data : "", result_.body.size);
    if (body.size() > limits_.json_bytes) {
      json_error_ = "[BODY] is " + std::to_string(body.size()) + " bytes, more than the " +
                    std::to_string(limits_.json_bytes) + " read as JSON";
    } else {
      int deepest = limits_.json_depth;
      // nlohmann's parser is recursive: a nesting bound keeps a hostile body off the stack.
      auto bound = [deepest](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        if (depth > deepest) throw TooDeep{};
        return true;
      };
      try {
        json_ = nlohmann::json::parse(body.begin(), body.end(), bound, /*allow_exceptions=*/true);
      } catch (const TooDeep&) {
        json_error_ = "[BODY] is nested deeper than " + std::to_string(deepest) + " levels";
      } catch (const nlohmann::json::exception&) {
        json_error_ = "[BODY] is not JSON";
      }
    }
  }
  if (!json_error_.empty()) {
    why = json_error_;
    return nullptr;
  }
  return &json_;
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
