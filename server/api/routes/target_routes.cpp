// Targets: each owned by the user who made it; an admin sees and changes all. What is written
// is the catalogue (checked first as a pipeline file's target would be), which running
// pipelines follow within 2 s. A target of someone else is "not found", never "forbidden":
// ids of others' targets are not confirmed.
#include "api_service.hpp"
#include "auth/passwords.hpp"
#include "http/json_body.hpp"
#include "store/target_rows.hpp"

#include <watchpost/redact.hpp>
#include <watchpost/values.hpp>

namespace watchpost::api {

namespace {

using nlohmann::json;

const std::vector<std::string> kFields = {"id",     "url",           "pipeline",   "enabled",       "interval",
                                          "timeout", "attempts",     "method",     "expected_status", "must_match",
                                          "must_not_match", "labels"};

std::string duration_text(int64_t ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

json target_json(const TargetRow& t) {
  const pg::CatalogEntry& e = t.entry;
  auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  json j = {{"id", e.id},
            {"url", redact_url(e.url)},
            {"pipeline", e.pipeline},
            {"enabled", e.enabled},
            {"interval", e.interval_ms ? json(duration_text(*e.interval_ms)) : json(nullptr)},
            {"timeout", e.timeout_ms ? json(duration_text(*e.timeout_ms)) : json(nullptr)},
            {"attempts", opt(e.attempts)},
            {"method", opt(e.method)},
            {"expected_status", opt(e.expected_status)},
            {"must_match", opt(e.must_match)},
            {"must_not_match", opt(e.must_not_match)},
            {"labels", json::parse(e.labels_json, nullptr, false)},
            {"owner", opt(e.owner)}};
  if (t.status) {
    const TargetStatus& s = *t.status;
    j["status"] = {{"outcome", s.outcome},
                   {"http_status", s.http_status ? json(s.http_status) : json(nullptr)},
                   {"total_ms", s.total_us >= 0 ? json(static_cast<double>(s.total_us) / 1000.0) : json(nullptr)},
                   {"checked_at", s.last_checked_at},
                   {"error_kind", s.error_kind.empty() ? json(nullptr) : json(s.error_kind)},
                   {"error_message", s.error_message.empty() ? json(nullptr) : json(s.error_message)},
                   {"in_maintenance", s.in_maintenance}};
  } else {
    j["status"] = nullptr;
  }
  j["state"] = !e.enabled ? "paused" : t.status ? t.status->outcome : "unchecked";
  // The catalogue's windows that choose it (docs/maintenance.md), by name.
  json windows = json::array();
  if (!e.maintenance_json.empty())
    for (auto& w : json::parse(e.maintenance_json, nullptr, false)) windows.push_back(w.value("name", ""));
  j["maintenance_windows"] = windows;
  if (t.uptime) {
    auto pct = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    j["uptime_percent"] = {{"24h", pct(t.uptime->day)}, {"7d", pct(t.uptime->week)}, {"30d", pct(t.uptime->month)}};
  }
  return j;
}

// The owner filter for the principal: their own rows, or every row for an admin.
std::optional<std::string> owner_of(const Principal& p) {
  if (p.role == Role::admin) return std::nullopt;
  return std::to_string(p.user_id);
}

int64_t duration_field(const json& body, const std::string& name) {
  auto text = string_field(body, name, false, 32);
  auto ms = parse_duration_ms(*text);
  if (!ms || *ms < 1) throw ApiError(400, "'" + name + "' must be a duration such as 30s or 5m", name);
  return *ms;
}

// The fields given, laid over `e`.
void apply_fields(const json& body, pg::CatalogEntry& e) {
  only_fields(body, kFields);
  if (auto v = string_field(body, "url", false, 4096)) e.url = *v;
  if (auto v = string_field(body, "pipeline", false, 64)) e.pipeline = *v;
  if (auto v = bool_field(body, "enabled")) e.enabled = *v;
  if (body.contains("interval") && !body["interval"].is_null()) e.interval_ms = duration_field(body, "interval");
  if (body.contains("timeout") && !body["timeout"].is_null()) e.timeout_ms = duration_field(body, "timeout");
  if (auto v = int_field(body, "attempts", 1, 10)) e.attempts = *v;
  if (auto v = string_field(body, "method", false, 16)) e.method = *v;
  if (auto v = string_list_field(body, "expected_status")) e.expected_status = *v;
  if (auto v = string_field(body, "must_match", false, 1024)) e.must_match = *v;
  if (auto v = string_field(body, "must_not_match", false, 1024)) e.must_not_match = *v;
  if (auto v = string_map_field(body, "labels")) e.labels_json = *v;
}

void check_entry(const ApiService& api, const pg::CatalogEntry& e) {
  if (e.url.empty()) throw ApiError(400, "'url' is required", "url");
  if (std::string why = api.check()(e); !why.empty()) throw ApiError(422, "the target cannot be checked: " + why);
}

}  // namespace

void add_target_routes(Router& router, const ApiService& api) {
  router.add("GET", "/api/v1/targets", [&api](Context& ctx) {
    TargetFilter f;
    f.owner = owner_of(ctx.principal());
    f.limit = std::max<int64_t>(1, ctx.query_number("limit", 50, 500));
    f.offset = ctx.query_number("offset", 0, 100000000);
    if (auto s = ctx.query("status"); !s.empty()) {
      if (s != "up" && s != "down" && s != "unknown" && s != "unchecked" && s != "paused")
        throw ApiError(400, "'status' is one of up, down, unknown, unchecked, paused", "status");
      f.status = s;
    }
    if (auto u = ctx.query("uptime"); !u.empty()) {
      if (u != "true" && u != "false") throw ApiError(400, "'uptime' is true or false", "uptime");
      f.uptime = u == "true";
    }
    if (auto l = ctx.query("label"); !l.empty()) {
      size_t colon = l.find(':');
      if (colon == std::string::npos || colon == 0) throw ApiError(400, "'label' is NAME:VALUE", "label");
      f.labels.emplace_back(l.substr(0, colon), l.substr(colon + 1));
    }
    auto lease = api.db().lease();
    auto [rows, total] = find_targets(*lease, api.db().schema(), f);
    json items = json::array();
    for (auto& r : rows) items.push_back(target_json(r));
    return json_response(200, dump(json{{"items", items}, {"total", total}, {"limit", f.limit}, {"offset", f.offset}}));
  });

  router.add("POST", "/api/v1/targets", [&api](Context& ctx) {
    ctx.require(Role::member);
    json body = json_object_body(ctx.request);
    pg::CatalogEntry e;
    e.pipeline = api.settings().default_pipeline;
    apply_fields(body, e);
    // No id given: one is made (ids are global in the catalogue, and guessing them is no use).
    e.id = string_field(body, "id", false, 128).value_or("t-" + random_token(9));
    if (e.id.empty() || e.id.find_first_of("/?#% \t\r\n") != std::string::npos)
      throw ApiError(400, "'id' must be 1 to 128 characters without spaces, '/', '?', '#' or '%'", "id");
    e.owner = std::to_string(ctx.principal().user_id);
    check_entry(api, e);
    auto lease = api.db().lease();
    if (!pg::insert_entry(*lease, api.db().schema(), e))
      throw ApiError(409, "a target with this id exists already: choose another, or leave 'id' out", "id");
    auto made = find_target(*lease, api.db().schema(), e.id, std::nullopt);
    ApiResponse r = json_response(201, dump(target_json(*made)));
    r.headers.emplace_back("Location", "/api/v1/targets/" + e.id);
    return r;
  });

  router.add("GET", "/api/v1/targets/{id}", [&api](Context& ctx) {
    auto lease = api.db().lease();
    auto t = find_target(*lease, api.db().schema(), ctx.param("id"), owner_of(ctx.principal()));
    if (!t) throw ApiError(404, "no such target");
    return json_response(200, dump(target_json(*t)));
  });

  router.add("PATCH", "/api/v1/targets/{id}", [&api](Context& ctx) {
    ctx.require(Role::member);
    json body = json_object_body(ctx.request);
    if (body.contains("id") && body["id"] != ctx.param("id")) throw ApiError(400, "'id' cannot be changed", "id");
    auto lease = api.db().lease();
    auto t = find_target(*lease, api.db().schema(), ctx.param("id"), owner_of(ctx.principal()));
    if (!t) throw ApiError(404, "no such target");
    pg::CatalogEntry e = t->entry;
    apply_fields(body, e);
    check_entry(api, e);
    pg::upsert_entry(*lease, api.db().schema(), e);
    auto now = find_target(*lease, api.db().schema(), e.id, std::nullopt);
    return json_response(200, dump(target_json(*now)));
  });

  router.add("DELETE", "/api/v1/targets/{id}", [&api](Context& ctx) {
    ctx.require(Role::member);
    auto lease = api.db().lease();
    auto t = find_target(*lease, api.db().schema(), ctx.param("id"), owner_of(ctx.principal()));
    if (!t || !pg::remove_entry(*lease, api.db().schema(), t->entry.id)) throw ApiError(404, "no such target");
    ApiResponse r;
    r.status = 204;
    return r;
  });
}

}  // namespace watchpost::api
