// Maintenance windows (docs/maintenance.md) through the API: a member's windows choose among
// their own targets only; an admin's choose among everyone's. Checked as a pipeline file's
// windows are, so the errors name the field and the fix.
#include "api_service.hpp"
#include "catalog/window_row_check.hpp"
#include "http/json_body.hpp"
#include "maintenance/maintenance_window.hpp"

#include "maintenance_rows.hpp"

#include <watchpost/values.hpp>

#include <pqxx/pqxx>

namespace watchpost::api {

namespace {

using nlohmann::json;

json window_json(const pg::WindowRow& w) {
  json j = {{"name", w.name},
            {"timezone", w.timezone},
            {"targets", w.target_ids},
            {"labels", json::parse(w.labels_json, nullptr, false)},
            {"comment", w.comment ? json(*w.comment) : json(nullptr)}};
  if (w.schedule) {
    j["schedule"] = *w.schedule;
    j["duration_ms"] = w.duration_ms.value_or(0);
  } else {
    j["start"] = w.starts_at_us.value_or(0) / 1000000;
    j["end"] = w.ends_at_us.value_or(0) / 1000000;
  }
  WindowState s = window_state(w, unix_now() * 1000000);
  j["open"] = s.kind == WindowState::open;
  j[s.kind == WindowState::open ? "closes_at" : "opens_at"] = s.at_us ? json(s.at_us / 1000000) : json(nullptr);
  return j;
}

// The owner a principal's windows are stored under: none for an admin (every target).
std::optional<std::string> owner_of(const Principal& p) {
  return p.role == Role::admin ? std::nullopt : std::optional<std::string>(std::to_string(p.user_id));
}

MaintenanceConfig config_of(const json& body) {
  only_fields(body, {"name", "schedule", "duration", "start", "end", "timezone", "targets", "labels", "comment"});
  MaintenanceConfig c;
  c.name = string_field(body, "name", true, 64).value_or("");
  c.schedule = string_field(body, "schedule", false, 256).value_or("");
  if (auto d = string_field(body, "duration", false, 32)) {
    auto ms = parse_duration_ms(*d);
    if (!ms || *ms <= 0) throw ApiError(400, "'duration' is a duration such as 90m or 2h", "duration");
    c.duration_ms = *ms;
  }
  c.start = string_field(body, "start", false, 64).value_or("");
  c.end = string_field(body, "end", false, 64).value_or("");
  c.timezone = string_field(body, "timezone", false, 64).value_or("UTC");
  c.targets = string_list_field(body, "targets").value_or(std::vector<std::string>{});
  if (auto labels = string_map_field(body, "labels"))
    for (auto& [k, v] : json::parse(*labels).items()) c.labels.emplace_back(k, v.get<std::string>());
  return c;
}

}  // namespace

void add_maintenance_routes(Router& router, const ApiService& api) {
  router.add("GET", "/api/v1/maintenance", [&api](Context& ctx) {
    auto lease = api.db().lease();
    json items = json::array();
    for (auto& w : pg::list_windows(*lease, api.db().schema(), owner_of(ctx.principal()))) items.push_back(window_json(w));
    return json_response(200, dump(json{{"items", items}}));
  });

  router.add("POST", "/api/v1/maintenance", [&api](Context& ctx) {
    ctx.require(Role::member);
    json body = json_object_body(ctx.request);
    MaintenanceConfig c = config_of(body);
    pg::WindowRow row;
    try {
      row = window_row(c, owner_of(ctx.principal()), string_field(body, "comment", false, 1000));
    } catch (const MaintenanceError& e) {
      throw ApiError(400, e.what(), e.field());
    }
    auto lease = api.db().lease();
    if (!pg::insert_window(*lease, api.db().schema(), row))
      throw ApiError(409, "a maintenance window with this name exists already: choose another", "name");
    ApiResponse r = json_response(201, dump(window_json(row)));
    r.headers.emplace_back("Location", "/api/v1/maintenance/" + row.name);
    return r;
  });

  router.add("DELETE", "/api/v1/maintenance/{name}", [&api](Context& ctx) {
    ctx.require(Role::member);
    auto lease = api.db().lease();
    if (!pg::remove_window(*lease, api.db().schema(), ctx.param("name"), owner_of(ctx.principal())))
      throw ApiError(404, "no such maintenance window");
    ApiResponse r;
    r.status = 204;
    return r;
  });
}

}  // namespace watchpost::api
