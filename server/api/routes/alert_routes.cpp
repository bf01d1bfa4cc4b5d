// Alerts of the targets a user owns (an admin: all), active and past; acknowledging one.
#include "api_service.hpp"
#include "http/json_body.hpp"
#include "migrations.hpp"

#include <watchpost/redact.hpp>

#include <pqxx/pqxx>

namespace watchpost::api {

namespace {

using nlohmann::json;

const char* kColumns =
    "a.id, a.pipeline, a.rule, a.target_id, a.severity, a.summary, a.value, a.url, a.labels::text, "
    "extract(epoch from a.started_at)::bigint, coalesce(extract(epoch from a.ended_at)::bigint, 0), "
    "coalesce(a.resolved_summary, ''), coalesce(extract(epoch from a.acknowledged_at)::bigint, 0), "
    "coalesce(a.acknowledged_by, '')";

json alert_json(const pqxx::row& r) {
  int64_t ended = r[10].as<int64_t>(), acked = r[12].as<int64_t>();
  json j = {{"id", r[0].as<int64_t>()},
            {"alert_id", r[1].as<std::string>() + "/" + r[2].as<std::string>() + "/" + r[3].as<std::string>()},
            {"pipeline", r[1].as<std::string>()},
            {"rule", r[2].as<std::string>()},
            {"target_id", r[3].as<std::string>()},
            {"severity", r[4].as<std::string>()},
            {"summary", r[5].as<std::string>()},
            {"value", r[6].as<std::string>()},
            {"url", redact_url(r[7].as<std::string>())},
            {"labels", json::parse(r[8].as<std::string>(), nullptr, false)},
            {"state", ended ? "resolved" : "firing"},
            {"started_at", r[9].as<int64_t>()},
            {"ended_at", ended ? json(ended) : json(nullptr)},
            {"resolved_summary", ended ? json(r[11].as<std::string>()) : json(nullptr)}};
  j["acknowledged"] = acked ? json{{"at", acked}, {"by", r[13].as<std::string>()}} : json(nullptr);
  return j;
}

// Alerts joined to the catalogue: a user sees those of the targets they own.
std::string from(const std::string& schema, const Principal& p, pqxx::transaction_base& tx) {
  std::string sql = pg::with_schema(
      " FROM {schema}.alerts a LEFT JOIN {schema}.target_catalog c ON c.id = a.target_id WHERE true", schema);
  if (p.role != Role::admin) sql += " AND c.owner = " + tx.quote(std::to_string(p.user_id));
  return sql;
}

ApiResponse list(const ApiService& api, Context& ctx, const std::string* target) {
  std::string state = ctx.query("state", "all");
  if (state != "all" && state != "firing" && state != "resolved")
    throw ApiError(400, "'state' is one of firing, resolved, all", "state");
  // Up to four digits are taken, and more than 1000 reads as 1000.
  int64_t limit = std::min<int64_t>(1000, ctx.query_number("limit", 100, 9999));
  auto lease = api.db().lease();
  pqxx::work tx(*lease);
  std::string sql = std::string("SELECT ") + kColumns + from(api.db().schema(), ctx.principal(), tx);
  if (target) sql += " AND a.target_id = " + tx.quote(*target);
  if (state == "firing") sql += " AND a.ended_at IS NULL";
  if (state == "resolved") sql += " AND a.ended_at IS NOT NULL";
  sql += " ORDER BY (a.ended_at IS NULL) DESC, a.started_at DESC LIMIT " + std::to_string(limit);
  json items = json::array();
  for (auto r : tx.exec(sql)) items.push_back(alert_json(r));
  tx.commit();
  return json_response(200, dump(json{{"items", items}}));
}

}  // namespace

void add_alert_routes(Router& router, const ApiService& api) {
  router.add("GET", "/api/v1/alerts", [&api](Context& ctx) { return list(api, ctx, nullptr); });
  router.add("GET", "/api/v1/targets/{id}/alerts", [&api](Context& ctx) {
    const std::string& id = ctx.param("id");
    auto lease = api.db().lease();
    {
      pqxx::work tx(*lease);
      std::string sql = pg::with_schema("SELECT 1 FROM {schema}.target_catalog WHERE id = ", api.db().schema()) + tx.quote(id);
      if (ctx.principal().role != Role::admin) sql += " AND owner = " + tx.quote(std::to_string(ctx.principal().user_id));
      bool visible = !tx.exec(sql).empty();
      tx.commit();
      if (!visible) throw ApiError(404, "no such target");
    }
    return list(api, ctx, &id);
  });
  router.add("POST", "/api/v1/alerts/{alert}/acknowledge", [&api](Context& ctx) {
    ctx.require(Role::member);
    std::string v = std::to_string(ctx.id_param("alert", "alert"));
    auto lease = api.db().lease();
    pqxx::work tx(*lease);
    // Only an alert the user can see; acknowledging twice keeps the first.
    auto rows = tx.exec(pg::with_schema("UPDATE {schema}.alerts a SET acknowledged_at = coalesce(a.acknowledged_at, now()), "
                                        "acknowledged_by = coalesce(a.acknowledged_by, ",
                                        api.db().schema()) +
                        tx.quote(ctx.principal().email) + ") WHERE a.id = " + v + " AND a.id IN (SELECT a.id" +
                        from(api.db().schema(), ctx.principal(), tx) + ") RETURNING " + kColumns);
    tx.commit();
    if (rows.empty()) throw ApiError(404, "no such alert");
    return json_response(200, dump(alert_json(rows[0])));
  });
}

}  // namespace watchpost::api
