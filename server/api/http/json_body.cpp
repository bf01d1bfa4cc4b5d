#include "json_body.hpp"

#include <algorithm>

namespace watchpost::api {

nlohmann::json json_object_body(const ApiRequest& request) {
  if (request.content_type.rfind("application/json", 0) != 0)
    throw ApiError(415, "send the body as JSON with 'Content-Type: application/json'");
  auto j = nlohmann::json::parse(request.body, nullptr, false);
  if (j.is_discarded()) throw ApiError(400, "the body is not valid JSON");
  if (!j.is_object()) throw ApiError(400, "the body must be a JSON object");
  return j;
}

std::optional<std::string> string_field(const nlohmann::json& body, const std::string& name, bool required,
                                        size_t max_bytes) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) throw ApiError(400, "'" + name + "' is required", name);
    return std::nullopt;
  }
  if (!it->is_string()) throw ApiError(400, "'" + name + "' must be a string", name);
  std::string v = it->get<std::string>();
  if (v.size() > max_bytes) throw ApiError(400, "'" + name + "' is longer than " + std::to_string(max_bytes) + " bytes", name);
  if (v.find('\0') != std::string::npos) throw ApiError(400, "'" + name + "' must not contain NUL characters", name);
  return v;
}

std::optional<int64_t> int_field(const nlohmann::json& body, const std::string& name, int64_t least, int64_t most) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw ApiError(400, "'" + name + "' must be a whole number", name);
  int64_t v = it->get<int64_t>();
  if (v < least || v > most)
    throw ApiError(400, "'" + name + "' must be from " + std::to_string(least) + " to " + std::to_string(most), name);
  return v;
}

std::optional<bool> bool_field(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw ApiError(400, "'" + name + "' must be true or false", name);
  return it->get<bool>();
}

std::optional<std::vector<std::string>> string_list_field(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_array() || it->size() > 64) throw ApiError(400, "'" + name + "' must be a list of at most 64 strings", name);
  std::vector<std::string> out;
  for (auto& v : *it) {
    if (!v.is_string() || v.get<std::string>().size() > 256) throw ApiError(400, "'" + name + "' must be a list of strings", name);
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<std::string> string_map_field(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_object() || it->size() > 64) throw ApiError(400, "'" + name + "' must be an object of at most 64 strings", name);
  for (auto& [k, v] : it->items())
    if (!v.is_string() || k.size() > 128 || v.get<std::string>().size() > 1024)
      throw ApiError(400, "'" + name + "." + k + "' must be a string (names up to 128 bytes, values up to 1024)", name);
  return dump(*it);
}

void only_fields(const nlohmann::json& body, const std::vector<std::string>& known) {
  for (auto& [k, v] : body.items())
    if (std::find(known.begin(), known.end(), k) == known.end())
      throw ApiError(400, "unknown field '" + k + "'", k);
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace watchpost::api
