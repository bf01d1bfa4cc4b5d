#!/usr/bin/env bash
# Runs every fuzz target for SECONDS, in parallel, from the seed corpus. Exit 1 on a crash;
# the crashing input is left in BUILD/fuzz-crashes/ (copy it to fuzz/regressions/ once fixed).
set -uo pipefail
build=${1:-build-fuzz} seconds=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/fuzz-crashes" "$build/fuzz-corpus/config" "$build/fuzz-corpus/result" "$build/fuzz-corpus/avro" "$build/fuzz-corpus/conditions"
pids=()
for t in config result avro conditions; do
  bin=$build/bin/${t}_fuzz
  [ "$t" = result ] && bin=$build/bin/result_decode_fuzz
  [ "$t" = avro ] && bin=$build/bin/avro_decode_fuzz
  # libFuzzer stops at once on a corpus folder that does not exist, and git keeps no empty
  # folder: pass the regression inputs only where there are some.
  dirs=("$build/fuzz-corpus/$t" "$here/corpus/$t")
  [ -d "$here/regressions/$t" ] && dirs+=("$here/regressions/$t")
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-crashes/$t-" "${dirs[@]}" > "$build/fuzz-$t.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do wait "${pids[$i]}" || status=1; done
for t in config result avro conditions; do
  runs=$(grep -E '^stat::number_of_executed_units' "$build/fuzz-$t.log" | awk '{print $2}')
  echo "== $t: ${runs:-0} runs, $(ls "$build/fuzz-corpus/$t" | wc -l) corpus files"
  # A fuzzer that ran nothing is a failure, not a pass (it once fuzzed nothing for months).
  if [ "${runs:-0}" -lt 1000 ]; then
    echo "   $t ran ${runs:-0} inputs: see $build/fuzz-$t.log"
    tail -5 "$build/fuzz-$t.log"
    status=1
  fi
  grep -E "ERROR|SUMMARY|crash-|Test unit written" "$build/fuzz-$t.log" | head -5
done
ls "$build/fuzz-crashes" 2>/dev/null | head
exit $status
