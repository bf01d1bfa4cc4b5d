// A target's statistics over a window: the numbers `watchpost report` gives (the same query),
// and with `step`, a series of intervals for charts.
#include "api_service.hpp"
#include "http/json_body.hpp"
#include "migrations.hpp"
#include "report/uptime_report.hpp"
#include "store/target_rows.hpp"

#include <watchpost/values.hpp>

#include <pqxx/pqxx>

namespace watchpost::api {

namespace {

using nlohmann::json;

json or_null(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

int64_t duration_query(const Context& ctx, const std::string& name, const std::string& fallback, int64_t least,
                       int64_t most) {
  auto ms = parse_duration_ms(ctx.query(name, fallback));
  if (!ms || *ms < least || *ms > most)
    throw ApiError(400, "'" + name + "' must be a duration from " + std::to_string(least / 1000) + "s to " +
                            std::to_string(most / 86'400'000) + "d (e.g. 24h, 5m)",
                   name);
  return *ms;
}

}  // namespace

void add_stats_routes(Router& router, const ApiService& api) {
  router.add("GET", "/api/v1/targets/{id}/stats", [&api](Context& ctx) {
    int64_t since = duration_query(ctx, "since", "24h", 60'000, 90LL * 86'400'000);
    std::optional<int64_t> step;
    if (!ctx.query("step").empty()) {
      step = duration_query(ctx, "step", "", 10'000, since);
      if (since / *step > 2000) throw ApiError(400, "'step' gives more than 2000 intervals: take a longer one", "step");
    }
    auto lease = api.db().lease();
    auto t = find_target(*lease, api.db().schema(), ctx.param("id"),
                         ctx.principal().role == Role::admin ? std::nullopt
                                                             : std::optional<std::string>(std::to_string(ctx.principal().user_id)));
    if (!t) throw ApiError(404, "no such target");
    report::Query q;
    q.schema = api.db().schema();
    q.since_ms = since;
    q.target = t->entry.id;
    json out = {{"target_id", t->entry.id}, {"since_seconds", since / 1000}};
    report::TargetReport r;
    r.target_id = t->entry.id;
    for (auto& row : report::run_query(*lease, q))
      if (row.pipeline == t->entry.pipeline) r = row;
    out["checks"] = r.checks;
    out["up"] = r.up;
    out["down"] = r.down;
    out["unknown"] = r.unknown;
    out["in_maintenance"] = r.in_maintenance;  // checks left out of the counts above and of uptime
    out["uptime_percent"] = or_null(r.uptime_percent);
    out["latency_ms"] = {{"p50", or_null(r.p50_ms)}, {"p95", or_null(r.p95_ms)}, {"max", or_null(r.max_ms)}};
    out["last_error"] = r.last_error_kind ? json{{"kind", *r.last_error_kind},
                                                 {"message", r.last_error_message.value_or("")},
                                                 {"at", r.last_error_at.value_or("")}}
                                          : json(nullptr);
    if (step) {
      pqxx::work tx(*lease);
      auto rows = tx.exec(pg::with_schema(
          "SELECT extract(epoch from date_bin(" + tx.quote(std::to_string(*step / 1000) + " seconds") +
              "::interval, scheduled_at, timestamptz 'epoch'))::bigint AS at, count(*), "
              "count(*) FILTER (WHERE outcome = 'up' AND NOT in_maintenance), "
              "count(*) FILTER (WHERE outcome = 'down' AND NOT in_maintenance), "
              "percentile_disc(0.95) WITHIN GROUP (ORDER BY total_us) FILTER (WHERE outcome = 'up' AND total_us IS NOT NULL), "
              "max(total_us) FILTER (WHERE outcome = 'up'), "
              "avg(dns_us) FILTER (WHERE outcome = 'up'), avg(connect_us) FILTER (WHERE outcome = 'up'), "
              "avg(tls_us) FILTER (WHERE outcome = 'up'), avg(first_byte_us) FILTER (WHERE outcome = 'up'), "
              "(array_agg(coalesce(error_kind, '') || ': ' || coalesce(error_message, '') ORDER BY scheduled_at DESC) "
              "   FILTER (WHERE outcome = 'down'))[1] "
              "FROM {schema}.check_results WHERE target_id = " + tx.quote(t->entry.id) +
              " AND pipeline = " + tx.quote(t->entry.pipeline) + " AND scheduled_at >= now() - " +
              tx.quote(std::to_string(since / 1000) + " seconds") + "::interval GROUP BY 1 ORDER BY 1",
          api.db().schema()));
      tx.commit();
      json series = json::array();
      for (auto row : rows) {
        auto ms = [&](int i) { return row[i].is_null() ? json(nullptr) : json(row[i].as<double>() / 1000.0); };
        series.push_back({{"at", row[0].as<int64_t>()},
                          {"checks", row[1].as<int64_t>()},
                          {"up", row[2].as<int64_t>()},
                          {"down", row[3].as<int64_t>()},
                          {"p95_ms", ms(4)},
                          {"max_ms", ms(5)},
                          {"phases_ms", {{"dns", ms(6)}, {"connect", ms(7)}, {"tls", ms(8)}, {"first_byte", ms(9)}}},
                          {"last_error", row[10].is_null() ? json(nullptr) : json(row[10].as<std::string>())}});
      }
      out["step_seconds"] = *step / 1000;
      out["series"] = series;
    }
    return json_response(200, dump(out));
  });
}

}  // namespace watchpost::api
