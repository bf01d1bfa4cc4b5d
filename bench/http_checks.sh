#!/usr/bin/env bash
# HTTP checks per second against a local nginx (one worker), every check a fresh connection,
# demand stepped from 2,000 to 40,000 checks/s. Per step: achieved rate, CPU seconds per
# 1,000 checks, scheduler lateness p50/p99, errors. Beside it, in the same run: Prometheus's
# blackbox exporter doing the same check (status + the same regex) driven by wrk on /probe,
# and the physical limit — wrk with `Connection: close` against the same nginx.
# Prints tables and writes bench/results/http.json.
set -euo pipefail
build=${1:-build}
step=${HTTP_STEP_SECONDS:-20}
rates=${HTTP_RATES:-"2000 5000 10000 20000 40000"}
interval=10
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
source "$here/lib.sh"
trap bench_cleanup EXIT
ulimit -n 65535 2>/dev/null || true
tck=$(getconf CLK_TCK)

nport=$(start_nginx)
echo "nginx (1 worker) on 127.0.0.1:$nport"

# --- the physical limit: wrk, Connection: close ---------------------------------------------
limit=$(wrk -t2 -c64 -d"${step}s" -H "Connection: close" "http://127.0.0.1:$nport/t/1" | awk '/Requests\/sec/ {print $2}')

# --- watchpost, stepped demand ---------------------------------------------------------------
printf "\n%-8s %10s %10s %14s %12s %12s %8s\n" demand achieved "of limit" "cpu s/1000" "late p50" "late p99" errors
json_steps=""
best_per_cpu=0
for rate in $rates; do
  targets=$((rate * interval))
  aport=$(free_port 19500)
  cat > "$dir/wp.yaml" <<YAML
admin: {listen: "127.0.0.1:$aport", target_series_limit: 0}  # the bench reads totals only
pipelines:
  - name: bench
    concurrency: 4000
    probe: {plugin: http, interval: ${interval}s, timeout: 5s}
    targets:
      - {id: "t{n}", url: "http://127.0.0.1:$nport/t/{n}", repeat: $targets}
    evaluate: [{plugin: regex, pattern: "ok watchpost"}]
    sinks: [{plugin: stdout, path: /dev/null, format: json, batch_size: 5000}]
YAML
  watchpost_step "$dir/wp.yaml" "$aport"
  read -r achieved cpu_per p50 p99 errors _ _ per_cpu <<< "$(step_numbers "$m0" "$m1" "$c0" "$c1" "$t0" "$t1")"
  d=$rate
  of_limit=$(awk -v a="$achieved" -v l="$limit" 'BEGIN {printf "%.2f", a / l}')
  printf "%-8s %10s %10s %14s %12s %12s %8s\n" "$d/s" "$achieved/s" "$of_limit" "$cpu_per" "<=${p50}s" "<=${p99}s" "$errors"
  [ "$per_cpu" -gt "$best_per_cpu" ] && best_per_cpu=$per_cpu
  json_steps+="${json_steps:+,}{\"demand\":$d,\"achieved\":$achieved,\"of_wrk_limit\":$of_limit,\"cpu_s_per_1000\":$cpu_per,\"lateness_p50_le_s\":$p50,\"lateness_p99_le_s\":$p99,\"errors\":$errors,\"checks_per_cpu_s\":$per_cpu}"
done

# --- the peer: blackbox exporter, same check, driven by wrk ----------------------------------
bport=$(free_port 19600)
cat > "$dir/blackbox.yml" <<BB
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      valid_status_codes: [200]
      fail_if_body_not_matches_regexp: ["ok watchpost"]
BB
prometheus-blackbox-exporter --config.file="$dir/blackbox.yml" --web.listen-address="127.0.0.1:$bport" \
  > "$dir/bb.log" 2>&1 &
bb=$!
pids+=($bb)
wait_http "http://127.0.0.1:$bport/"
b0=$(cpu_ticks $bb)
bb_rate=$(wrk -t1 -c32 -d"${step}s" "http://127.0.0.1:$bport/probe?module=http_2xx&target=http://127.0.0.1:$nport/t/1" |
          awk '/Requests\/sec/ {print $2}')
b1=$(cpu_ticks $bb)
bb_per_cpu=$(awk -v r="$bb_rate" -v s="$step" -v c=$((b1 - b0)) -v tck="$tck" 'BEGIN {printf "%.0f", r * s / (c / tck)}')
ratio=$(awk -v a="$best_per_cpu" -v b="$bb_per_cpu" 'BEGIN {printf "%.1f", a / b}')

printf "\n%-46s %12s\n" "wrk, Connection: close (the limit)" "${limit}/s"
printf "%-46s %12s\n" "blackbox exporter probes (wrk on /probe, 32 conns)" "${bb_rate}/s"
printf "%-46s %12s\n" "blackbox exporter checks per CPU second" "$bb_per_cpu"
printf "%-46s %12s\n" "watchpost checks per CPU second (best step)" "$best_per_cpu"
printf "%-46s %12s\n" "watchpost / blackbox, per CPU second" "${ratio}x (target >= 5x)"
echo "{\"wrk_close_limit\":$limit,\"blackbox_rate\":$bb_rate,\"blackbox_checks_per_cpu_s\":$bb_per_cpu,\"watchpost_best_checks_per_cpu_s\":$best_per_cpu,\"ratio_per_cpu\":$ratio,\"steps\":[$json_steps]}" \
  > "$here/results/http.json"
