#!/usr/bin/env bash
# Many slow targets: websites whose answers take 200 ms (and 2 s), as real ones behind the
# network do, every check a fresh connection. Cases: 20,000 and 100,000 targets at a 10 s
# interval (2,000 and 10,000 checks/s; ~400 and ~2,000 checks in flight), and 20,000 at 2 s
# answers (~4,000 in flight). Per case: achieved rate, lateness p50/p99, CPU per check, RSS,
# checks in flight (Little's law: rate x mean duration) and memory per check in flight — the
# RSS above the same targets answered at once (a baseline run), divided by the extra checks in
# flight. Beside it in the same run: the blackbox exporter driven by wrk on /probe with as many
# connections as watchpost has checks in flight (so it is asked for the same rate).
# Prints a table and writes bench/results/slow_targets.json.
set -euo pipefail
build=${1:-build}
step=${SLOW_STEP_SECONDS:-20}
cases=${SLOW_CASES:-"20000:200 100000:200 20000:2000"}  # targets:answer-ms
interval=10
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
source "$here/lib.sh"
trap bench_cleanup EXIT
ulimit -n 65535 2>/dev/null || true
tck=$(getconf CLK_TCK)

declare -A server_port
for ms in 0 $(for c in $cases; do echo "${c#*:}"; done | sort -un); do
  port=$(free_port $((18600 + ms % 200)))
  "$build/bin/slow_http_server" "$port" "$ms" > /dev/null 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/"
  server_port[$ms]=$port
done

# One watchpost run: prints "achieved ms/check p50 p99 down unknown rss_kib mean_duration_s".
run_watchpost() {
  local targets=$1 port=$2 aport wp m0 m1 c0 c1 t0 t1 rss
  aport=$(free_port 19500)
  cat > "$dir/wp.yaml" <<YAML
admin: {listen: "127.0.0.1:$aport", target_series_limit: 0}  # the bench reads totals only
pipelines:
  - name: bench
    concurrency: 8000
    probe: {plugin: http, interval: ${interval}s, timeout: 5s}
    targets:
      - {id: "t{n}", url: "http://127.0.0.1:$port/t/{n}", repeat: $targets}
    evaluate: [{plugin: regex, pattern: "ok watchpost"}]
    sinks: [{plugin: stdout, path: /dev/null, format: json, batch_size: 5000}]
YAML
  watchpost_step "$dir/wp.yaml" "$aport"
  read -r achieved ms p50 p99 _ down unknown _ <<< "$(step_numbers "$m0" "$m1" "$c0" "$c1" "$t0" "$t1")"
  mean=$(awk -v m0="$m0" -v m1="$m1" 'BEGIN {
    n0 = split(m0, a, "\n"); for (i = 1; i <= n0; i++) { split(a[i], f, " "); v0[f[1]] = f[2] }
    n1 = split(m1, b, "\n"); for (i = 1; i <= n1; i++) { split(b[i], f, " ")
      if (f[1] ~ /^watchpost_check_duration_seconds_sum/) s += f[2] - v0[f[1]]
      if (f[1] ~ /^watchpost_check_duration_seconds_count/) c += f[2] - v0[f[1]] }
    printf "%.4f", c ? s / c : 0 }')
  echo "$achieved $ms $p50 $p99 $down $unknown $rss $mean"
}

json=""
printf "\n%-8s %-7s %8s %9s %12s %10s %10s %9s %9s %12s %6s\n" targets answer demand achieved "cpu ms/check" \
  "late p50" "late p99" "in flight" "RSS MiB" "KiB/in-flight" down
for c in $cases; do
  targets=${c%:*}; ms=${c#*:}
  demand=$((targets / interval))
  read -r b_ach _ _ _ _ _ b_rss b_mean <<< "$(run_watchpost "$targets" "${server_port[0]}")"
  read -r achieved cpu p50 p99 down unknown rss mean <<< "$(run_watchpost "$targets" "${server_port[$ms]}")"
  inflight=$(awk -v r="$achieved" -v m="$mean" 'BEGIN {printf "%.0f", r * m}')
  base_inflight=$(awk -v r="$b_ach" -v m="$b_mean" 'BEGIN {printf "%.0f", r * m}')
  per=$(awk -v a="$rss" -v b="$b_rss" -v i="$inflight" -v j="$base_inflight" \
        'BEGIN {d = i - j; printf "%.1f", (d > 0 ? (a - b) / d : 0)}')
  printf "%-8s %-7s %8s %9s %12s %10s %10s %9s %9s %12s %6s\n" "$targets" "${ms}ms" "$demand/s" "$achieved/s" "$cpu" \
    "<=${p50}s" "<=${p99}s" "$inflight" "$((rss / 1024))" "$per" "$down"
  # The peer: as many wrk connections as watchpost had checks in flight asks it for the same rate.
  conns=$(( inflight > 16 ? inflight : 16 ))
  bport=$(free_port 19600)
  printf "modules:\n  http_2xx: {prober: http, timeout: 5s, http: {valid_status_codes: [200], fail_if_body_not_matches_regexp: [\"ok watchpost\"]}}\n" \
    > "$dir/blackbox.yml"
  prometheus-blackbox-exporter --config.file="$dir/blackbox.yml" --web.listen-address="127.0.0.1:$bport" \
    > "$dir/bb.log" 2>&1 &
  bb=$!
  pids+=($bb)
  wait_http "http://127.0.0.1:$bport/"
  b0=$(cpu_ticks $bb)
  bb_rate=$(wrk -t2 -c"$conns" -d"${step}s" --timeout 10s \
            "http://127.0.0.1:$bport/probe?module=http_2xx&target=http://127.0.0.1:${server_port[$ms]}/t/1" |
            awk '/Requests\/sec/ {print $2}')
  b1=$(cpu_ticks $bb)
  bb_rss=$(awk '/^VmRSS/ {print $2}' "/proc/$bb/status")
  kill $bb; wait $bb 2>/dev/null || true
  bb_ms=$(awk -v r="$bb_rate" -v s="$step" -v c=$((b1 - b0)) -v tck="$tck" 'BEGIN {printf "%.3f", (r > 0 ? (c / tck) * 1000 / (r * s) : 0)}')
  printf "%-8s %-7s %8s %9s %12s %10s %10s %9s %9s   (blackbox exporter, wrk -c %s)\n" "" "" "$demand/s" "${bb_rate%.*}/s" \
    "$bb_ms" "" "" "" "$((bb_rss / 1024))" "$conns"
  json+="${json:+,}{\"targets\":$targets,\"answer_ms\":$ms,\"demand\":$demand,\"achieved\":$achieved,\"cpu_ms_per_check\":$cpu,\"lateness_p50_le_s\":$p50,\"lateness_p99_le_s\":$p99,\"in_flight\":$inflight,\"rss_kib\":$rss,\"baseline_rss_kib\":$b_rss,\"baseline_in_flight\":$base_inflight,\"kib_per_check_in_flight\":$per,\"down\":$down,\"unknown\":$unknown,\"blackbox_rate\":$bb_rate,\"blackbox_cpu_ms_per_check\":$bb_ms,\"blackbox_rss_kib\":$bb_rss,\"blackbox_connections\":$conns}"
done
echo "{\"interval_s\":$interval,\"cases\":[$json]}" > "$here/results/slow_targets.json"
