#!/usr/bin/env bash
# What the conditions evaluator costs (issue 19): the same HTTP checks of a 10 KiB JSON answer
# from nginx, at a steady demand, without an evaluator and with five conditions (one on the
# JSON body, one on a header), alternating, CPU of the watchpost process per check compared.
# Target: the conditions cost <= 5% of a plain HTTP check's CPU. Writes bench/results/conditions.json.
set -euo pipefail
build=${1:-build}
step=${CONDITIONS_STEP_SECONDS:-20}
rate=${CONDITIONS_RATE:-4000}
rounds=${CONDITIONS_ROUNDS:-5}
interval=10
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
source "$here/lib.sh"
trap bench_cleanup EXIT
ulimit -n 65535 2>/dev/null || true

# A 10 KiB JSON document: a status, then checks to make up the size.
python3 - "$dir/health.json" <<'PY'
import json, sys
doc = {"status": "UP", "version": "1.2.3", "checks": []}
i = 0
while len(json.dumps(doc)) < 10 * 1024 - 120:
    doc["checks"].append({"name": f"dependency-{i}", "status": "UP", "latency_ms": i % 17})
    i += 1
open(sys.argv[1], "w").write(json.dumps(doc))
PY
chmod 755 "$dir"; chmod 644 "$dir/health.json"  # nginx's worker runs as another user
nport=$(start_nginx "location /health { default_type application/json; alias $dir/health.json; }")
wait_http "http://127.0.0.1:$nport/health"
echo "nginx (1 worker) on 127.0.0.1:$nport, /health: $(stat -c %s "$dir/health.json") bytes of JSON; $rate checks/s"

run() {  # with|without
  local aport evaluate=""
  aport=$(free_port 19700)
  if [ "$1" = with ]; then
    evaluate='    evaluate:
      - plugin: conditions
        conditions:
          - "[STATUS] == 200"
          - "[RESPONSE_TIME] < 2s"
          - "[HEADER:Content-Type] =~ /json/"
          - "[BODY].status == UP and len([BODY].checks) > 10"
          - "[BYTES] > 1000"'
  fi
  cat > "$dir/wp.yaml" <<YAML
admin: {listen: "127.0.0.1:$aport", target_series_limit: 0}
pipelines:
  - name: bench
    probe: {plugin: http, interval: ${interval}s, timeout: 5s}
    targets:
      - {id: "t{n}", url: "http://127.0.0.1:$nport/health?{n}", repeat: $((rate * interval))}
$evaluate
    sinks: [{plugin: stdout, path: /dev/null, format: json, batch_size: 5000}]
YAML
  watchpost_step "$dir/wp.yaml" "$aport"
  numbers=$(step_numbers "$m0" "$m1" "$c0" "$c1" "$t0" "$t1")
  if [ -n "${CONDITIONS_DEBUG:-}" ]; then echo "$numbers"; grep -E '^watchpost_check(s|_errors)_total' <<< "$m1" | head -5; fi
  read -r achieved cpu_per p50 p99 errors down unknown per_cpu <<< "$numbers"
  printf "%-10s %10s %14s %8s\n" "$1" "$achieved/s" "$cpu_per" "$down"
  eval "cpu_$1+=(\"$cpu_per\")"
}

cpu_with=() cpu_without=()
printf "\n%-10s %10s %14s %8s\n" conditions achieved "cpu s/1000" down
for round in $(seq "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run without; run with; else run with; run without; fi
done
median() { printf "%s\n" "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
plain=$(median "${cpu_without[@]}")
with=$(median "${cpu_with[@]}")
share=$(awk -v w="$with" -v p="$plain" 'BEGIN {printf "%.1f", (w - p) / p * 100}')
# The process's CPU moves by more than 5% between runs of the same thing on this machine; the
# evaluator timed alone on the same body, against this run's plain check, is the steadier figure.
eval_us=$("$build/bin/conditions_eval_time" "$dir/health.json" 50000)
eval_share=$(awk -v e="$eval_us" -v p="$plain" 'BEGIN {printf "%.1f", e / (p * 1000) * 100}')
echo
printf "%-52s %s\n" "CPU ms per check, plain (median)" "$plain"
printf "%-52s %s\n" "CPU ms per check, with 5 conditions (median)" "$with"
printf "%-52s %s%%\n" "the conditions' share of a plain check's CPU" "$share (target <= 5%)"
printf "%-52s %s\n" "the evaluator alone, us per result (in-process)" "$eval_us"
printf "%-52s %s%%\n" "  as a share of this run's plain check" "$eval_share (target <= 5%)"
echo "{\"rate\":$rate,\"body_bytes\":$(stat -c %s "$dir/health.json"),\"cpu_ms_plain\":$plain,\"cpu_ms_with_conditions\":$with,\"share_percent\":$share,\"evaluator_us\":$eval_us,\"evaluator_share_percent\":$eval_share}" \
  > "$here/results/conditions.json"
