// The REST API (docs/api.md): accounts, tokens, targets, statistics and alerts over the same
// PostgreSQL as pg_sink and pg_targets. Stateless: everything it knows is in the database and
// in the token secret, so several instances can serve behind a load balancer. What it writes
// to targets is the catalogue, which running pipelines follow within 2 s.
#pragma once

#include "auth/access_tokens.hpp"
#include "auth/login_throttle.hpp"
#include "catalog_entry.hpp"
#include "http/router.hpp"
#include "store/db_pool.hpp"

#include <functional>
#include <string>

namespace watchpost::api {

struct ApiSettings {
  bool signup = true;                    // off: only an admin (or `watchpost users add`) makes users
  std::string default_pipeline = "default";
  std::string openapi_json;              // served at /api/v1/openapi.json
};

// Empty when a catalogue row is a target its pipeline can run; else why not.
using TargetCheck = std::function<std::string(const pg::CatalogEntry&)>;

class ApiService {
 public:
  ApiService(DbPool& db, AccessTokens tokens, ApiSettings settings, TargetCheck check);
  ApiResponse handle(const ApiRequest& request) const { return router_.dispatch(request); }
  const Router& router() const { return router_; }

  // For the route files.
  DbPool& db() const { return db_; }
  const AccessTokens& tokens() const { return tokens_; }
  const ApiSettings& settings() const { return settings_; }
  const TargetCheck& check() const { return check_; }
  AddressThrottle& address_throttle() const { return address_throttle_; }

 private:
  Principal authenticate(const ApiRequest& request) const;

  DbPool& db_;
  AccessTokens tokens_;
  ApiSettings settings_;
  TargetCheck check_;
  mutable AddressThrottle address_throttle_;
  Router router_;
};

// Each adds its routes (routes/*.cpp).
void add_account_routes(Router& router, const ApiService& api);
void add_target_routes(Router& router, const ApiService& api);
void add_stats_routes(Router& router, const ApiService& api);
void add_alert_routes(Router& router, const ApiService& api);
void add_maintenance_routes(Router& router, const ApiService& api);
void add_status_page_routes(Router& router, const ApiService& api);
void add_web_routes(Router& router, const ApiService& api);

int64_t unix_now();

}  // namespace watchpost::api
