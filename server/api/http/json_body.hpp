// Reading a request's JSON body: an object or a 400 that says what is wrong, and typed fields
// that name themselves when they are not what they must be.
#pragma once

#include "api_types.hpp"
#include "problem.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace watchpost::api {

nlohmann::json json_object_body(const ApiRequest& request);

// Each throws ApiError(400, ..., field) for a present value of the wrong type, and for a
// missing one when `required`.
std::optional<std::string> string_field(const nlohmann::json& body, const std::string& name, bool required = false,
                                        size_t max_bytes = 4096);
std::optional<int64_t> int_field(const nlohmann::json& body, const std::string& name, int64_t least, int64_t most);
std::optional<bool> bool_field(const nlohmann::json& body, const std::string& name);
std::optional<std::vector<std::string>> string_list_field(const nlohmann::json& body, const std::string& name);
// A JSON object of strings, as text; throws for anything else.
std::optional<std::string> string_map_field(const nlohmann::json& body, const std::string& name);
// Fields the route does not know are refused (a typo must not be silently dropped).
void only_fields(const nlohmann::json& body, const std::vector<std::string>& known);

std::string dump(const nlohmann::json& j);  // invalid UTF-8 replaced, never thrown on

}  // namespace watchpost::api
