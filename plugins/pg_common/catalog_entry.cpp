#include "catalog_entry.hpp"

#include "migrations.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace watchpost::pg {

std::string entry_definition(const CatalogEntry& e, std::string& error) {
  using nlohmann::json;
  json d;
  try {
    // Any other probe option (headers, ca_file, max_redirects...), under the columns.
    d = json::parse(e.options_json);
    if (!d.is_object()) {
      error = "options must be a JSON object";
      return {};
    }
    json labels = json::parse(e.labels_json);
    if (!labels.is_object()) {
      error = "labels must be a JSON object";
      return {};
    }
    json flat = json::object();
    for (auto& [k, v] : labels.items()) flat[k] = v.is_string() ? v.get<std::string>() : v.dump();
    if (!flat.empty()) d["labels"] = flat;
  } catch (const json::exception& ex) {
    error = std::string("a JSON column does not parse: ") + ex.what();
    return {};
  }
  d["url"] = e.url;
  if (e.interval_ms) d["interval"] = std::to_string(*e.interval_ms) + "ms";
  if (e.timeout_ms) d["timeout"] = std::to_string(*e.timeout_ms) + "ms";
  if (e.attempts) d["attempts"] = *e.attempts;
  if (e.method) d["method"] = *e.method;
  if (e.expected_status) d["expected_status"] = *e.expected_status;
  // A per-site pattern needs no YAML: the row's patterns become its evaluators (they replace
  // the pipeline's `evaluate` for this target).
  json evaluate = json::array();
  if (e.must_match) evaluate.push_back({{"plugin", "regex"}, {"pattern", *e.must_match}, {"mode", "must_match"}});
  if (e.must_not_match) evaluate.push_back({{"plugin", "regex"}, {"pattern", *e.must_not_match}, {"mode", "must_not_match"}});
  if (!evaluate.empty()) d["evaluate"] = evaluate;
  // The catalogue's maintenance windows that choose this row (docs/maintenance.md), as the
  // target's own `maintenance:` list: they travel with the definition to every checker.
  if (!e.maintenance_json.empty()) {
    json windows = json::parse(e.maintenance_json, nullptr, false);
    if (!windows.is_array()) {
      error = "its maintenance windows do not read as a JSON list";
      return {};
    }
    for (auto& w : windows)
      for (auto it = w.begin(); it != w.end();) it = it.value().is_null() ? w.erase(it) : std::next(it);
    // After the target's own (an imported target's `maintenance:` is kept in its options).
    if (!windows.empty() && d.contains("maintenance") && d["maintenance"].is_array())
      for (auto& w : windows) d["maintenance"].push_back(w);
    else if (!windows.empty())
      d["maintenance"] = windows;
  }
  d.erase("id");  // the row's id is the id
  return d.dump();
}

std::string entry_columns(const std::string& schema, const std::string& alias) {
  std::string a = alias.empty() ? "" : alias + ".";
  std::string row = alias.empty() ? "target_catalog." : a;
  // The windows that choose the row: those listing it (or none), whose labels it has, of its
  // owner or the operator's. NULL when there are none.
  std::string windows = with_schema(
      "(SELECT json_agg(json_build_object('name', w.name, 'schedule', w.schedule, 'duration', "
      "w.duration_ms::text || 'ms', 'start', to_char(w.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "'end', to_char(w.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'timezone', w.timezone) "
      "ORDER BY w.name)::text FROM {schema}.maintenance_windows w WHERE (cardinality(w.target_ids) = 0 OR " + row +
          "id = ANY (w.target_ids)) AND " + row + "labels @> w.labels AND (w.owner IS NULL OR w.owner = " + row +
          "owner))",
      schema);
  return a + "id, " + a + "pipeline, " + a + "url, " + a + "enabled, " + a + "interval_ms, " + a + "timeout_ms, " + a +
         "attempts, " + a + "method, array_to_json(" + a + "expected_status)::text, " + a + "must_match, " + a +
         "must_not_match, " + a + "labels::text, " + a + "options::text, " + a + "owner, " + windows;
}

CatalogEntry entry_from_row(const pqxx::row& r) {
  auto text = [&](int i) { return std::optional<std::string>(r[i].is_null() ? std::nullopt : std::optional<std::string>(r[i].c_str())); };
  auto number = [&](int i) { return r[i].is_null() ? std::nullopt : std::optional<int64_t>(r[i].as<int64_t>()); };
  CatalogEntry e;
  e.id = r[0].c_str();
  e.pipeline = r[1].c_str();
  e.url = r[2].c_str();
  e.enabled = r[3].as<bool>();
  e.interval_ms = number(4);
  e.timeout_ms = number(5);
  e.attempts = number(6);
  e.method = text(7);
  if (!r[8].is_null()) {
    std::vector<std::string> statuses;
    for (auto& s : nlohmann::json::parse(r[8].c_str())) statuses.push_back(s.is_string() ? s.get<std::string>() : s.dump());
    e.expected_status = statuses;
  }
  e.must_match = text(9);
  e.must_not_match = text(10);
  e.labels_json = r[11].c_str();
  e.options_json = r[12].c_str();
  e.owner = text(13);
  e.maintenance_json = text(14).value_or("");
  return e;
}

namespace {

std::string table(const std::string& schema) { return with_schema("{schema}.target_catalog", schema); }

// The values of every column but id, quoted for SQL, in entry_columns()' order.
std::vector<std::string> values(pqxx::transaction_base& tx, const CatalogEntry& e) {
  auto opt = [&](const std::optional<std::string>& v) { return v ? tx.quote(*v) : std::string("NULL"); };
  auto num = [&](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("NULL"); };
  std::string statuses = "NULL";
  if (e.expected_status) {
    statuses = "ARRAY[";
    for (size_t i = 0; i < e.expected_status->size(); ++i) statuses += (i ? "," : "") + tx.quote((*e.expected_status)[i]);
    statuses += "]::text[]";
  }
  return {tx.quote(e.pipeline), tx.quote(e.url), e.enabled ? "true" : "false", num(e.interval_ms), num(e.timeout_ms),
          num(e.attempts), opt(e.method), statuses, opt(e.must_match), opt(e.must_not_match),
          tx.quote(e.labels_json) + "::jsonb", tx.quote(e.options_json) + "::jsonb", opt(e.owner)};
}

const char* const kColumns[] = {"pipeline", "url", "enabled", "interval_ms", "timeout_ms", "attempts", "method",
                                "expected_status", "must_match", "must_not_match", "labels", "options", "owner"};

std::string insert_sql(pqxx::transaction_base& tx, const std::string& schema, const CatalogEntry& e) {
  std::string cols = "id", vals = tx.quote(e.id);
  auto v = values(tx, e);
  for (size_t i = 0; i < v.size(); ++i) {
    cols += std::string(", ") + kColumns[i];
    vals += ", " + v[i];
  }
  return "INSERT INTO " + table(schema) + " (" + cols + ") VALUES (" + vals + ")";
}

}  // namespace

std::optional<CatalogEntry> get_entry(pqxx::connection& c, const std::string& schema, const std::string& id) {
  pqxx::work tx(c);
  auto rows = tx.exec("SELECT " + entry_columns(schema) + " FROM " + table(schema) + " WHERE id = " + tx.quote(id));
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return entry_from_row(rows[0]);
}

std::vector<CatalogEntry> list_entries(pqxx::connection& c, const std::string& schema, const std::string& pipeline) {
  pqxx::work tx(c);
  auto rows = tx.exec("SELECT " + entry_columns(schema) + " FROM " + table(schema) +
                      (pipeline.empty() ? std::string() : " WHERE pipeline = " + tx.quote(pipeline)) + " ORDER BY pipeline, id");
  tx.commit();
  std::vector<CatalogEntry> out;
  for (const auto& r : rows) out.push_back(entry_from_row(r));
  return out;
}

bool insert_entry(pqxx::connection& c, const std::string& schema, const CatalogEntry& e) {
  pqxx::work tx(c);
  auto r = tx.exec(insert_sql(tx, schema, e) + " ON CONFLICT (id) DO NOTHING");
  tx.commit();
  return r.affected_rows() == 1;
}

void upsert_entry(pqxx::connection& c, const std::string& schema, const CatalogEntry& e) {
  pqxx::work tx(c);
  std::string set;
  for (const char* col : kColumns) set += std::string(set.empty() ? "" : ", ") + col + " = EXCLUDED." + col;
  tx.exec(insert_sql(tx, schema, e) + " ON CONFLICT (id) DO UPDATE SET " + set);
  tx.commit();
}

bool remove_entry(pqxx::connection& c, const std::string& schema, const std::string& id) {
  pqxx::work tx(c);
  auto r = tx.exec("DELETE FROM " + table(schema) + " WHERE id = " + tx.quote(id));
  tx.commit();
  return r.affected_rows() == 1;
}

}  // namespace watchpost::pg
