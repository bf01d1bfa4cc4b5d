#include "verdicts.hpp"

#include "copy_row.hpp"
#include "migrations.hpp"

#include <pqxx/stream_to>

#include <cstddef>
#include <set>
#include <tuple>

namespace watchpost::pg {

namespace {

const char* kRecomputeSql = R"SQL(
WITH agg AS (
  SELECT c.pipeline, c.target_id, c.scheduled_at,
         coalesce(array_agg(DISTINCT c.region) FILTER (WHERE c.outcome = 'up'), '{}') AS up,
         coalesce(array_agg(DISTINCT c.region) FILTER (WHERE c.outcome = 'down'), '{}') AS down,
         coalesce(array_agg(DISTINCT c.region) FILTER (WHERE c.outcome = 'unknown'), '{}') AS unknown,
         array_agg(DISTINCT c.region) AS reported,
         bool_or(c.in_maintenance) AS maintenance
  FROM {schema}.check_results c
  JOIN (SELECT DISTINCT pipeline, target_id, scheduled_at FROM pg_temp.wp_slots) k
    ON c.pipeline = k.pipeline AND c.target_id = k.target_id AND c.scheduled_at = k.scheduled_at
  WHERE c.region IS NOT NULL
  GROUP BY c.pipeline, c.target_id, c.scheduled_at)
INSERT INTO {schema}.verdicts AS v (pipeline, target_id, scheduled_at, verdict, quorum, regions_up, regions_down,
                                    regions_unknown, regions_missing, updated_at)
SELECT pipeline, target_id, scheduled_at,
       CASE WHEN maintenance THEN 'maintenance'
            WHEN cardinality(down) >= {quorum} THEN 'down'
            WHEN cardinality(down) > 0 THEN 'degraded'
            WHEN cardinality(up) > 0 THEN 'up'
            ELSE 'unknown' END,
       {quorum}, up, down, unknown,
       ARRAY(SELECT r FROM unnest({regions}) r WHERE r <> ALL (reported) ORDER BY r), now()
FROM agg
ON CONFLICT (pipeline, target_id, scheduled_at) DO UPDATE SET
  verdict = excluded.verdict, quorum = excluded.quorum, regions_up = excluded.regions_up,
  regions_down = excluded.regions_down, regions_unknown = excluded.regions_unknown,
  regions_missing = excluded.regions_missing, updated_at = excluded.updated_at;
)SQL";

std::string replace_all(std::string s, const std::string& token, const std::string& with) {
  for (size_t at = 0; (at = s.find(token, at)) != std::string::npos; at += with.size()) s.replace(at, token.size(), with);
  return s;
}

}  // namespace

VerdictPolicy verdict_policy(const Options& o) {
  VerdictPolicy p;
  p.quorum = o.integer("quorum", 0);
  p.regions = o.list("regions");
  if (p.quorum < 0) throw OptionError("quorum", "must be 0 (no verdicts) or more");
  if (p.quorum > 0 && p.regions.empty())
    throw OptionError("regions", "a quorum needs the regions expected to report (e.g. [eu-west, us-east, ap-south])");
  if (p.quorum > static_cast<int64_t>(p.regions.size()))
    throw OptionError("quorum", "is " + std::to_string(p.quorum) + " but only " + std::to_string(p.regions.size()) +
                                    " regions are listed: no slot could ever be down");
  return p;
}

void prepare_verdicts(pqxx::transaction_base& tx) {
  tx.exec("CREATE TEMP TABLE IF NOT EXISTS wp_slots (pipeline text, target_id text, scheduled_at timestamptz) "
          "ON COMMIT DELETE ROWS");
}

void update_verdicts(pqxx::transaction_base& tx, const std::string& schema, const VerdictPolicy& policy,
                     const Batch& batch) {
  std::set<std::tuple<std::string_view, std::string_view, int64_t>> slots;
  for (size_t i = 0; i < batch.size(); ++i) {
    const wp_result& r = batch[i];
    if (wp_result_region(&r).size > 0) slots.emplace(view(r.pipeline), view(r.target_id), r.scheduled_at_us);
  }
  if (slots.empty()) return;
  {
    pqxx::stream_to copy(tx, "pg_temp.wp_slots", std::vector<std::string>{"pipeline", "target_id", "scheduled_at"});
    for (auto& [pipeline, target, at] : slots)
      copy << std::make_tuple(std::string(pipeline), std::string(target), timestamp_text(at));
    copy.complete();
  }
  std::string regions = "ARRAY[";
  for (size_t i = 0; i < policy.regions.size(); ++i) regions += (i ? "," : "") + tx.quote(policy.regions[i]);
  regions += "]::text[]";
  std::string sql = replace_all(with_schema(kRecomputeSql, schema), "{quorum}", std::to_string(policy.quorum));
  tx.exec(replace_all(sql, "{regions}", regions));
}

}  // namespace watchpost::pg
