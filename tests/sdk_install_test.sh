#!/usr/bin/env bash
# Installs the SDK to a staging prefix, builds the example plugin it ships
# (share/watchpost/examples/custom_plugin) against it alone, as a third party would, and runs
# a pipeline with the result.
set -euo pipefail
build_dir=$1 source_dir=$2 watchpost=$3 target=$4
stage=$(mktemp -d)
trap 'kill $target_pid 2>/dev/null || true; rm -rf "$stage"' EXIT

cmake --install "$build_dir" --prefix "$stage/prefix" --component sdk > /dev/null
test -f "$stage/prefix/include/watchpost/plugin_api.h"
example="$stage/prefix/share/watchpost/examples/custom_plugin"
test -f "$example/tcp_probe.cpp" || { echo "the SDK install lacks the example plugin's sources"; exit 1; }
cmake -S "$example" -B "$stage/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$stage/prefix" -DCMAKE_BUILD_TYPE=Release > "$stage/configure.log" \
  || { cat "$stage/configure.log"; exit 1; }
cmake --build "$stage/build" > "$stage/build.log" || { cat "$stage/build.log"; exit 1; }
test -f "$stage/build/watchpost-tcp_connect.so"

"$target" > "$stage/target.out" &
target_pid=$!
for _ in $(seq 100); do grep -q listening "$stage/target.out" && break; sleep 0.05; done
port=$(sed -n 's|.*127.0.0.1:\([0-9]*\)/.*|\1|p' "$stage/target.out")
test -n "$port"

cat > "$stage/tcp.yaml" <<YAML
pipelines:
  - name: ports
    probe: {plugin: tcp_connect, timeout: 2s}
    targets:
      - {id: open, host: 127.0.0.1, port: $port}
      - {id: closed, host: 127.0.0.1, port: 1}
    sinks: [{plugin: stdout, format: human, color: never}]
YAML
"$watchpost" plugins tcp_connect --plugin-dir "$stage/build" | grep -q "tcp_connect 0.1.0"
out=$("$watchpost" run "$stage/tcp.yaml" --once --plugin-dir "$stage/build" --log-level warn)
echo "$out"
grep -q "^UP    open" <<< "$out"
grep -q "^DOWN  closed.*down: connect" <<< "$out"
echo "custom plugin built against the installed SDK and ran"
