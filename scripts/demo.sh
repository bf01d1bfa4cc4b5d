#!/usr/bin/env bash
# The demo: the classic architecture on one machine. A local HTTP target, PostgreSQL (in a
# folder of the build tree), the dev Kafka broker (librdkafka's mock cluster), a checker node
# (http -> regex -> kafka_sink) and a writer node (kafka_source -> pg_sink + stdout), as
# separate processes; after a while, `watchpost report` reads back what was stored.
set -euo pipefail
build=${1:-build}
seconds=${DEMO_SECONDS:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
run=$build/demo
mkdir -p "$run"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$here/scripts/dev-postgres.sh" stop "$run/postgres"
}
trap cleanup EXIT

wait_for() {  # file, pattern
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "demo: $1 never showed '$2'" >&2; cat "$1" >&2; exit 1
}

"$build/bin/watchpost-target" > "$run/target.out" &
pids+=($!)
"$build/bin/watchpost-dev-broker" --topic watchpost.results:4 --topic watchpost.results.dead:1 \
  > "$run/broker.out" 2> "$run/broker.err" &
pids+=($!)
wait_for "$run/target.out" listening
wait_for "$run/broker.out" bootstrap
export DEMO_TARGET=$(sed -n 's|^listening \(http://[^/]*\)/.*|\1|p' "$run/target.out")
export KAFKA_BROKERS=$(sed -n 's|^bootstrap ||p' "$run/broker.out")
export WATCHPOST_SPOOL_DIR=$(cd "$run" && pwd)/spool
# Assigned before it is exported: `export X=$(...)` would hide a failed start from set -e.
dsn=$("$here/scripts/dev-postgres.sh" start "$run/postgres" | sed -n 's|^dsn ||p')
[ -n "$dsn" ] || { echo "demo: PostgreSQL did not start (see $run/postgres)" >&2; exit 1; }
export WATCHPOST_DSN=$dsn
echo "== local target     $DEMO_TARGET"
echo "== dev Kafka broker $KAFKA_BROKERS (mock cluster: development only)"
echo "== PostgreSQL       ${WATCHPOST_DSN/password=demo/password=***} (data in $run/postgres)"
echo "== checker: examples/checker.yaml (http -> regex -> kafka_sink); log in $run/checker.log"
"$build/bin/watchpost" run "$here/examples/checker.yaml" --log-format json > "$run/checker.log" 2>&1 &
pids+=($!)
echo "== writer:  examples/writer.yaml  (kafka_source -> pg_sink, and stdout to watch), ${seconds}s"
echo
"$build/bin/watchpost" run "$here/examples/writer.yaml" --for "${seconds}s" --log-format human
echo
echo "== watchpost report --since 1h   (read back from PostgreSQL)"
"$build/bin/watchpost" report --since 1h
