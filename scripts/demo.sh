#!/usr/bin/env bash
# The demo: starts a local HTTP target, then runs examples/quickstart.yaml against it (and a
# few public sites, which show a clear reason when there is no internet) for a short while.
set -euo pipefail
build=${1:-build}
seconds=${DEMO_SECONDS:-25}
here=$(cd "$(dirname "$0")/.." && pwd)

"$build/bin/watchpost-target" > "$build/demo-target.out" &
target_pid=$!
trap 'kill $target_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$build/demo-target.out" && break; sleep 0.05; done
export DEMO_TARGET=$(sed -n 's|^listening \(http://[^/]*\)/.*|\1|p' "$build/demo-target.out")
echo "== local target at $DEMO_TARGET"
echo "== watchpost run examples/quickstart.yaml for ${seconds}s (Ctrl-C stops it cleanly)"
"$build/bin/watchpost" run "$here/examples/quickstart.yaml" --for "${seconds}s" --log-format human
