#include "pg_targets.hpp"

#include "connection_options.hpp"
#include "migrations.hpp"
#include "catalog_entry.hpp"

#include <pqxx/pqxx>

namespace watchpost::pg {

// Collects the ids that notifications name; they are read in the next poll.
class PgTargets::Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel, std::set<std::string>& ids)
      : pqxx::notification_receiver(c, channel), ids_(ids) {}
  // An empty payload (a maintenance window changed) stands for every row: see `changed`.
  void operator()(const std::string& payload, int) override { ids_.insert(payload); }

 private:
  std::set<std::string>& ids_;
};

const std::vector<wp_option_spec>& PgTargets::options() {
  static const std::vector<wp_option_spec> specs = [] {
    auto specs = connection_options();
    specs.push_back(option("pipeline", WP_OPT_STRING, nullptr,
                           "Rows whose pipeline column is this (default: the name of the pipeline using the plugin)"));
    specs.push_back(option("resync_interval", WP_OPT_DURATION, "5m",
                           "A full read this often, the safety net under notifications"));
    return specs;
  }();
  return specs;
}

void PgTargets::validate(const Options& o) {
  validate_connection(o);
  if (o.integer("resync_interval", 300000) < 1000) throw OptionError("resync_interval", "must be at least 1s");
}

PgTargets::PgTargets(const Host& host, const Options& o)
    : host_(host),
      conninfo_(conninfo_from(o)),
      schema_(o.string("schema", "watchpost")),
      resync_interval_(o.integer("resync_interval", 300000)) {
  pipeline_ = o.string("pipeline");
  if (pipeline_.empty()) {
    // The core names the instance "PIPELINE/pg_targets".
    std::string name(host_.name());
    pipeline_ = name.substr(0, name.rfind('/'));
  }
  // No connection here: the pipeline starts even while PostgreSQL is down (the first poll
  // connects, and says so when it cannot).
}

PgTargets::~PgTargets() { disconnect(); }

void PgTargets::disconnect() {
  receiver_.reset();  // before its connection
  conn_.reset();
}

void PgTargets::connect() {
  conn_ = connect_and_migrate(conninfo_, schema_, host_);
  // Listening before the first read: a change made during the read is heard, not lost.
  receiver_ = std::make_unique<Receiver>(*conn_, "watchpost_catalog." + schema_, pending_);
  need_snapshot_ = true;
  host_.info("reading targets of pipeline '" + pipeline_ + "' from " + schema_ + ".target_catalog (" + conninfo_.display + ")");
}

std::string PgTargets::select_sql() const {
  return "SELECT " + entry_columns(schema_) + " FROM " + with_schema("{schema}.target_catalog", schema_);
}

namespace {

// What a row means to this pipeline: its target, or a removal (disabled, another
// pipeline's, or a row whose JSON columns cannot be read).
TargetChange change_of(const pqxx::row& r, const std::string& pipeline, Host& host) {
  CatalogEntry e;
  try {
    e = entry_from_row(r);
  } catch (const std::exception& ex) {
    std::string id = r[0].c_str();
    host.warn("target '" + id + "': " + ex.what());
    host.count("unreadable_rows");
    return TargetChange::remove(id);
  }
  if (!e.enabled || e.pipeline != pipeline) return TargetChange::remove(e.id);
  std::string error;
  std::string definition = entry_definition(e, error);
  if (!error.empty()) {
    host.warn("target '" + e.id + "': " + error);
    host.count("unreadable_rows");
    return TargetChange::remove(e.id);
  }
  return TargetChange::upsert(e.id, definition);
}

}  // namespace

void PgTargets::snapshot(TargetEmitter& emit) {
  pending_.clear();  // the snapshot reads every row as it is now
  pqxx::work tx(*conn_);
  // A cursor, so a million rows arrive in parts instead of all at once in memory.
  pqxx::icursorstream cursor(tx, select_sql() + " WHERE pipeline = " + tx.quote(pipeline_) + " AND enabled ORDER BY id",
                             "watchpost_catalog_snapshot", 10000);
  pqxx::result part;
  size_t rows = 0;
  while (cursor >> part) {
    std::vector<TargetChange> changes;
    changes.reserve(part.size());
    for (const auto& r : part) {
      auto c = change_of(r, pipeline_, host_);
      if (c.op == WP_TARGET_UPSERT) changes.push_back(std::move(c));
    }
    rows += part.size();
    emit.snapshot(changes, false);
  }
  tx.commit();
  emit.snapshot({}, true);
  need_snapshot_ = false;
  last_snapshot_ = std::chrono::steady_clock::now();
  host_.count("snapshots");
  host_.gauge("catalog_rows", static_cast<double>(rows));
}

void PgTargets::changed(TargetEmitter& emit) {
  if (pending_.count("")) {
    // A maintenance window changed: which rows it chooses is for the catalogue to say again.
    need_snapshot_ = true;
    pending_.clear();
    return;
  }
  while (!pending_.empty()) {
    // At most 1,000 ids a query: a big transaction's changes arrive in a few reads.
    std::vector<std::string> ids;
    for (auto it = pending_.begin(); it != pending_.end() && ids.size() < 1000;) {
      ids.push_back(*it);
      it = pending_.erase(it);
    }
    pqxx::work tx(*conn_);
    std::string list;
    for (auto& id : ids) list += (list.empty() ? "" : ",") + tx.quote(id);
    pqxx::result rows = tx.exec(select_sql() + " WHERE id IN (" + list + ")");
    tx.commit();
    std::set<std::string> found;
    std::vector<TargetChange> changes;
    for (const auto& r : rows) {
      found.insert(r[0].c_str());
      changes.push_back(change_of(r, pipeline_, host_));
    }
    for (auto& id : ids)
      if (!found.count(id)) changes.push_back(TargetChange::remove(id));  // deleted
    emit.changes(changes);
    host_.count("changes_read", static_cast<double>(changes.size()));
  }
}

Status PgTargets::poll(TargetEmitter& emit, uint32_t timeout_ms) {
  try {
    if (!conn_ || !conn_->is_open()) {
      disconnect();
      connect();
    }
    if (need_snapshot_ || std::chrono::steady_clock::now() - last_snapshot_ >= resync_interval_) {
      snapshot(emit);
      return Status::ok();
    }
    conn_->await_notification(static_cast<long>(timeout_ms / 1000), static_cast<long>(timeout_ms % 1000) * 1000);
    // More may follow at once from the same transaction: take what has arrived.
    conn_->get_notifs();
    changed(emit);
    return Status::ok();
  } catch (const pqxx::broken_connection& e) {
    disconnect();
    need_snapshot_ = true;  // what changed while we were away is only seen by reading it all
    std::string why = e.what();
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    if (why.rfind("cannot connect", 0) != 0) why = "lost the connection to PostgreSQL (" + conninfo_.display + "): " + why;
    return Status::retry(why);
  } catch (const std::exception& e) {
    disconnect();
    need_snapshot_ = true;
    return Status::retry(std::string("reading the target catalogue: ") + e.what());
  }
}

}  // namespace watchpost::pg
