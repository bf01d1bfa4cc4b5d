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
source "$here/scripts/demo_lib.sh"
demo_start watchpost.results:4 watchpost.results.dead:1
# A fresh spool each run: the broker is new too. The writer keeps its alert state in
# PostgreSQL (which the demo keeps between runs): an alert still firing from the last run is
# not announced again, as after any restart; `watchpost alerts` below shows it.
rm -rf "$run/spool"
export WATCHPOST_SPOOL_DIR=$(cd "$run" && pwd)/spool
# The writer's alert webhook: the demo target server takes it and prints what it gets.
export WATCHPOST_WEBHOOK_URL=$DEMO_TARGET/hook
# The REST API beside the pipelines, and a node that checks the catalogue it writes to.
"$build/bin/watchpost" serve --listen 127.0.0.1:0 --pipeline websites > "$run/api.out" 2> "$run/api.log" &
pids+=($!)
wait_for "$run/api.out" listening
api=$(sed -n 's|^listening ||p' "$run/api.out")
echo "== REST API: $api/api/v1 (docs/api.md), dashboard: $api/ (docs/web.md); log in $run/api.log"
"$build/bin/watchpost" run "$here/examples/catalog.yaml" > "$run/catalog.log" 2>&1 &
pids+=($!)
python3 "$here/scripts/demo_api.py" add "$api" "$DEMO_TARGET/"
echo "== checker: examples/checker.yaml (http -> regex -> kafka_sink); log in $run/checker.log"
"$build/bin/watchpost" run "$here/examples/checker.yaml" --log-format json > "$run/checker.log" 2>&1 &
pids+=($!)
echo "== writer:  examples/writer.yaml  (kafka_source -> pg_sink, and stdout to watch), ${seconds}s"
echo
"$build/bin/watchpost" run "$here/examples/writer.yaml" --for "${seconds}s" --log-format human
echo
echo "== watchpost report --since 1h   (read back from PostgreSQL)"
"$build/bin/watchpost" report --since 1h
echo
echo "== alerts the writer sent to its webhook (examples/writer.yaml: alerts, notifiers)"
sed -n 's|^hook ||p' "$run/target.out" | python3 -c '
import json, sys
for line in sys.stdin:
    for e in json.loads(line)["events"]:
        print("  %-8s %-15s %s" % (e["state"], e["target_id"], e["summary"]))
'
echo
echo "== watchpost alerts --history 5   (the writer's alert state, from PostgreSQL)"
"$build/bin/watchpost" alerts --history 5
echo
echo "== the target added through the REST API, checked by examples/catalog.yaml"
python3 "$here/scripts/demo_api.py" stats "$api"
