#!/usr/bin/env bash
# Runs every benchmark built in BUILD; each prints its table and writes bench/results/*.json.
set -euo pipefail
build=${1:-build}
echo "== HTTP checks per second: watchpost vs blackbox exporter vs wrk (Connection: close)"
"$(dirname "$0")/http_checks.sh" "$build"
echo
echo "== the conditions evaluator's cost: 5 conditions on a 10 KiB JSON answer vs the plain check"
"$(dirname "$0")/conditions_cost.sh" "$build"
echo
echo "== HTTPS checks, a fresh handshake each: watchpost vs blackbox exporter vs wrk, one CA and the system bundle"
"$(dirname "$0")/https_checks.sh" "$build"
echo
echo "== many slow targets (200 ms and 2 s answers): watchpost vs blackbox exporter"
"$(dirname "$0")/slow_targets.sh" "$build"
echo
echo "== sinks: pg_sink vs plain COPY, kafka_sink vs kcat"
"$build/bin/sink_bench" 2> "$build/sink_bench.log"
echo
echo "== a million targets (no-op probe, ${MILLION_SECONDS:-120} s)"
"$(dirname "$0")/million_targets.sh" "$build"
echo
echo "== a million targets in the PostgreSQL catalogue (pg_targets)"
"$(dirname "$0")/catalog_million.sh" "$build"
echo
echo "== the fleet: 1, 2 and 4 checkers splitting 1,000,000 targets; failover gap"
"$(dirname "$0")/fleet.sh" "$build"
echo
echo "== end to end: check -> Kafka -> PostgreSQL at ${E2E_RATE:-5000} checks/s"
"$(dirname "$0")/end_to_end.sh" "$build"
