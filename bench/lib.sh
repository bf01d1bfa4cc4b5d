# Helpers the bench scripts share: sourced, not run. Each script sets `dir` (its temp folder)
# and appends to `pids` what it starts; bench_cleanup stops all of it.
pids=()
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null
  [ -d "$dir/postgres" ] && "$(dirname "${BASH_SOURCE[0]}")/../scripts/dev-postgres.sh" stop "$dir/postgres"
  rm -rf "$dir"
}

# The first port from $1 on that nothing on 127.0.0.1 answers.
free_port() { for p in $(seq "$1" $(($1 + 200))); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }

# User + system CPU ticks of a process so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# nginx with one worker answering "ok watchpost bench" on every path; prints its port.
start_nginx() {  # [extra server lines]
  local port
  port=$(free_port 18080)
  cat > "$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 65535; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port backlog=65535;
    location / { return 200 "ok watchpost bench\n"; }
    ${1:-}
  }
}
NGINX
  nginx -c "$dir/nginx.conf" -p "$dir"
  echo "$port"
}

# Waits (at most 20 s) until a URL answers.
wait_http() {
  for _ in $(seq 200); do curl -s "$1" > /dev/null && return 0; sleep 0.1; done
  echo "bench: $1 never answered" >&2; return 1
}

# Sum of every sample of a metric family in a /metrics page.
metric_sum() { awk -v name="$2" '$1 ~ "^" name "({|$)" {s += $2} END {printf "%.0f", s}' <<< "$1"; }

# One demand step in numbers, from two /metrics pages ($1, $2) and the process's CPU ticks
# ($3, $4) at two times ($5, $6). Prints:
#   achieved/s  CPU-ms-per-check  lateness-p50  lateness-p99  errors  down  unknown  checks-per-CPU-s
step_numbers() {
  awk -v m0="$1" -v m1="$2" -v c0="$3" -v c1="$4" -v t0="$5" -v t1="$6" -v tck="$(getconf CLK_TCK)" 'BEGIN {
    n0 = split(m0, a, "\n"); n1 = split(m1, b, "\n")
    for (i = 1; i <= n0; i++) { split(a[i], f, " "); v0[f[1]] = f[2] }
    for (i = 1; i <= n1; i++) {
      split(b[i], f, " "); d = f[2] - v0[f[1]]
      if (f[1] ~ /^watchpost_checks_total/) checks += d
      if (f[1] ~ /^watchpost_checks_total.*outcome="down"/) down += d
      if (f[1] ~ /^watchpost_checks_total.*outcome="unknown"/) unknown += d
      if (f[1] ~ /^watchpost_check_errors_total/) errors += d
      if (f[1] ~ /^watchpost_scheduler_lateness_seconds_bucket/) { match(f[1], /le="[^"]+"/); k++; le[k] = substr(f[1], RSTART + 4, RLENGTH - 5); cnt[k] = d }
    }
    total = cnt[k]
    for (i = 1; i <= k; i++) { if (p50 == "" && cnt[i] >= total * 0.5) p50 = le[i]; if (p99 == "" && cnt[i] >= total * 0.99) p99 = le[i] }
    secs = t1 - t0; cpu = (c1 - c0) / tck
    printf "%.0f %.3f %s %s %d %d %d %.0f", checks / secs, checks ? cpu / checks * 1000 : 0, p50, p99, errors, down, unknown, cpu ? checks / cpu : 0
  }'
}

# Runs watchpost on config $1 (admin on 127.0.0.1:$2) for one interval ($interval s) of
# warm-up and one step ($step s) of measure, then stops it. Sets m0/m1 (the /metrics pages),
# c0/c1 (its CPU ticks), t0/t1 (the times) for step_numbers, and rss (KiB at the end).
watchpost_step() {
  local wp
  "$build/bin/watchpost" run "$1" --log-format json > "$dir/wp.log" 2>&1 &
  wp=$!
  pids+=($wp)
  wait_http "http://127.0.0.1:$2/healthz"
  sleep "$interval"  # one full interval: every target has its phase, the rate is steady
  m0=$(curl -s "http://127.0.0.1:$2/metrics"); c0=$(cpu_ticks $wp); t0=$(date +%s.%N)
  sleep "$step"
  m1=$(curl -s "http://127.0.0.1:$2/metrics"); c1=$(cpu_ticks $wp); t1=$(date +%s.%N)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$wp/status")
  kill -TERM $wp; wait $wp || true
}
