// Sign-up, login, who am I, and API tokens.
#include "api_service.hpp"
#include "auth/passwords.hpp"
#include "http/json_body.hpp"
#include "observe/log.hpp"
#include "store/accounts.hpp"

namespace watchpost::api {

namespace {

using nlohmann::json;

json user_json(const UserRow& u) {
  return {{"id", u.id}, {"email", u.email}, {"role", u.role}, {"created_at", u.created_at}};
}

json token_json(const TokenRow& t) {
  json j = {{"id", t.id}, {"name", t.name}, {"prefix", t.prefix}, {"created_at", t.created_at}};
  j["last_used_at"] = t.last_used_at ? json(t.last_used_at) : json(nullptr);
  j["revoked_at"] = t.revoked_at ? json(t.revoked_at) : json(nullptr);
  return j;
}

std::string checked_email(const json& body) {
  std::string email = *string_field(body, "email", true, 254);
  size_t at = email.find('@');
  if (email.size() < 3 || at == std::string::npos || at == 0 || at + 1 == email.size() ||
      email.find_first_of(" \t\r\n") != std::string::npos)
    throw ApiError(400, "'email' must be an address such as ops@example.com", "email");
  return email;
}

std::string checked_password(const json& body) {
  std::string password = *string_field(body, "password", true, 1024);
  if (password.size() < 10) throw ApiError(400, "'password' must be at least 10 characters", "password");
  return password;
}

ApiError too_many(int64_t wait_s) {
  ApiError e(429, "too many wrong passwords; try again in " + std::to_string(wait_s) + " s");
  e.headers.emplace_back("Retry-After", std::to_string(wait_s));
  return e;
}

}  // namespace

void add_account_routes(Router& router, const ApiService& api) {
  router.add("POST", "/api/v1/auth/signup", [&api](Context& ctx) {
    if (!api.settings().signup)
      throw ApiError(403, "sign-up is off on this server: an admin adds users (watchpost users add)");
    json body = json_object_body(ctx.request);
    only_fields(body, {"email", "password"});
    std::string email = checked_email(body), password = checked_password(body);
    auto lease = api.db().lease();
    auto user = create_user(*lease, api.db().schema(), email, hash_password(password), "member");
    if (!user) throw ApiError(409, "an account with this email exists already", "email");
    log::info("api", "user " + std::to_string(user->id) + " signed up (" + user->role + ")");
    return json_response(201, dump(user_json(*user)));
  }, true);

  router.add("POST", "/api/v1/auth/login", [&api](Context& ctx) {
    json body = json_object_body(ctx.request);
    only_fields(body, {"email", "password"});
    std::string email = *string_field(body, "email", true, 254);
    std::string password = *string_field(body, "password", true, 1024);
    int64_t now = unix_now();
    if (int64_t wait = api.address_throttle().wait_s(ctx.request.peer, now)) throw too_many(wait);
    auto lease = api.db().lease();
    auto user = user_by_email(*lease, api.db().schema(), email);
    if (user) {
      if (int64_t wait = login_wait_s(user->failed_logins, user->last_failed_at, now, kAccountFreeFailures))
        throw too_many(wait);
    }
    // An unknown email costs the same hashing as a known one: the answer's time tells nothing.
    static const std::string dummy = hash_password(random_token(16));
    bool ok = verify_password(user ? user->password_hash : dummy, password) && user;
    if (!ok) {
      if (user) note_login_failure(*lease, api.db().schema(), user->id);
      // The time after the hashing: a wait counted from before it would be partly spent already.
      api.address_throttle().failed(ctx.request.peer, unix_now());
      throw ApiError(401, "wrong email or password");
    }
    clear_login_failures(*lease, api.db().schema(), user->id);
    api.address_throttle().succeeded(ctx.request.peer);
    json out = {{"access_token", api.tokens().issue(user->id, user->role, now)},
                {"token_type", "Bearer"},
                {"expires_in", api.tokens().lifetime_s()},
                {"user", user_json(*user)}};
    return json_response(200, dump(out));
  }, true);

  router.add("GET", "/api/v1/me", [&api](Context& ctx) {
    auto lease = api.db().lease();
    auto user = user_by_id(*lease, api.db().schema(), ctx.principal().user_id);
    if (!user) throw ApiError(401, "the token's user no longer exists");
    return json_response(200, dump(user_json(*user)));
  });

  router.add("POST", "/api/v1/tokens", [&api](Context& ctx) {
    json body = json_object_body(ctx.request);
    only_fields(body, {"name"});
    std::string name = *string_field(body, "name", true, 128);
    if (name.empty()) throw ApiError(400, "'name' must not be empty", "name");
    auto lease = api.db().lease();
    auto made = create_token(*lease, api.db().schema(), ctx.principal().user_id, name);
    json out = token_json(made.row);
    out["token"] = made.token;  // the only time it is shown
    return json_response(201, dump(out));
  });

  router.add("GET", "/api/v1/tokens", [&api](Context& ctx) {
    auto lease = api.db().lease();
    json items = json::array();
    for (auto& t : list_tokens(*lease, api.db().schema(), ctx.principal().user_id)) items.push_back(token_json(t));
    return json_response(200, dump(json{{"items", items}}));
  });

  router.add("DELETE", "/api/v1/tokens/{token_id}", [&api](Context& ctx) {
    int64_t id = ctx.id_param("token_id", "token");
    auto lease = api.db().lease();
    if (!revoke_token(*lease, api.db().schema(), ctx.principal().user_id, id)) throw ApiError(404, "no such token");
    ApiResponse r;
    r.status = 204;
    return r;
  });
}

}  // namespace watchpost::api
