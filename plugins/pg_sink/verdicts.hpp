// Quorum verdicts across regions (docs/fleet.md). Every region checks every target in the
// same slot; the writer that stores a slot's results recomputes that slot's verdict from all
// the regional results PostgreSQL holds for it: down when at least `quorum` regions say down,
// degraded when some do but fewer, up when none do, unknown when no region could tell. A
// region with no result for the slot is listed as missing, never counted as down. The state
// is the tables themselves, so it survives restarts and a partition moving to another writer.
#pragma once

#include <watchpost/plugin.hpp>

#include <pqxx/transaction_base>

#include <string>
#include <vector>

namespace watchpost::pg {

struct VerdictPolicy {
  int64_t quorum = 0;                // 0: no verdicts
  std::vector<std::string> regions;  // the regions expected to report each slot
  bool enabled() const { return quorum > 0; }
};

// Throws OptionError for a policy that cannot decide (no regions, quorum above their count).
VerdictPolicy verdict_policy(const Options& options);

// Creates the session's temporary table; once per connection.
void prepare_verdicts(pqxx::transaction_base& tx);

// Recomputes the verdict of every (pipeline, target, slot) the batch holds a regional result
// for, inside the batch's transaction (after its rows are in check_results).
void update_verdicts(pqxx::transaction_base& tx, const std::string& schema, const VerdictPolicy& policy,
                     const Batch& batch);

}  // namespace watchpost::pg
