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
start_nginx() {
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
