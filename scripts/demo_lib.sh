# What the demo scripts share: sourced, not run. The script sets `build`, `here` and `run`
# (its folder under the build tree) first; everything started is stopped at exit, and the
# demo's PostgreSQL with it.
pids=()
demo_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$here/scripts/dev-postgres.sh" stop "$run/postgres"
}
trap demo_cleanup EXIT

wait_for() {  # file, pattern: up to 60 s, since a first run on a new machine starts cold
  for _ in $(seq 1200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "demo: $1 never showed '$2' in 60 s" >&2; cat "$1" >&2
  local log="${1%.out}.log"; [ -f "$log" ] && { echo "--- $log:" >&2; cat "$log" >&2; }
  exit 1
}

# The local HTTP target and the dev Kafka broker with the topics given ("name:partitions"
# ...). Sets DEMO_TARGET and KAFKA_BROKERS, and WATCHPOST_DSN from a PostgreSQL of the demo's own.
demo_start() {
  mkdir -p "$run"
  "$build/bin/watchpost-target" > "$run/target.out" &
  pids+=($!)
  local topics=()
  for t in "$@"; do topics+=(--topic "$t"); done
  "$build/bin/watchpost-dev-broker" "${topics[@]}" > "$run/broker.out" 2> "$run/broker.err" &
  pids+=($!)
  wait_for "$run/target.out" listening
  wait_for "$run/broker.out" bootstrap
  export DEMO_TARGET=$(sed -n 's|^listening \(http://[^/]*\)/.*|\1|p' "$run/target.out")
  export KAFKA_BROKERS=$(sed -n 's|^bootstrap ||p' "$run/broker.out")
  # Assigned before it is exported: `export X=$(...)` would hide a failed start from set -e.
  local dsn
  dsn=$("$here/scripts/dev-postgres.sh" start "$run/postgres" | sed -n 's|^dsn ||p')
  [ -n "$dsn" ] || { echo "demo: PostgreSQL did not start (see $run/postgres)" >&2; exit 1; }
  export WATCHPOST_DSN=$dsn
  echo "== local target     $DEMO_TARGET"
  echo "== dev Kafka broker $KAFKA_BROKERS (mock cluster: development only)"
  echo "== PostgreSQL       ${WATCHPOST_DSN/password=demo/password=***} (data in $run/postgres)"
}
