#include "target_rows.hpp"

#include "migrations.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace watchpost::api {

namespace {

// The catalogue's columns (entry_columns, prefixed), then the status columns from `targets`.
std::string select_from(const std::string& schema) {
  return pg::with_schema(
      "SELECT " + pg::entry_columns(schema, "c") + ", s.outcome, coalesce(s.http_status, 0), coalesce(s.total_us, -1), "
      "coalesce(extract(epoch from s.last_checked_at)::bigint, 0), coalesce(s.error_kind, ''), coalesce(s.error_message, ''), "
      "coalesce(s.in_maintenance, false) "
      "FROM {schema}.target_catalog c LEFT JOIN {schema}.targets s ON s.pipeline = c.pipeline AND s.target_id = c.id",
      schema);
}

TargetRow row_of(const pqxx::row& r) {
  TargetRow t;
  t.entry = pg::entry_from_row(r);
  const int base = pg::kEntryColumnCount;
  if (!r[base].is_null()) {
    TargetStatus s;
    s.outcome = r[base].as<std::string>();
    s.http_status = r[base + 1].as<int64_t>();
    s.total_us = r[base + 2].as<int64_t>();
    s.last_checked_at = r[base + 3].as<int64_t>();
    s.error_kind = r[base + 4].as<std::string>();
    s.error_message = r[base + 5].as<std::string>();
    s.in_maintenance = r[base + 6].as<bool>();
    t.status = std::move(s);
  }
  return t;
}

}  // namespace

std::pair<std::vector<TargetRow>, int64_t> find_targets(pqxx::connection& c, const std::string& schema,
                                                        const TargetFilter& f) {
  pqxx::work tx(c);
  std::string where = " WHERE true";
  if (f.owner) where += " AND c.owner = " + tx.quote(*f.owner);
  if (!f.labels.empty()) {
    nlohmann::json labels = nlohmann::json::object();
    for (auto& [k, v] : f.labels) labels[k] = v;
    where += " AND c.labels @> " + tx.quote(labels.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "::jsonb";
  }
  if (f.status) {
    if (*f.status == "paused") where += " AND NOT c.enabled";
    else if (*f.status == "unchecked") where += " AND c.enabled AND s.outcome IS NULL";
    else where += " AND c.enabled AND s.outcome = " + tx.quote(*f.status);
  }
  std::string base = select_from(schema);  // aliases: c (catalogue), s (status); the last FROM is the query's
  auto rows = tx.exec(base + where + " ORDER BY c.id LIMIT " + std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset));
  int64_t total = tx.exec("SELECT count(*)" + base.substr(base.rfind(" FROM ")) + where)[0][0].as<int64_t>();
  std::vector<TargetRow> out;
  for (auto r : rows) out.push_back(row_of(r));
  if (f.uptime && !out.empty()) {
    std::string ids = "ARRAY[";
    for (size_t i = 0; i < out.size(); ++i) ids += (i ? "," : "") + tx.quote(out[i].entry.id);
    ids += "]::text[]";
    auto window = [](const char* interval) {
      // Checks in a maintenance window are left out (docs/maintenance.md).
      return std::string("round(100.0 * count(*) FILTER (WHERE outcome = 'up' AND NOT in_maintenance AND scheduled_at > now() - interval '") +
             interval + "') / nullif(count(*) FILTER (WHERE outcome <> 'unknown' AND NOT in_maintenance AND scheduled_at > now() - interval '" +
             interval + "'), 0), 3)";
    };
    auto up = tx.exec(pg::with_schema("SELECT pipeline, target_id, " + window("1 day") + ", " + window("7 days") + ", " +
                                          window("30 days") + " FROM {schema}.check_results WHERE target_id = ANY(" + ids +
                                          ") AND scheduled_at > now() - interval '30 days' GROUP BY 1, 2",
                                      schema));
    auto num = [](const pqxx::field& v) { return v.is_null() ? std::nullopt : std::optional<double>(v.as<double>()); };
    for (auto& t : out) {
      t.uptime = Uptime{};
      for (auto u : up)
        if (u[0].as<std::string>() == t.entry.pipeline && u[1].as<std::string>() == t.entry.id)
          t.uptime = Uptime{num(u[2]), num(u[3]), num(u[4])};
    }
  }
  tx.commit();
  return {std::move(out), total};
}

std::optional<TargetRow> find_target(pqxx::connection& c, const std::string& schema, const std::string& id,
                                     const std::optional<std::string>& owner) {
  pqxx::work tx(c);
  std::string sql = select_from(schema) + " WHERE c.id = " + tx.quote(id);
  if (owner) sql += " AND c.owner = " + tx.quote(*owner);
  auto rows = tx.exec(sql);
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return row_of(rows[0]);
}

}  // namespace watchpost::api
