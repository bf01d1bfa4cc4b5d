#!/usr/bin/env bash
# End to end: checks -> Kafka -> PostgreSQL, as a fleet runs it. nginx (one worker) is the
# target; a checker node (http + regex -> kafka_sink) publishes to the dev broker; a writer
# node (kafka_source -> pg_sink) stores into a PostgreSQL of its own. Demand 5,000 checks/s.
# Latency per check = the row's stored_at (its insert time, migration 2) minus the moment the
# check ended (started_at + total); also from the scheduled slot. Every message in Kafka
# must reach PostgreSQL. Prints a table, writes bench/results/e2e.json.
set -euo pipefail
build=${1:-build}
rate=${E2E_RATE:-5000}
window=${E2E_SECONDS:-30}
interval=10
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
chmod 755 "$dir"  # PostgreSQL runs as its own user and must reach its folder inside
source "$here/lib.sh"
trap bench_cleanup EXIT
ulimit -n 65535 2>/dev/null || true
tck=$(getconf CLK_TCK)

nport=$(start_nginx)
"$build/bin/watchpost-dev-broker" --topic results:4 > "$dir/broker.out" 2> "$dir/broker.err" &
pids+=($!)
for _ in $(seq 200); do grep -q bootstrap "$dir/broker.out" && break; sleep 0.05; done
brokers=$(sed -n 's|^bootstrap ||p' "$dir/broker.out")
dsn=$("$here/../scripts/dev-postgres.sh" start "$dir/postgres" | sed -n 's|^dsn ||p')
psql_q() { psql "$dsn" -XAtq -c "$1"; }

cport=$(free_port 19700)
wport=$(free_port $((cport + 1)))
cat > "$dir/checker.yaml" <<YAML
node: bench-checker
admin: {listen: "127.0.0.1:$cport", target_series_limit: 0}
pipelines:
  - name: e2e
    concurrency: 4000
    probe: {plugin: http, interval: ${interval}s, timeout: 5s}
    targets:
      - {id: "t{n}", url: "http://127.0.0.1:$nport/t/{n}", repeat: $((rate * interval))}
    evaluate: [{plugin: regex, pattern: "ok watchpost"}]
    sinks: [{plugin: kafka_sink, brokers: "$brokers", topic: results, batch_size: 2000, batch_delay: 50ms}]
YAML
cat > "$dir/writer.yaml" <<YAML
node: bench-writer
admin: {listen: "127.0.0.1:$wport", target_series_limit: 0}
pipelines:
  - name: store
    source: {plugin: kafka_source, brokers: "$brokers", topics: results, group: bench-writers}
    sinks: [{plugin: pg_sink, dsn: "$dsn", retention: "0", batch_size: 2000, batch_delay: 50ms}]
YAML
"$build/bin/watchpost" run "$dir/writer.yaml" --log-format json > "$dir/writer.log" 2>&1 &
writer=$!
pids+=($writer)
"$build/bin/watchpost" run "$dir/checker.yaml" --log-format json > "$dir/checker.log" 2>&1 &
checker=$!
pids+=($checker)
wait_http "http://127.0.0.1:$cport/healthz"
wait_http "http://127.0.0.1:$wport/healthz"
sleep "$interval"  # one full interval: every target has its phase, the rate is steady

m0=$(curl -s "http://127.0.0.1:$cport/metrics"); c0=$(cpu_ticks $checker); w0=$(cpu_ticks $writer)
t0=$(psql_q "SELECT now()")
sleep "$window"
t1=$(psql_q "SELECT now()")
m1=$(curl -s "http://127.0.0.1:$cport/metrics"); c1=$(cpu_ticks $checker); w1=$(cpu_ticks $writer)
checks=$(( $(metric_sum "$m1" watchpost_checks_total) - $(metric_sum "$m0" watchpost_checks_total) ))

# Stop the checker (SIGTERM drains: what it checked is in Kafka), then wait, with a deadline,
# until PostgreSQL holds every message the topic holds: the late rows count in the p99 too.
kill -TERM $checker; wait $checker || true
in_kafka=$(kcat -C -b "$brokers" -t results -e -q | wc -l)
in_pg=0
for _ in $(seq 600); do
  in_pg=$(psql_q "SELECT count(*) FROM watchpost.check_results")
  [ "$in_pg" -ge "$in_kafka" ] && break
  sleep 0.1
done
ended_in_window="started_at + total_us * interval '1 microsecond' >= '$t0' AND started_at + total_us * interval '1 microsecond' < '$t1'"
stored=$(psql_q "SELECT count(*) FROM watchpost.check_results WHERE $ended_in_window")
read -r p50 p99 pmax s50 s99 <<< "$(psql_q "
  SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric, 3),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)::numeric, 3),
         round(max(d)::numeric, 3),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::numeric, 3),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s)::numeric, 3)
  FROM (SELECT extract(epoch FROM stored_at - (started_at + total_us * interval '1 microsecond')) AS d,
               extract(epoch FROM stored_at - scheduled_at) AS s
        FROM watchpost.check_results WHERE $ended_in_window) x" | tr '|' ' ')"
errors=$(psql_q "SELECT count(*) FROM watchpost.check_results WHERE $ended_in_window AND outcome <> 'up'")
achieved=$(awk -v n="$stored" -v s="$window" 'BEGIN {printf "%.0f", n / s}')
checker_cpu=$(awk -v c=$((c1 - c0)) -v t="$tck" -v n="$checks" 'BEGIN {printf "%.3f", c / t / n * 1000}')
writer_cpu=$(awk -v c=$((w1 - w0)) -v t="$tck" -v n="$stored" 'BEGIN {printf "%.3f", c / t / n * 1000}')
met=$(awk -v p="$p99" 'BEGIN {print (p <= 2.0) ? "met" : "missed"}')

printf "\n%-52s %s\n" "demand" "$rate checks/s ($((rate * interval)) targets, ${interval} s interval)"
printf "%-52s %s\n" "checks in the ${window} s window: checker counted / stored" "$checks / $stored (${achieved}/s)"
printf "%-52s %s\n" "whole run: messages in Kafka / rows in PostgreSQL" "$in_kafka / $in_pg"
printf "%-52s %s\n" "check end -> PostgreSQL row, p50 / p99 / max" "${p50} s / ${p99} s / ${pmax} s (p99 <= 2 s: $met)"
printf "%-52s %s\n" "scheduled slot -> PostgreSQL row, p50 / p99" "${s50} s / ${s99} s"
printf "%-52s %s\n" "CPU s per 1,000: checker / writer" "$checker_cpu / $writer_cpu"
printf "%-52s %s\n" "checks not up (errors)" "$errors"
echo "{\"demand\":$rate,\"window_s\":$window,\"checks\":$checks,\"stored\":$stored,\"achieved\":$achieved,\"latency_p50_s\":$p50,\"latency_p99_s\":$p99,\"latency_max_s\":$pmax,\"from_slot_p50_s\":$s50,\"from_slot_p99_s\":$s99,\"checker_cpu_s_per_1000\":$checker_cpu,\"writer_cpu_s_per_1000\":$writer_cpu,\"errors\":$errors,\"in_kafka\":$in_kafka,\"in_postgres\":$in_pg,\"p99_target_met\":\"$met\"}" \
  > "$here/results/e2e.json"
[ "$in_pg" -eq "$in_kafka" ] || { echo "end to end: Kafka holds $in_kafka results, PostgreSQL $in_pg" >&2; exit 1; }
