// Alert state in PostgreSQL's `alerts` table (migration 6): what fires is the row without
// ended_at, one per (pipeline, rule, target); every fire and resolve stays as history. Shared
// by the writers of a fleet, so the one that takes over a partition reads its alerts back.
// Built into the binary, not the core library (which does not link libpq).
#pragma once

#include "alert_store.hpp"

#include <pqxx/connection>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace watchpost {

// `pg_options`: the pg_sink block's (dsn, schema, TLS). Connects at first use, so a writer
// starts while its database is down.
std::unique_ptr<AlertStore> postgres_alert_store(const std::string& pipeline, const OptionList& pg_options);

// For `watchpost alerts`: rows of the table, firing ones first, then the `history` most
// recent resolved ones. `acknowledged_at_us` 0: not acknowledged.
struct AlertRow {
  AlertRecord alert;  // state, rule, target_id, severity, summary, value, url, labels, node, times
  int64_t acknowledged_at_us = 0;
  std::string acknowledged_by;
};
std::vector<AlertRow> read_alerts(pqxx::connection& c, const std::string& schema, size_t history);

}  // namespace watchpost
