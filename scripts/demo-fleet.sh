#!/usr/bin/env bash
# The fleet on one machine (docs/fleet.md): targets in the PostgreSQL catalogue, published to
# the catalogue topic; two checkers of region eu-west split them through a Kafka consumer
# group and one of us-east checks them all; a writer stores every result and judges each slot
# across the regions (quorum 2). At the end: who checked what, and the report with verdicts.
set -euo pipefail
build=${1:-build}
seconds=${DEMO_SECONDS:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
run=$build/demo-fleet
source "$here/scripts/demo_lib.sh"
demo_start watchpost.targets:6 watchpost.results:4 watchpost.results.dead:1
target=$DEMO_TARGET
wp="$build/bin/watchpost"

echo "== the catalogue: 12 targets in PostgreSQL (watchpost targets add), one of them broken"
for i in $(seq 1 12); do
  url="$target/text/site-$i"
  [ "$i" = 12 ] && url="$target/status/503"
  "$wp" targets add --id "site-$i" --url "$url" --interval 5s > /dev/null 2>&1 ||
    "$wp" targets update --id "site-$i" --url "$url" --interval 5s > /dev/null
done
echo "== the publisher: watchpost targets publish (catalogue -> topic watchpost.targets)"
"$wp" targets publish --brokers "$KAFKA_BROKERS"

# Two checkers in eu-west split the targets; one in us-east checks them all again.
for spec in checker-a:eu-west checker-b:eu-west checker-c:us-east; do
  name=${spec%%:*} region=${spec#*:}
  echo "== $name ($region): examples/fleet/checker.yaml (kafka_targets -> http -> kafka_sink); log in $run/$name.log"
  WATCHPOST_NODE=$name WATCHPOST_REGION=$region WATCHPOST_SPOOL_DIR="$(cd "$run" && pwd)/spool-$name" \
    "$wp" run "$here/examples/fleet/checker.yaml" --log-format json > "$run/$name.log" 2>&1 &
  pids+=($!)
done
echo "== writer: examples/fleet/writer.yaml (kafka_source -> pg_sink with quorum 2 of eu-west, us-east), ${seconds}s"
WATCHPOST_SPOOL_DIR="$(cd "$run" && pwd)/spool-writer" \
  "$wp" run "$here/examples/fleet/writer.yaml" --for "${seconds}s" --log-format json > "$run/writer.log" 2>&1
echo
echo "== who checked what in the last 10 s (from check_results): in eu-west each target by one"
echo "   of its two checkers, in us-east every target by its one checker"
psql "$WATCHPOST_DSN" -X -q -c "SELECT region, node, count(DISTINCT target_id) AS targets, count(*) AS checks,
  string_agg(DISTINCT target_id, ' ' ORDER BY target_id) AS which
  FROM watchpost.check_results WHERE scheduled_at > now() - interval '10 seconds'
  GROUP BY region, node ORDER BY region, node"
echo "== watchpost report --since $((seconds + 20))s: uptime per target, verdicts across regions, and by region"
"$wp" report --since "$((seconds + 20))s"
