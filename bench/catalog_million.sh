#!/usr/bin/env bash
# A million rows in the target catalogue (pg_targets) on the no-op probe: how long until the
# pipeline holds every one, resident memory, and how fast a change made then is applied.
# Prints a table and writes bench/results/catalog_million.json. Limits (issue 12): the load
# within 15 s, RSS <= 1 GiB.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
chmod 755 "$dir"  # PostgreSQL runs as its own user and must reach its folder inside
source "$here/lib.sh"
trap bench_cleanup EXIT
dsn=$("$here/../scripts/dev-postgres.sh" start "$dir/postgres" | sed -n 's|^dsn ||p')
"$build/bin/watchpost" targets list --dsn "$dsn" > /dev/null   # creates the schema
# Loaded with the notification trigger off: nobody listens yet, and a million notifications
# would only slow the load.
psql "$dsn" -q -v ON_ERROR_STOP=1 <<SQL
ALTER TABLE watchpost.target_catalog DISABLE TRIGGER target_catalog_notify;
INSERT INTO watchpost.target_catalog (id, pipeline, url, interval_ms, options)
  SELECT 'target-' || n, 'million', 'http://127.0.0.1/' || n, 60000, '{"name": "n"}' FROM generate_series(1, 1000000) AS n;
ALTER TABLE watchpost.target_catalog ENABLE TRIGGER target_catalog_notify;
SQL
port=$(free_port 19400)
cat > "$dir/catalog.yaml" <<YAML
admin: {listen: "127.0.0.1:$port", target_series_limit: 0}
pipelines:
  - name: million
    concurrency: 100000
    probe: {plugin: cprobe, interval: 60s}
    targets: {plugin: pg_targets, dsn: "$dsn"}
    sinks: [{plugin: chaos, batch_size: 5000}]
YAML
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
start=$(date +%s.%N)
${WRAP:-} "$build/bin/watchpost" run "$dir/catalog.yaml" --plugin-dir "$build/test-plugins" --log-format human > "$dir/out.log" 2>&1 &
pid=$!
pids+=("$pid")
max_rss=0
until [ "$(metric 'watchpost_catalog_targets{pipeline="million"}')" = "1000000" ] 2>/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$dir/out.log"; exit 1; }
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status); [ "$rss" -gt "$max_rss" ] && max_rss=$rss
  sleep 0.1
done
loaded=$(date +%s.%N)
# A change to one row of the million, timed from its commit to the pipeline applying it.
before=$(metric 'watchpost_catalog_changes_total{pipeline="million",change="updated"}'); before=${before:-0}
t0=$(date +%s.%N)
psql "$dsn" -q -c "UPDATE watchpost.target_catalog SET interval_ms = 120000 WHERE id = 'target-500000'"
until [ "$(metric 'watchpost_catalog_changes_total{pipeline="million",change="updated"}')" = "$((before + 1))" ] 2>/dev/null; do sleep 0.01; done
t1=$(date +%s.%N)
for _ in $(seq 10); do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status); [ "$rss" -gt "$max_rss" ] && max_rss=$rss
  sleep 1
done
load_s=$(awk "BEGIN {print $loaded - $start}")
change_ms=$(awk "BEGIN {print ($t1 - $t0) * 1000}")
rss_mib=$((max_rss / 1024))
printf "%-34s %s\n" "rows" "1000000 (pipeline million, no-op probe)"
printf "%-34s %.1f s (limit 15)\n" "start to every row loaded" "$load_s"
printf "%-34s %d MiB (limit 1024)\n" "peak resident memory" "$rss_mib"
printf "%-34s %.0f ms\n" "one row changed -> applied" "$change_ms"
echo "{\"rows\":1000000,\"load_s\":$load_s,\"peak_rss_mib\":$rss_mib,\"change_applied_ms\":$change_ms}" > "$here/results/catalog_million.json"
