// The API's routes: (method, path pattern) → handler. A pattern's `{name}` parts match one
// path segment each. Every route needs a signed-in principal unless it is marked public (the
// router asks `authenticate` before calling the handler). The route table is also what the
// OpenAPI test compares with docs/api/openapi.json.
#pragma once

#include "api_types.hpp"
#include "problem.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace watchpost::api {

enum class Role { viewer = 0, member = 1, admin = 2 };
const char* role_name(Role r);
std::optional<Role> role_from(const std::string& name);

struct Principal {
  int64_t user_id = 0;
  std::string email;
  Role role = Role::viewer;
  int64_t api_token_id = 0;  // 0: signed in with an access token (JWT)
};

struct Context {
  const ApiRequest& request;
  std::map<std::string, std::string> params;  // from the pattern
  std::optional<Principal> who;
  const std::string& param(const std::string& name) const { return params.at(name); }
  // The query parameter, or `fallback` when absent.
  std::string query(const std::string& name, const std::string& fallback = "") const;
  // A whole-number query parameter from 0 to `most` (`fallback` when absent); 400 otherwise.
  int64_t query_number(const std::string& name, int64_t fallback, int64_t most) const;
  // A path part that is a row's numeric id; 404 "no such WHAT" for anything else.
  int64_t id_param(const std::string& name, const std::string& what) const;
  const Principal& principal() const { return *who; }
  // Throws 403 unless the principal's role is at least `least`.
  void require(Role least) const;
};

using Handler = std::function<ApiResponse(Context&)>;

struct Route {
  std::string method;
  std::string pattern;
  bool is_public = false;
  Handler handler;
};

class Router {
 public:
  using Authenticate = std::function<Principal(const ApiRequest&)>;  // throws ApiError(401)
  explicit Router(Authenticate authenticate) : authenticate_(std::move(authenticate)) {}
  void add(std::string method, std::string pattern, Handler handler, bool is_public = false);
  // Never throws: errors become problem responses (an unexpected one is logged, and answered
  // with a 500 that says nothing of it).
  ApiResponse dispatch(const ApiRequest& request) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  Authenticate authenticate_;
  std::vector<Route> routes_;
};

// JSON helpers for handlers.
ApiResponse json_response(unsigned status, const std::string& json_text);

}  // namespace watchpost::api
