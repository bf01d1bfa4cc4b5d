#include "pg_sink.hpp"

#include "verdicts.hpp"

#include "connection_options.hpp"

#include "copy_row.hpp"
#include "latest_status.hpp"
#include "migrations.hpp"

#include <pqxx/pqxx>

#include <cctype>
#include <functional>

namespace watchpost::pg {
namespace {

constexpr int64_t kDayUs = 86'400'000'000;

std::string day_text(int64_t day) {
  return timestamp_text(day * kDayUs).substr(0, 10);  // YYYY-MM-DD
}

bool transient(const pqxx::sql_error& e) {
  // Connection, transaction rollback (serialization, deadlock), resources, operator
  // intervention, system errors: worth retrying. Anything else is a fault in the data or the
  // schema that a retry cannot fix.
  const std::string& state = e.sqlstate();
  if (state.size() < 2) return true;
  std::string cls = state.substr(0, 2);
  return cls == "08" || cls == "40" || cls == "53" || cls == "55" || cls == "57" || cls == "58";
}

// The idempotent path: rows of the staging table not stored yet go in, and their summary
// per target goes to wp_latest. One multi-statement string, so one round trip.
const char* kInsertNewFromStagingSql = R"SQL(
WITH ins AS (
  INSERT INTO {schema}.check_results SELECT * FROM pg_temp.wp_staging
  ON CONFLICT (result_id, scheduled_at) DO NOTHING
  RETURNING pipeline, target_id, url, node, labels, outcome, http_status, total_us, error_kind, error_message,
            tls_days_left, scheduled_at, result_id, in_maintenance)
INSERT INTO pg_temp.wp_inserted SELECT * FROM ins;

WITH b AS (
  SELECT i.*,
         max(scheduled_at) FILTER (WHERE outcome = 'up') OVER (PARTITION BY pipeline, target_id) AS batch_last_up,
         max(scheduled_at) FILTER (WHERE outcome <> 'up') OVER (PARTITION BY pipeline, target_id) AS batch_last_down
  FROM pg_temp.wp_inserted i),
c AS (
  SELECT pipeline, target_id,
         count(*) FILTER (WHERE outcome <> 'up' AND (batch_last_up IS NULL OR scheduled_at > batch_last_up)) AS fails,
         bool_or(outcome = 'up') AS had_up
  FROM b GROUP BY pipeline, target_id)
INSERT INTO pg_temp.wp_latest
SELECT DISTINCT ON (b.pipeline, b.target_id)
       b.pipeline, b.target_id, b.url, b.node, b.labels, b.outcome, b.http_status, b.total_us, b.error_kind,
       b.error_message, b.tls_days_left, b.scheduled_at, b.result_id, b.batch_last_up, b.batch_last_down,
       c.fails, c.had_up, b.in_maintenance
FROM b JOIN c USING (pipeline, target_id)
ORDER BY b.pipeline, b.target_id, b.scheduled_at DESC;
)SQL";

// Latest status per target from wp_latest, whichever path filled it: one upsert. Only a
// newer check moves the latest status; a late, older one is history only. last_up_at is the
// batch's last up, so it is set exactly when the batch had one (and the count starts over).
const char* kUpdateTargetsSql = R"SQL(
INSERT INTO {schema}.targets AS t (pipeline, target_id, url, node, labels, outcome, http_status, total_us,
    error_kind, error_message, tls_days_left, consecutive_failures, last_checked_at, last_result_id,
    last_up_at, last_down_at, updated_at, in_maintenance)
SELECT pipeline, target_id, url, node, labels, outcome, http_status, total_us, error_kind, error_message,
       tls_days_left, fails, scheduled_at, result_id, batch_last_up, batch_last_down, now(), in_maintenance
FROM pg_temp.wp_latest
ON CONFLICT (pipeline, target_id) DO UPDATE SET
  url = excluded.url, node = excluded.node, labels = excluded.labels, outcome = excluded.outcome,
  http_status = excluded.http_status, total_us = excluded.total_us, error_kind = excluded.error_kind,
  error_message = excluded.error_message, tls_days_left = excluded.tls_days_left,
  consecutive_failures = CASE WHEN excluded.last_up_at IS NOT NULL THEN excluded.consecutive_failures
                              ELSE t.consecutive_failures + excluded.consecutive_failures END,
  last_checked_at = excluded.last_checked_at, last_result_id = excluded.last_result_id,
  last_up_at = coalesce(excluded.last_up_at, t.last_up_at),
  last_down_at = coalesce(excluded.last_down_at, t.last_down_at),
  updated_at = now(), in_maintenance = excluded.in_maintenance
WHERE t.last_checked_at < excluded.last_checked_at;
)SQL";

const char* kTempTablesSql = R"SQL(
CREATE TEMP TABLE IF NOT EXISTS wp_staging (LIKE {schema}.check_results INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS wp_inserted (
  pipeline text, target_id text, url text, node text, labels jsonb, outcome text, http_status smallint,
  total_us bigint, error_kind text, error_message text, tls_days_left integer, scheduled_at timestamptz,
  result_id char(26), in_maintenance boolean) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS wp_latest (
  pipeline text, target_id text, url text, node text, labels jsonb, outcome text, http_status smallint,
  total_us bigint, error_kind text, error_message text, tls_days_left integer, scheduled_at timestamptz,
  result_id char(26), batch_last_up timestamptz, batch_last_down timestamptz, fails bigint, had_up boolean,
  in_maintenance boolean) ON COMMIT DELETE ROWS;
)SQL";

// `meanwhile` runs once every row is sent and before the COPY's end is awaited: the client's
// own work there overlaps the server's on the rows still in flight.
void copy_results(pqxx::transaction_base& tx, const std::string& table, const Batch& batch,
                  const std::function<void()>& meanwhile = {}) {
  static const std::vector<std::string> columns = column_list(kCopyColumns);
  pqxx::stream_to copy(tx, table, columns);
  CopyRow row;
  for (size_t i = 0; i < batch.size(); ++i) {
    fill_copy_row(row, batch[i]);
    copy << row.fields;
  }
  if (meanwhile) meanwhile();
  copy.complete();
}

}  // namespace

const std::vector<wp_option_spec>& PgSink::options() {
  static const std::vector<wp_option_spec> specs = [] {
    auto specs = connection_options();
    specs.insert(specs.begin() + 2, option("retention", WP_OPT_DURATION, "30d",
                                           "Daily partitions of check_results older than this are dropped; 0 keeps all"));
    specs.push_back(option("quorum", WP_OPT_INT, "0",
                           "Regions that must say down for a slot's verdict to be down (fewer: degraded); 0: no verdicts"));
    specs.push_back(option("regions", WP_OPT_STRING_LIST, nullptr,
                           "The regions expected to check every slot; one with no result is listed as missing"));
    return specs;
  }();
  return specs;
}

Conninfo PgSink::conninfo(const Options& o) { return conninfo_from(o); }

void PgSink::validate(const Options& o) {
  validate_connection(o);
  verdict_policy(o);
}

PgSink::PgSink(const Host& host, const Options& o)
    : host_(host),
      conninfo_(conninfo(o)),
      schema_(o.string("schema", "watchpost")),
      retention_days_(o.integer("retention", 30LL * 86'400'000) / 86'400'000),
      verdicts_(verdict_policy(o)) {
  // No connection here: the pipeline starts even while PostgreSQL is down, and the first
  // write connects (and migrates) when it can.
}

PgSink::~PgSink() = default;

void PgSink::connect() {
  known_days_.clear();
  conn_.reset();
  conn_ = connect_and_migrate(conninfo_, schema_, host_);
  pqxx::nontransaction n(*conn_);
  n.exec(with_schema(kTempTablesSql, schema_));
  if (verdicts_.enabled()) prepare_verdicts(n);
  host_.info("connected to PostgreSQL (" + conninfo_.display + ")");
}

void PgSink::ensure_partitions(pqxx::transaction_base& tx, const std::set<int64_t>& days) {
  bool locked = false;
  for (int64_t day : days) {
    if (known_days_.count(day)) continue;
    if (!locked) {  // writers starting together must not race on CREATE TABLE
      tx.exec("SELECT pg_advisory_xact_lock(hashtext('watchpost.partitions:' || " + tx.quote(schema_) + "))");
      locked = true;
    }
    std::string from = day_text(day), to = day_text(day + 1);
    std::string name = "check_results_p" + from.substr(0, 4) + from.substr(5, 2) + from.substr(8, 2);
    tx.exec(with_schema("CREATE TABLE IF NOT EXISTS {schema}.\"" + name + "\" PARTITION OF {schema}.check_results " +
                            "FOR VALUES FROM ('" + from + " 00:00:00+00') TO ('" + to + " 00:00:00+00')",
                        schema_));
  }
}

void PgSink::apply_retention() {
  auto now = std::chrono::steady_clock::now();
  if (retention_days_ <= 0 || now < next_retention_) return;
  next_retention_ = now + std::chrono::hours(1);
  pqxx::work w(*conn_);
  auto rows = w.exec(with_schema(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
      "WHERE p.relname = 'check_results' AND n.nspname = " + w.quote(schema_) +
          " AND c.relname < 'check_results_p' || to_char(now() AT TIME ZONE 'UTC' - make_interval(days => " +
          std::to_string(retention_days_) + "), 'YYYYMMDD') ORDER BY 1",
      schema_));
  for (auto row : rows) {
    std::string name = row[0].as<std::string>();
    w.exec(with_schema("DROP TABLE IF EXISTS {schema}.\"" + name + "\"", schema_));
    host_.info("retention: dropped partition " + name);
    host_.count("partitions_dropped");
  }
  w.commit();
}

// The common case first: a batch none of whose rows is stored yet goes straight into
// check_results with one COPY, as fast as PostgreSQL takes rows. A redelivered batch (after
// a crash or a lost commit) hits the primary key; the savepoint is rolled back and the batch
// takes the staging path, which skips the rows already there.
bool PgSink::insert_if_all_new(pqxx::work& tx, const Batch& batch, std::vector<LatestRow>& latest) {
  pqxx::subtransaction sub(tx, "all_new");
  try {
    copy_results(sub, "\"" + schema_ + "\".check_results", batch, [&] { latest = latest_per_target(batch); });
    sub.commit();
    return true;
  } catch (const pqxx::unique_violation&) {
    sub.abort();
    host_.count("redelivered_batches");
    return false;
  }
}

Status PgSink::write(const Batch& batch) {
  try {
    if (!conn_ || !conn_->is_open()) connect();
    std::set<int64_t> days;
    for (size_t i = 0; i < batch.size(); ++i) days.insert(batch[i].scheduled_at_us / kDayUs);
    pqxx::work tx(*conn_);
    ensure_partitions(tx, days);
    size_t stored = batch.size();
    std::vector<LatestRow> latest;
    if (insert_if_all_new(tx, batch, latest)) {
      static const std::vector<std::string> columns = column_list(kLatestColumns);
      pqxx::stream_to copy(tx, "pg_temp.wp_latest", columns);
      for (const LatestRow& row : latest) copy << row.fields;
      copy.complete();
    } else {
      copy_results(tx, "pg_temp.wp_staging", batch);
      tx.exec(with_schema(kInsertNewFromStagingSql, schema_));
      // Only what was new counts as written; the rest were stored by an earlier delivery.
      stored = tx.exec("SELECT count(*) FROM pg_temp.wp_inserted")[0][0].as<size_t>();
    }
    tx.exec(with_schema(kUpdateTargetsSql, schema_));
    if (verdicts_.enabled()) update_verdicts(tx, schema_, verdicts_, batch);
    tx.commit();
    known_days_.insert(days.begin(), days.end());
    host_.count("rows_written", static_cast<double>(stored));
    if (stored < batch.size()) host_.count("rows_already_stored", static_cast<double>(batch.size() - stored));
    apply_retention();
    return Status::ok();
  } catch (const pqxx::broken_connection& e) {
    conn_.reset();
    host_.count("connection_errors");
    std::string why = e.what();
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    // Say what is down: libpq's own words for a dropped connection name no server.
    if (why.rfind("cannot connect", 0) != 0) why = "lost the connection to PostgreSQL (" + conninfo_.display + "): " + why;
    return Status::retry(why);
  } catch (const pqxx::in_doubt_error& e) {
    // The commit may or may not have happened: retrying is safe, result ids make it idempotent.
    conn_.reset();
    return Status::retry(std::string("commit in doubt, retrying (idempotent): ") + e.what());
  } catch (const pqxx::sql_error& e) {
    host_.count("sql_errors");
    if (transient(e)) {
      if (e.sqlstate().rfind("08", 0) == 0 || e.sqlstate().rfind("57", 0) == 0) conn_.reset();
      return Status::retry("PostgreSQL (" + conninfo_.display + "): " + e.what());
    }
    return Status::error("PostgreSQL refused the batch (SQLSTATE " + e.sqlstate() + "): " + e.what());
  } catch (const std::exception& e) {
    conn_.reset();
    return Status::retry("PostgreSQL (" + conninfo_.display + ") is not reachable: " + e.what());
  }
}

}  // namespace watchpost::pg
