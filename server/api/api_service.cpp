#include "api_service.hpp"

#include "store/accounts.hpp"

#include <chrono>

namespace watchpost::api {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ApiService::ApiService(DbPool& db, AccessTokens tokens, ApiSettings settings, TargetCheck check)
    : db_(db),
      tokens_(std::move(tokens)),
      settings_(std::move(settings)),
      check_(std::move(check)),
      router_([this](const ApiRequest& r) { return authenticate(r); }) {
  add_account_routes(router_, *this);
  add_target_routes(router_, *this);
  add_stats_routes(router_, *this);
  add_alert_routes(router_, *this);
  add_maintenance_routes(router_, *this);
  add_status_page_routes(router_, *this);
  add_web_routes(router_, *this);
  router_.add("GET", "/api/v1/openapi.json", [this](Context&) { return json_response(200, settings_.openapi_json); },
              true);
  router_.add("GET", "/api/v1/health", [](Context&) { return json_response(200, "{\"status\":\"ok\"}"); }, true);
}

// "Authorization: Bearer T": an API token (wp_...) or an access token (a JWT). The user is read
// back either way, so a deleted user or a changed role takes effect at once.
Principal ApiService::authenticate(const ApiRequest& request) const {
  const std::string& h = request.authorization;
  if (h.size() < 8 || h.compare(0, 7, "Bearer ") != 0)
    throw ApiError(401, "this route needs 'Authorization: Bearer TOKEN' (POST /api/v1/auth/login gives one)");
  std::string token = h.substr(7);
  auto lease = db_.lease();
  Principal p;
  if (token.compare(0, 3, "wp_") == 0) {
    auto t = token_by_text(*lease, db_.schema(), token);
    if (!t) throw ApiError(401, "the API token is not valid (unknown or revoked)");
    p.user_id = t->user_id;
    p.api_token_id = t->id;
  } else {
    auto claims = tokens_.verify(token, unix_now());
    if (!claims) throw ApiError(401, "the access token is not valid (expired, or not signed by this server)");
    p.user_id = claims->user_id;
  }
  auto user = user_by_id(*lease, db_.schema(), p.user_id);
  if (!user) throw ApiError(401, "the token's user no longer exists");
  p.email = user->email;
  p.role = role_from(user->role).value_or(Role::viewer);
  return p;
}

}  // namespace watchpost::api
