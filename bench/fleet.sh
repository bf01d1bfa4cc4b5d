#!/usr/bin/env bash
# The fleet: 1, 2 and 4 checker processes splitting one catalogue of 1,000,000 targets (the
# no-op probe, a 10 s interval: 100,000 checks/s asked of the fleet) through a consumer group
# on the dev broker. Per size: the checks/s all checkers achieved together, CPU per check, and
# how long the split took to settle (start to every target owned). Then the failover gap:
# with two checkers, one is SIGKILLed; seconds until the survivor owns its targets too, and
# until the first check of a moved target. One machine (2 cores): checkers share the CPU with
# each other and the broker, so more checkers cannot add capacity here — the figures say how
# evenly the work splits and what the split costs, not how a fleet of machines scales.
# Prints a table and writes bench/results/fleet.json.
set -euo pipefail
build=${1:-build}
targets=${FLEET_TARGETS:-1000000}
step=${FLEET_STEP_SECONDS:-20}
sizes=${FLEET_SIZES:-"1 2 4"}
interval=${FLEET_INTERVAL:-10}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
source "$here/lib.sh"
trap bench_cleanup EXIT
tck=$(getconf CLK_TCK)

"$build/bin/watchpost-dev-broker" --topic watchpost.targets:12 > "$dir/broker.out" 2> "$dir/broker.err" &
pids+=($!)
for _ in $(seq 100); do grep -q bootstrap "$dir/broker.out" && break; sleep 0.1; done
brokers=$(sed -n 's|^bootstrap ||p' "$dir/broker.out")
awk -v n="$targets" 'BEGIN { for (i = 0; i < n; i++) printf "t%d\t{\"name\":\"t%d\"}\n", i, i }' > "$dir/catalogue.tsv"
kcat -P -b "$brokers" -t watchpost.targets -K $'\t' -l "$dir/catalogue.tsv"
echo "catalogue: $targets targets on watchpost.targets (12 partitions), dev broker $brokers"

# Starts checker $1 (admin on port $2); its pid goes to checker_pid[$1].
declare -A checker_pid checker_port
start_checker() {
  cat > "$dir/c$1.yaml" <<YAML
node: c$1
admin: {listen: "127.0.0.1:$2", target_series_limit: 0}
pipelines:
  - name: fleet
    targets: {plugin: kafka_targets, brokers: "$brokers", session_timeout: 3s}
    probe: {plugin: cprobe, interval: ${interval}s}
    sinks: [{plugin: stdout, path: /dev/null, format: json, batch_size: 5000}]
YAML
  "$build/bin/watchpost" run "$dir/c$1.yaml" --plugin-dir "$build/test-plugins" --log-format json > "$dir/c$1.log" 2>&1 &
  checker_pid[$1]=$!
  checker_port[$1]=$2
  pids+=($!)
}
owned() { local s=0; for n in "$@"; do s=$((s + $(curl -s "http://127.0.0.1:${checker_port[$n]}/metrics" |
  awk '$1 ~ /^watchpost_catalog_targets/ {s += $2} END {printf "%d", s}'))); done; echo $s; }
checks() { local s=0; for n in "$@"; do s=$((s + $(curl -s "http://127.0.0.1:${checker_port[$n]}/metrics" |
  awk '$1 ~ /^watchpost_checks_total/ {s += $2} END {printf "%d", s}'))); done; echo $s; }

json=""
printf "\n%-9s %10s %10s %14s %12s %s\n" checkers demand achieved "cpu ms/check" "settled in" "targets per checker"
for n in $sizes; do
  ids=()
  t_start=$(date +%s.%N)
  for i in $(seq 1 "$n"); do start_checker "$i" "$(free_port $((19700 + i * 3)))"; ids+=("$i"); done
  for i in "${ids[@]}"; do wait_http "http://127.0.0.1:${checker_port[$i]}/healthz"; done
  # Settled: every target owned once (a rebalance may briefly show more or fewer).
  for _ in $(seq 600); do [ "$(owned "${ids[@]}")" -eq "$targets" ] && break; sleep 0.5; done
  settled=$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  sleep "$interval"  # a full interval with the split settled
  c0=0; for i in "${ids[@]}"; do c0=$((c0 + $(cpu_ticks ${checker_pid[$i]}))); done
  k0=$(checks "${ids[@]}"); t0=$(date +%s.%N)
  sleep "$step"
  c1=0; for i in "${ids[@]}"; do c1=$((c1 + $(cpu_ticks ${checker_pid[$i]}))); done
  k1=$(checks "${ids[@]}"); t1=$(date +%s.%N)
  per=""; for i in "${ids[@]}"; do per+="$(owned "$i") "; done
  read -r achieved cpu_ms <<< "$(awk -v k=$((k1 - k0)) -v t0="$t0" -v t1="$t1" -v c=$((c1 - c0)) -v tck="$tck" \
    'BEGIN {printf "%.0f %.4f", k / (t1 - t0), k ? (c / tck) * 1000 / k : 0}')"
  printf "%-9s %10s %10s %14s %12s %s\n" "$n" "$((targets / interval))/s" "$achieved/s" "$cpu_ms" "${settled}s" "$per"
  json+="${json:+,}{\"checkers\":$n,\"demand\":$((targets / interval)),\"achieved\":$achieved,\"cpu_ms_per_check\":$cpu_ms,\"settled_s\":$settled,\"targets_per_checker\":\"${per% }\"}"
  if [ "$n" = 2 ]; then
    # Failover: SIGKILL checker 2; the survivor must take its partitions after the session
    # timeout (3 s) and read them.
    moved=$(owned 2)
    killed_at=$(date +%s.%N)
    kill -KILL "${checker_pid[2]}"
    for _ in $(seq 1200); do [ "$(owned 1)" -eq "$targets" ] && break; sleep 0.05; done
    owns_all=$(awk -v a="$killed_at" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
    printf "failover: SIGKILL of a checker holding %s targets; the survivor owned all %s after %s s\n" \
      "$moved" "$targets" "$owns_all"
    json+=",{\"failover_moved\":$moved,\"failover_owns_all_s\":$owns_all}"
  fi
  for i in "${ids[@]}"; do kill -TERM "${checker_pid[$i]}" 2>/dev/null || true; done
  for i in "${ids[@]}"; do wait "${checker_pid[$i]}" 2>/dev/null || true; done
done
echo "{\"targets\":$targets,\"interval_s\":$interval,\"runs\":[$json]}" > "$here/results/fleet.json"
