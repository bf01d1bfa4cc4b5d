// Public status pages: an admin picks targets and a slug; GET /public/status-pages/SLUG shows
// them to anyone, read-only, with names, states and uptime only — no error text (it can name
// internal hosts), no URL unless the page says so, no owner, no id when a label is given.
#include "api_service.hpp"
#include "http/json_body.hpp"
#include "migrations.hpp"

#include <watchpost/redact.hpp>

#include <pqxx/pqxx>

#include <regex>

namespace watchpost::api {

namespace {

using nlohmann::json;

bool slug_ok(const std::string& s) {
  static const std::regex re("^[a-z0-9][a-z0-9-]{0,62}$");
  return std::regex_match(s, re);
}

std::string table(const ApiService& api, const char* name) {
  return pg::with_schema(std::string("{schema}.") + name, api.db().schema());
}

json or_null(const pqxx::field& f) { return f.is_null() ? json(nullptr) : json(f.as<double>()); }

// The page as anyone may see it.
json public_page(const ApiService& api, pqxx::work& tx, const std::string& slug) {
  auto page = tx.exec("SELECT title, show_urls, extract(epoch from updated_at)::bigint FROM " + table(api, "status_pages") +
                      " WHERE slug = " + tx.quote(slug));
  if (page.empty()) throw ApiError(404, "no such status page");
  bool show_urls = page[0][1].as<bool>();
  const std::string results = table(api, "check_results"), catalog = table(api, "target_catalog"),
                    latest = table(api, "targets");
  // Per target: its state now and its uptime over three windows (up / (up + down)); checks in
  // a maintenance window count in neither (docs/maintenance.md).
  auto rows = tx.exec(
      "SELECT p.target_id, coalesce(p.label, p.target_id), c.url, c.enabled, s.outcome, s.in_maintenance, "
      "  (SELECT round(100.0 * count(*) FILTER (WHERE r.outcome = 'up' AND NOT r.in_maintenance) / nullif(count(*) FILTER (WHERE r.outcome <> 'unknown' AND NOT r.in_maintenance), 0), 3) "
      "     FROM " + results + " r WHERE r.target_id = p.target_id AND r.scheduled_at > now() - interval '1 day'), "
      "  (SELECT round(100.0 * count(*) FILTER (WHERE r.outcome = 'up' AND NOT r.in_maintenance) / nullif(count(*) FILTER (WHERE r.outcome <> 'unknown' AND NOT r.in_maintenance), 0), 3) "
      "     FROM " + results + " r WHERE r.target_id = p.target_id AND r.scheduled_at > now() - interval '7 days'), "
      "  (SELECT round(100.0 * count(*) FILTER (WHERE r.outcome = 'up' AND NOT r.in_maintenance) / nullif(count(*) FILTER (WHERE r.outcome <> 'unknown' AND NOT r.in_maintenance), 0), 3) "
      "     FROM " + results + " r WHERE r.target_id = p.target_id AND r.scheduled_at > now() - interval '30 days') "
      "FROM " + table(api, "status_page_targets") + " p "
      "LEFT JOIN " + catalog + " c ON c.id = p.target_id "
      "LEFT JOIN " + latest + " s ON s.target_id = p.target_id AND s.pipeline = c.pipeline "
      "WHERE p.slug = " + tx.quote(slug) + " ORDER BY p.position");
  // One bar per day for the last 90 days.
  auto days = tx.exec(
      "SELECT p.target_id, to_char(date_trunc('day', r.scheduled_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD'), "
      "  count(*) FILTER (WHERE r.outcome = 'up' AND NOT r.in_maintenance), count(*) FILTER (WHERE r.outcome = 'down' AND NOT r.in_maintenance), count(*) FILTER (WHERE r.in_maintenance) "
      "FROM " + table(api, "status_page_targets") + " p JOIN " + results + " r ON r.target_id = p.target_id "
      "WHERE p.slug = " + tx.quote(slug) + " AND r.scheduled_at > now() - interval '90 days' GROUP BY 1, 2 ORDER BY 1, 2");
  std::map<std::string, json> bars;
  for (auto d : days)
    bars[d[0].as<std::string>()].push_back({{"date", d[1].as<std::string>()}, {"up", d[2].as<int64_t>()},
                                            {"down", d[3].as<int64_t>()}, {"maintenance", d[4].as<int64_t>()}});
  json targets = json::array();
  int down = 0, known = 0, in_maintenance = 0;
  for (auto r : rows) {
    // A target whose latest check fell in a maintenance window is shown as in maintenance,
    // whatever that check found: planned work is not an outage (docs/maintenance.md).
    std::string state = r[3].is_null()         ? "unknown"
                        : !r[3].as<bool>()     ? "paused"
                        : r[4].is_null()       ? "unchecked"
                        : r[5].as<bool>(false) ? "maintenance"
                                               : r[4].as<std::string>();
    if (state == "up" || state == "down") ++known;
    if (state == "down") ++down;
    if (state == "maintenance") ++in_maintenance;
    json t = {{"name", r[1].as<std::string>()},
              {"state", state},
              {"uptime_percent", {{"24h", or_null(r[6])}, {"7d", or_null(r[7])}, {"30d", or_null(r[8])}}},
              {"days", bars.count(r[0].as<std::string>()) ? bars[r[0].as<std::string>()] : json::array()}};
    if (show_urls && !r[2].is_null()) t["url"] = redact_url(r[2].as<std::string>());
    targets.push_back(std::move(t));
  }
  std::string overall = down > 0 ? (down == known ? "down" : "degraded") : in_maintenance > 0 ? "maintenance" : "operational";
  return {{"title", page[0][0].as<std::string>()}, {"overall", overall}, {"updated_at", page[0][2].as<int64_t>()},
          {"targets", targets}};
}

}  // namespace

void add_status_page_routes(Router& router, const ApiService& api) {
  router.add("GET", "/api/v1/status-pages", [&api](Context& ctx) {
    ctx.require(Role::admin);
    auto lease = api.db().lease();
    pqxx::work tx(*lease);
    json items = json::array();
    for (auto r : tx.exec("SELECT s.slug, s.title, s.show_urls, coalesce(array_to_json(array_agg(t.target_id ORDER BY t.position) "
                          "FILTER (WHERE t.target_id IS NOT NULL))::text, '[]') FROM " + table(api, "status_pages") +
                          " s LEFT JOIN " + table(api, "status_page_targets") + " t ON t.slug = s.slug GROUP BY 1, 2, 3 ORDER BY 1"))
      items.push_back({{"slug", r[0].as<std::string>()}, {"title", r[1].as<std::string>()},
                       {"show_urls", r[2].as<bool>()}, {"targets", json::parse(r[3].as<std::string>())}});
    tx.commit();
    return json_response(200, dump(json{{"items", items}}));
  });

  router.add("PUT", "/api/v1/status-pages/{slug}", [&api](Context& ctx) {
    ctx.require(Role::admin);
    const std::string& slug = ctx.param("slug");
    if (!slug_ok(slug)) throw ApiError(400, "a slug is 1 to 63 of a-z, 0-9 and '-', starting with a letter or digit", "slug");
    json body = json_object_body(ctx.request);
    only_fields(body, {"title", "show_urls", "targets"});
    std::string title = *string_field(body, "title", true, 200);
    if (title.empty()) throw ApiError(400, "'title' must not be empty", "title");
    bool show_urls = bool_field(body, "show_urls").value_or(false);
    if (!body.contains("targets") || !body["targets"].is_array() || body["targets"].size() > 200)
      throw ApiError(400, "'targets' must be a list of at most 200 {id, label} objects", "targets");
    auto lease = api.db().lease();
    pqxx::work tx(*lease);
    bool existed = !tx.exec("SELECT 1 FROM " + table(api, "status_pages") + " WHERE slug = " + tx.quote(slug)).empty();
    tx.exec("INSERT INTO " + table(api, "status_pages") + " (slug, title, show_urls, created_by) VALUES (" + tx.quote(slug) +
            ", " + tx.quote(title) + ", " + (show_urls ? "true" : "false") + ", " + std::to_string(ctx.principal().user_id) +
            ") ON CONFLICT (slug) DO UPDATE SET title = excluded.title, show_urls = excluded.show_urls, updated_at = now()");
    tx.exec("DELETE FROM " + table(api, "status_page_targets") + " WHERE slug = " + tx.quote(slug));
    int position = 0;
    for (auto& t : body["targets"]) {
      if (!t.is_object()) throw ApiError(400, "each of 'targets' is {\"id\": ..., \"label\": ...}", "targets");
      std::string id = *string_field(t, "id", true, 256);
      auto label = string_field(t, "label", false, 200);
      if (tx.exec("SELECT 1 FROM " + table(api, "target_catalog") + " WHERE id = " + tx.quote(id)).empty())
        throw ApiError(400, "'targets': there is no target '" + id + "'", "targets");
      tx.exec("INSERT INTO " + table(api, "status_page_targets") + " (slug, target_id, position, label) VALUES (" +
              tx.quote(slug) + ", " + tx.quote(id) + ", " + std::to_string(position++) + ", " +
              (label ? tx.quote(*label) : std::string("NULL")) + ") ON CONFLICT DO NOTHING");
    }
    json page = public_page(api, tx, slug);
    tx.commit();
    return json_response(existed ? 200 : 201, dump(page));
  });

  router.add("DELETE", "/api/v1/status-pages/{slug}", [&api](Context& ctx) {
    ctx.require(Role::admin);
    auto lease = api.db().lease();
    pqxx::work tx(*lease);
    auto r = tx.exec("DELETE FROM " + table(api, "status_pages") + " WHERE slug = " + tx.quote(ctx.param("slug")));
    tx.commit();
    if (r.affected_rows() == 0) throw ApiError(404, "no such status page");
    ApiResponse out;
    out.status = 204;
    return out;
  });

  router.add("GET", "/api/v1/public/status-pages/{slug}", [&api](Context& ctx) {
    if (!slug_ok(ctx.param("slug"))) throw ApiError(404, "no such status page");
    auto lease = api.db().lease();
    pqxx::work tx(*lease);
    json page = public_page(api, tx, ctx.param("slug"));
    tx.commit();
    ApiResponse r = json_response(200, dump(page));
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");  // public, read-only: embeddable anywhere
    return r;
  }, true);
}

}  // namespace watchpost::api
