#!/usr/bin/env bash
# The fleet on one machine (docs/fleet.md): targets in the PostgreSQL catalogue, published to
# the catalogue topic; two checker processes of one region split them through a Kafka
# consumer group; a writer stores every result. At the end: which checker checked what.
set -euo pipefail
build=${1:-build}
seconds=${DEMO_SECONDS:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
run=$build/demo-fleet
source "$here/scripts/demo_lib.sh"
demo_start watchpost.targets:6 watchpost.results:4 watchpost.results.dead:1
target=$DEMO_TARGET
wp="$build/bin/watchpost"

echo "== the catalogue: 12 targets in PostgreSQL (watchpost targets add)"
for i in $(seq 1 12); do
  "$wp" targets add --id "site-$i" --url "$target/text/site-$i" --interval 5s > /dev/null 2>&1 ||
    "$wp" targets update --id "site-$i" --url "$target/text/site-$i" --interval 5s > /dev/null
done
echo "== the publisher: watchpost targets publish (catalogue -> topic watchpost.targets)"
"$wp" targets publish --brokers "$KAFKA_BROKERS"

for name in checker-a checker-b; do
  echo "== $name: examples/fleet/checker.yaml (kafka_targets -> http -> kafka_sink); log in $run/$name.log"
  WATCHPOST_NODE=$name WATCHPOST_REGION=local WATCHPOST_SPOOL_DIR="$(cd "$run" && pwd)/spool-$name" \
    "$wp" run "$here/examples/fleet/checker.yaml" --log-format json > "$run/$name.log" 2>&1 &
  pids+=($!)
done
echo "== writer: examples/writer.yaml (kafka_source -> pg_sink), ${seconds}s"
echo
WATCHPOST_SPOOL_DIR="$(cd "$run" && pwd)/spool-writer" \
  "$wp" run "$here/examples/writer.yaml" --for "${seconds}s" --log-format human
echo
echo "== who checked what in the last 10 s (from check_results): each target by one checker"
echo "   (at the start the first checker holds every partition until the second joins)"
psql "$WATCHPOST_DSN" -X -q -c "SELECT node, region, count(DISTINCT target_id) AS targets, count(*) AS checks,
  string_agg(DISTINCT target_id, ' ' ORDER BY target_id) AS which
  FROM watchpost.check_results WHERE scheduled_at > now() - interval '10 seconds'
  GROUP BY node, region ORDER BY node"
