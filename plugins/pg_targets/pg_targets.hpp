// pg_targets: a pipeline's targets from the catalogue table in PostgreSQL. A full snapshot at
// start, after every reconnection and every resync_interval; in between, LISTEN/NOTIFY names
// the rows that changed and only those are read again.
#pragma once

#include "conninfo.hpp"

#include <watchpost/plugin.hpp>

#include <pqxx/connection>

#include <chrono>
#include <memory>
#include <set>
#include <string>

namespace watchpost::pg {

class PgTargets final : public TargetsProvider {
 public:
  PgTargets(const Host& host, const Options& options);
  ~PgTargets() override;
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);

  Status poll(TargetEmitter& emit, uint32_t timeout_ms) override;

 private:
  class Receiver;
  void connect();
  void disconnect();
  void snapshot(TargetEmitter& emit);
  void changed(TargetEmitter& emit);
  std::string select_sql() const;

  Host host_;
  Conninfo conninfo_;
  std::string schema_;
  std::string pipeline_;
  std::chrono::milliseconds resync_interval_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<Receiver> receiver_;
  std::set<std::string> pending_;  // ids notified and not yet read
  bool need_snapshot_ = true;
  std::chrono::steady_clock::time_point last_snapshot_{};
};

}  // namespace watchpost::pg
