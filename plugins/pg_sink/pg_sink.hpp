// Stores results in PostgreSQL: each batch is COPYed into check_results (or, when some of its
// rows are there already, through a staging table that skips them: the same batch twice
// stores once), and the latest status per target updated — all in one transaction,
// acknowledged after commit.
//
// Runs on the sink thread the core gives it (libpqxx blocks). When PostgreSQL is away, write
// answers RETRY and reconnects next time; results wait in the core's queue meanwhile.
#pragma once

#include "conninfo.hpp"
#include "latest_status.hpp"
#include "verdicts.hpp"

#include <watchpost/plugin.hpp>

#include <chrono>
#include <memory>
#include <set>

#include <pqxx/connection>
#include <pqxx/transaction>
#include <pqxx/transaction_base>

namespace watchpost::pg {

class PgSink final : public Sink {
 public:
  PgSink(const Host& host, const Options& options);
  ~PgSink() override;
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status write(const Batch& batch) override;

  static Conninfo conninfo(const Options& options);

 private:
  void connect();
  void ensure_partitions(pqxx::transaction_base& tx, const std::set<int64_t>& days);
  void apply_retention();
  bool insert_if_all_new(pqxx::work& tx, const Batch& batch, std::vector<LatestRow>& latest);

  Host host_;
  Conninfo conninfo_;
  std::string schema_;
  int64_t retention_days_;
  VerdictPolicy verdicts_;
  std::unique_ptr<pqxx::connection> conn_;
  std::set<int64_t> known_days_;  // daily partitions this connection has ensured
  std::chrono::steady_clock::time_point next_retention_{};
};

}  // namespace watchpost::pg
