// Where an alert stage keeps what fires and what fired: files in the spool folder, or the
// `alerts` table in PostgreSQL when the pipeline stores its results there (docs/alerting.md).
#pragma once

#include "alert_record.hpp"
#include "config/options.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace watchpost {

class AlertStore {
 public:
  virtual ~AlertStore() = default;
  // The alerts firing now (state firing; rule, target_id, started_at_us, value, url, labels
  // and last_slot in ended_at_us): every one of the pipeline's when `targets` is null, else
  // those of the targets listed. Throws std::runtime_error when the store cannot be read.
  virtual std::vector<AlertRecord> firing(const std::vector<std::string>* targets) = 0;
  // Records fires and resolves, in order, and (for stores that keep it whole) the firing set
  // after them. Throws std::runtime_error when it cannot: the batch is then retried.
  virtual void commit(const std::vector<AlertRecord>& changes, const std::vector<AlertRecord>& firing_now) = 0;
  // True when other nodes write it too (writers sharing partitions): the engine then reads the
  // targets of each batch back before judging it, so a partition that moved brings its alerts.
  virtual bool shared() const = 0;
  // For the log: where the state is kept (never with a password).
  virtual std::string where() const = 0;
};

// SPOOL/alerts/PIPELINE.json (what fires, replaced atomically) and PIPELINE.history.jsonl
// (every fire and resolve, appended; the older half kept as .1 past `history_max_bytes`).
std::unique_ptr<AlertStore> file_alert_store(const std::string& spool_dir, const std::string& pipeline,
                                             size_t history_max_bytes = 4u << 20);

// What a node's spool folder says of its alerts (`watchpost alerts --spool`): every pipeline's
// firing alerts, and the resolves its history files hold (torn lines skipped). Throws
// std::runtime_error for a missing folder or a state file that is not one.
struct SpooledAlerts {
  std::vector<AlertRecord> firing, resolved;
};
SpooledAlerts read_spooled_alerts(const std::string& spool_dir);

// The PostgreSQL store lives beside the uptime report (the core library does not link libpq):
// the binary registers its maker at start. `pg_options` are the pipeline's pg_sink block's
// (dsn, schema, TLS). Without a maker, alert state stays in the spool folder.
using PostgresAlertStoreMaker =
    std::function<std::unique_ptr<AlertStore>(const std::string& pipeline, const OptionList& pg_options)>;
void register_postgres_alert_store(PostgresAlertStoreMaker maker);
const PostgresAlertStoreMaker& postgres_alert_store_maker();

}  // namespace watchpost
