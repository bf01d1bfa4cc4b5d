#include "router.hpp"

#include "observe/log.hpp"

#include <pqxx/except>

namespace watchpost::api {

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t at = 1;
  while (at <= path.size()) {
    size_t next = path.find('/', at);
    if (next == std::string::npos) next = path.size();
    out.push_back(path.substr(at, next - at));
    at = next + 1;
  }
  return out;
}

bool match(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  auto want = segments(pattern), got = segments(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (got[i].empty()) return false;
      found[want[i].substr(1, want[i].size() - 2)] = got[i];
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

const char* role_name(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::member: return "member";
    default: return "viewer";
  }
}

std::optional<Role> role_from(const std::string& name) {
  if (name == "admin") return Role::admin;
  if (name == "member") return Role::member;
  if (name == "viewer") return Role::viewer;
  return std::nullopt;
}

std::string Context::query(const std::string& name, const std::string& fallback) const {
  auto it = request.query.find(name);
  return it == request.query.end() ? fallback : it->second;
}

int64_t Context::query_number(const std::string& name, int64_t fallback, int64_t most) const {
  auto it = request.query.find(name);
  if (it == request.query.end()) return fallback;
  const std::string& v = it->second;
  if (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos || std::stoll(v) > most)
    throw ApiError(400, "'" + name + "' must be a whole number up to " + std::to_string(most), name);
  return std::stoll(v);
}

int64_t Context::id_param(const std::string& name, const std::string& what) const {
  const std::string& v = param(name);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError(404, "no such " + what);
  return std::stoll(v);
}

void Context::require(Role least) const {
  if (static_cast<int>(principal().role) < static_cast<int>(least))
    throw ApiError(403, std::string("this needs the ") + role_name(least) + " role; you are " +
                            role_name(principal().role));
}

void Router::add(std::string method, std::string pattern, Handler handler, bool is_public) {
  routes_.push_back({std::move(method), std::move(pattern), is_public, std::move(handler)});
}

ApiResponse Router::dispatch(const ApiRequest& request) const {
  try {
    bool path_known = false;
    for (auto& route : routes_) {
      std::map<std::string, std::string> params;
      if (!match(route.pattern, request.path, params)) continue;
      path_known = true;
      if (route.method != request.method) continue;
      Context ctx{request, std::move(params), std::nullopt};
      if (!route.is_public) ctx.who = authenticate_(request);
      return route.handler(ctx);
    }
    if (path_known) throw ApiError(405, request.method + " is not a method of " + request.path);
    throw ApiError(404, "no such route: " + request.path + " (the routes are listed at /api/v1/openapi.json)");
  } catch (const ApiError& e) {
    return problem_response(e);
  } catch (const pqxx::broken_connection&) {
    log::warn("api", "PostgreSQL is unreachable; answering 503");
    ApiResponse r = problem_response(503, "the database is unreachable; try again shortly");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  } catch (const std::exception& e) {
    // What went wrong may name tables or values: logged, not answered.
    log::error("api", std::string("unexpected error on ") + request.method + " " + request.path + ": " + e.what());
    return problem_response(500, "an unexpected error; it is logged on the server");
  }
}

ApiResponse json_response(unsigned status, const std::string& json_text) {
  ApiResponse r;
  r.status = status;
  r.body = json_text;
  return r;
}

}  // namespace watchpost::api
