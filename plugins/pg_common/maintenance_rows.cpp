#include "maintenance_rows.hpp"

#include "migrations.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace watchpost::pg {

namespace {

const char* const kColumns =
    "name, owner, schedule, duration_ms, (extract(epoch from starts_at) * 1000000)::bigint, "
    "(extract(epoch from ends_at) * 1000000)::bigint, timezone, array_to_json(target_ids)::text, labels::text, comment";

std::string table(const std::string& schema) { return with_schema("{schema}.maintenance_windows", schema); }

WindowRow row_of(const pqxx::row& r) {
  auto text = [&](int i) { return r[i].is_null() ? std::nullopt : std::optional<std::string>(r[i].c_str()); };
  auto number = [&](int i) { return r[i].is_null() ? std::nullopt : std::optional<int64_t>(r[i].as<int64_t>()); };
  WindowRow w;
  w.name = r[0].c_str();
  w.owner = text(1);
  w.schedule = text(2);
  w.duration_ms = number(3);
  w.starts_at_us = number(4);
  w.ends_at_us = number(5);
  w.timezone = r[6].c_str();
  for (auto& id : nlohmann::json::parse(r[7].c_str())) w.target_ids.push_back(id.get<std::string>());
  w.labels_json = r[8].c_str();
  w.comment = text(9);
  return w;
}

}  // namespace

std::vector<WindowRow> list_windows(pqxx::connection& c, const std::string& schema,
                                    const std::optional<std::string>& owner) {
  pqxx::work tx(c);
  auto rows = tx.exec(std::string("SELECT ") + kColumns + " FROM " + table(schema) +
                      (owner ? " WHERE owner = " + tx.quote(*owner) : std::string()) + " ORDER BY name");
  tx.commit();
  std::vector<WindowRow> out;
  for (const auto& r : rows) out.push_back(row_of(r));
  return out;
}

std::optional<WindowRow> get_window(pqxx::connection& c, const std::string& schema, const std::string& name) {
  pqxx::work tx(c);
  auto rows = tx.exec(std::string("SELECT ") + kColumns + " FROM " + table(schema) + " WHERE name = " + tx.quote(name));
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return row_of(rows[0]);
}

bool insert_window(pqxx::connection& c, const std::string& schema, const WindowRow& w) {
  pqxx::work tx(c);
  auto opt = [&](const std::optional<std::string>& v) { return v ? tx.quote(*v) : std::string("NULL"); };
  auto num = [&](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("NULL"); };
  auto time = [&](const std::optional<int64_t>& us) {
    return us ? "to_timestamp(" + std::to_string(*us) + " / 1000000.0)" : std::string("NULL");
  };
  std::string ids = "ARRAY[";
  for (size_t i = 0; i < w.target_ids.size(); ++i) ids += (i ? "," : "") + tx.quote(w.target_ids[i]);
  ids += "]::text[]";
  auto rows = tx.exec("INSERT INTO " + table(schema) +
                      " (name, owner, schedule, duration_ms, starts_at, ends_at, timezone, target_ids, labels, comment) "
                      "VALUES (" + tx.quote(w.name) + ", " + opt(w.owner) + ", " + opt(w.schedule) + ", " +
                      num(w.duration_ms) + ", " + time(w.starts_at_us) + ", " + time(w.ends_at_us) + ", " +
                      tx.quote(w.timezone) + ", " + ids + ", " + tx.quote(w.labels_json) + "::jsonb, " + opt(w.comment) +
                      ") ON CONFLICT DO NOTHING RETURNING name");
  tx.commit();
  return !rows.empty();
}

bool remove_window(pqxx::connection& c, const std::string& schema, const std::string& name,
                   const std::optional<std::string>& owner) {
  pqxx::work tx(c);
  auto rows = tx.exec("DELETE FROM " + table(schema) + " WHERE name = " + tx.quote(name) +
                      (owner ? " AND owner = " + tx.quote(*owner) : std::string()) + " RETURNING name");
  tx.commit();
  return !rows.empty();
}

}  // namespace watchpost::pg
