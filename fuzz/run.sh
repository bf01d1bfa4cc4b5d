#!/usr/bin/env bash
# Runs every fuzz target for SECONDS, in parallel, from the seed corpus. Exit 1 on a crash;
# the crashing input is left in BUILD/fuzz-crashes/ (copy it to fuzz/regressions/ once fixed).
set -uo pipefail
build=${1:-build-fuzz} seconds=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/fuzz-crashes" "$build/fuzz-corpus/config" "$build/fuzz-corpus/result"
pids=()
for t in config result; do
  bin=$build/bin/${t}_fuzz
  [ "$t" = result ] && bin=$build/bin/result_decode_fuzz
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-crashes/$t-" "$build/fuzz-corpus/$t" "$here/corpus/$t" "$here/regressions/$t" \
    > "$build/fuzz-$t.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do wait "${pids[$i]}" || status=1; done
for t in config result; do
  echo "== $t: $(grep -E '^stat::number_of_executed_units' "$build/fuzz-$t.log" | awk '{print $2}') runs," \
       "$(ls "$build/fuzz-corpus/$t" | wc -l) corpus files"
  grep -E "ERROR|SUMMARY|crash-|Test unit written" "$build/fuzz-$t.log" | head -5
done
ls "$build/fuzz-crashes" 2>/dev/null | head
exit $status
