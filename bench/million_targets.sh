#!/usr/bin/env bash
# A million targets at a 60 s interval on the no-op probe: resident memory, start-up time,
# and dispatch lateness p50/p99/max over a run (default 120 s). Prints a table and writes
# bench/results/million.json. The limits it is held to: RSS <= 1 GiB, p99 <= 50 ms.
set -euo pipefail
build=${1:-build}
seconds=${MILLION_SECONDS:-120}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
port=""
for p in $(seq 19400 19500); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { port=$p; break; }; done
cat > "$dir/million.yaml" <<YAML
admin: {listen: "127.0.0.1:$port", target_series_limit: 0}
pipelines:
  - name: million
    concurrency: 100000
    probe: {plugin: cprobe, interval: 60s}
    targets:
      - {id: "target-{n}", name: "n{n}", repeat: 1000000}
    sinks: [{plugin: chaos, batch_size: 5000}]
YAML
start=$(date +%s.%N)
"$build/bin/watchpost" run "$dir/million.yaml" --plugin-dir "$build/test-plugins" --log-format human \
  > "$dir/out.log" 2>&1 &
pid=$!
until grep -q "started with 1000000 targets" "$dir/out.log"; do
  kill -0 $pid 2>/dev/null || { cat "$dir/out.log"; exit 1; }
  sleep 0.05
done
ready=$(date +%s.%N)
max_rss=0
for _ in $(seq "$seconds"); do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  [ "$rss" -gt "$max_rss" ] && max_rss=$rss
  sleep 1
done
metrics=$(curl -s "http://127.0.0.1:$port/metrics")
kill -TERM $pid
wait $pid || true
echo "$metrics" | awk -v startup="$(awk "BEGIN {print $ready - $start}")" -v rss_kb="$max_rss" -v secs="$seconds" \
  -v out="$here/results/million.json" '
  /^watchpost_scheduler_lateness_seconds_bucket/ {
    match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5); n[++k] = $2; b[k] = le
  }
  /^watchpost_scheduler_lateness_seconds_count/ { total = $2 }
  /^watchpost_scheduler_lateness_max_seconds/ { max = $2 }
  /^watchpost_checks_total/ { checks += $2 }
  /^watchpost_scheduler_missed_slots_total/ { missed += $2 }
  END {
    for (i = 1; i <= k; i++) { if (!p50 && n[i] >= total * 0.5) p50 = b[i]; if (!p99 && n[i] >= total * 0.99) p99 = b[i] }
    printf "%-34s %s\n", "targets", "1000000 (interval 60 s, no-op probe)"
    printf "%-34s %.1f s\n", "start-up (to first dispatch)", startup
    printf "%-34s %.0f MiB (limit 1024)\n", "peak resident memory", rss_kb / 1024
    printf "%-34s %d (%.0f/s; 1,000,000 per 60 s = 16,667/s)\n", "checks dispatched", checks, checks / secs
    printf "%-34s <= %s s (bucket bound)\n", "dispatch lateness p50", p50
    printf "%-34s <= %s s (bucket bound; limit 0.05)\n", "dispatch lateness p99", p99
    printf "%-34s %.3f s\n", "dispatch lateness max", max
    printf "%-34s %d\n", "missed slots", missed
    printf "{\"targets\":1000000,\"startup_s\":%.2f,\"peak_rss_mib\":%.0f,\"checks\":%d,\"lateness_p50_le_s\":%s,\"lateness_p99_le_s\":%s,\"lateness_max_s\":%s,\"missed_slots\":%d}\n", startup, rss_kb / 1024, checks, p50, p99, max, missed > out
  }'
