#include "postgres_alert_store.hpp"

#include "connection_options.hpp"
#include "migrations.hpp"
#include "plugins/host.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <stdexcept>
#include <type_traits>

namespace watchpost {

namespace {

const char* kColumns =
    "rule, target_id, pipeline, severity, summary, value, url, labels::text, node, "
    "(extract(epoch from started_at) * 1000000)::bigint, (extract(epoch from last_slot) * 1000000)::bigint, "
    "coalesce((extract(epoch from ended_at) * 1000000)::bigint, 0), '', '', coalesce((extract(epoch from acknowledged_at) * 1000000)::bigint, 0), "
    "coalesce(acknowledged_by, '')";

AlertRow row_of(const pqxx::row& r) {
  AlertRow out;
  AlertRecord& a = out.alert;
  a.rule = r[0].as<std::string>();
  a.target_id = r[1].as<std::string>();
  a.pipeline = r[2].as<std::string>();
  a.severity = r[3].as<std::string>();
  a.summary = r[4].as<std::string>();
  a.value = r[5].as<std::string>();
  a.url = r[6].as<std::string>();
  auto labels = nlohmann::json::parse(r[7].as<std::string>(), nullptr, false);
  if (labels.is_object())
    for (auto& [k, v] : labels.items())
      if (v.is_string()) a.labels.emplace_back(k, v.get<std::string>());
  a.node = r[8].as<std::string>();
  a.started_at_us = r[9].as<int64_t>();
  int64_t ended = r[11].as<int64_t>();
  a.state = ended ? WP_ALERT_RESOLVED : WP_ALERT_FIRING;
  a.ended_at_us = ended ? ended : r[10].as<int64_t>();  // firing: the newest slot judged (AlertStore::firing)
  a.alert_id = a.pipeline + "/" + a.rule + "/" + a.target_id;
  out.acknowledged_at_us = r[14].as<int64_t>();
  out.acknowledged_by = r[15].as<std::string>();
  return out;
}

std::string ts(pqxx::transaction_base& tx, int64_t us) {
  return "(timestamptz 'epoch' + " + tx.quote(us) + " * interval '1 microsecond')";
}

class PostgresAlertStore : public AlertStore {
 public:
  PostgresAlertStore(std::string pipeline, const OptionList& options)
      : pipeline_(std::move(pipeline)), host_context_(pipeline_ + "/alerts") {
    OptionsView view(options);
    Options o(view.get());
    conninfo_ = pg::conninfo_from(o);
    schema_ = o.string("schema", "watchpost");
  }

  std::vector<AlertRecord> firing(const std::vector<std::string>* targets) override {
    return run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      std::string sql = std::string("SELECT ") + kColumns + pg::with_schema(" FROM {schema}.alerts", schema_) +
                        " WHERE ended_at IS NULL AND pipeline = " + tx.quote(pipeline_);
      if (targets) {
        if (targets->empty()) return std::vector<AlertRecord>{};
        sql += " AND target_id = ANY(ARRAY[";
        for (size_t i = 0; i < targets->size(); ++i) sql += (i ? "," : "") + tx.quote((*targets)[i]);
        sql += "]::text[])";
      }
      std::vector<AlertRecord> out;
      for (auto row : tx.exec(sql)) out.push_back(row_of(row).alert);
      tx.commit();
      return out;
    });
  }

  void commit(const std::vector<AlertRecord>& changes, const std::vector<AlertRecord>&) override {
    run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      const std::string table = pg::with_schema("{schema}.alerts", schema_);
      for (auto& e : changes) {
        std::string key = "pipeline = " + tx.quote(e.pipeline) + " AND rule = " + tx.quote(e.rule) +
                          " AND target_id = " + tx.quote(e.target_id) + " AND ended_at IS NULL";
        if (e.state == WP_ALERT_FIRING) {
          nlohmann::json labels = nlohmann::json::object();
          for (auto& [k, v] : e.labels) labels[k] = v;
          // A fire that is already there (a crash between this and the outbox, replayed) stays one row.
          tx.exec("INSERT INTO " + table +
                  " (pipeline, rule, target_id, severity, summary, value, url, labels, node, started_at, last_slot) "
                  "VALUES (" + tx.quote(e.pipeline) + ", " + tx.quote(e.rule) + ", " + tx.quote(e.target_id) + ", " +
                  tx.quote(e.severity) + ", " + tx.quote(e.summary) + ", " + tx.quote(e.value) + ", " +
                  tx.quote(e.url) + ", " + tx.quote(labels.dump()) + "::jsonb, " + tx.quote(e.node) + ", " +
                  ts(tx, e.started_at_us) + ", " + ts(tx, e.started_at_us) +
                  ") ON CONFLICT (pipeline, rule, target_id) WHERE ended_at IS NULL DO NOTHING");
        } else {
          tx.exec("UPDATE " + table + " SET ended_at = " + ts(tx, e.ended_at_us) + ", last_slot = " +
                  ts(tx, e.ended_at_us) + ", resolved_summary = " + tx.quote(e.summary) +
                  ", resolved_value = " + tx.quote(e.value) + " WHERE " + key);
        }
      }
      tx.commit();
    });
  }

  bool shared() const override { return true; }
  std::string where() const override {
    return "PostgreSQL (" + conninfo_.display + ") table " + schema_ + ".alerts";
  }

 private:
  template <typename F>
  std::invoke_result_t<F, pqxx::connection&> run(F&& f) {
    try {
      if (!conn_) conn_ = pg::connect_and_migrate(conninfo_, schema_, Host(host_context_.get()));
      return f(*conn_);
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      throw std::runtime_error(std::string("alert state: ") + e.what());
    } catch (const pqxx::sql_error& e) {
      conn_.reset();  // a fresh session for the retry
      throw std::runtime_error(std::string("alert state: ") + e.what());
    }
  }

  std::string pipeline_;
  HostContext host_context_;
  pg::Conninfo conninfo_;
  std::string schema_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

std::unique_ptr<AlertStore> postgres_alert_store(const std::string& pipeline, const OptionList& pg_options) {
  return std::make_unique<PostgresAlertStore>(pipeline, pg_options);
}

std::vector<AlertRow> read_alerts(pqxx::connection& c, const std::string& schema, size_t history) {
  pqxx::work tx(c);
  std::vector<AlertRow> out;
  for (auto row : tx.exec(std::string("SELECT ") + kColumns + pg::with_schema(" FROM {schema}.alerts", schema) +
                          " WHERE ended_at IS NULL ORDER BY started_at, pipeline, rule, target_id"))
    out.push_back(row_of(row));
  for (auto row : tx.exec(std::string("SELECT ") + kColumns + pg::with_schema(" FROM {schema}.alerts", schema) +
                          " WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT " + std::to_string(history)))
    out.push_back(row_of(row));
  tx.commit();
  return out;
}

}  // namespace watchpost
