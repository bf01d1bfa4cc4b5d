#!/usr/bin/env bash
# HTTPS checks with a fresh TLS handshake each, against a local nginx (one worker) with two
# TLS listeners: ECDSA P-256 and RSA-2048 certificates from a test CA. Verification is on
# everywhere, in two trust settings: the test CA alone, and the system CA bundle with the
# test CA appended (what checking public sites costs). Per key and trust setting:
#   watchpost at stepped demand: achieved rate, CPU s per 1,000 checks, lateness, down results
#   the blackbox exporter doing the same check, driven by wrk on /probe: checks per CPU second
#   the limit: wrk over https with Connection: close, its client's CPU per connection
# Prints tables and writes bench/results/https.json.
set -euo pipefail
build=${1:-build}
step=${HTTPS_STEP_SECONDS:-20}
rates=${HTTPS_RATES:-"200 500 1000"}
interval=10
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
source "$here/lib.sh"
trap bench_cleanup EXIT
ulimit -n 65535 2>/dev/null || true
tck=$(getconf CLK_TCK)

# --- a test CA and two server certificates ---------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=watchpost bench CA" \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" 2> /dev/null
for kind in ecdsa rsa; do
  if [ $kind = ecdsa ]; then keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else keyopt=(-newkey rsa:2048); fi
  openssl req "${keyopt[@]}" -nodes -subj "/CN=127.0.0.1" -keyout "$dir/$kind.key" -out "$dir/$kind.csr" 2> /dev/null
  printf "subjectAltName=IP:127.0.0.1\n" > "$dir/san.ext"
  openssl x509 -req -in "$dir/$kind.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/san.ext" -out "$dir/$kind.pem" 2> /dev/null
done
cat /etc/ssl/certs/ca-certificates.crt "$dir/ca.pem" > "$dir/bundle.pem"
bundle_certs=$(grep -c "BEGIN CERTIFICATE" "$dir/bundle.pem")

eport=$(free_port 18443); rport=$(free_port $((eport + 1)))
cat > "$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 65535; }
http {
  access_log off;
  ssl_session_cache off;
  ssl_session_tickets off;
  server { listen 127.0.0.1:$eport ssl backlog=65535; ssl_certificate $dir/ecdsa.pem; ssl_certificate_key $dir/ecdsa.key;
           location / { return 200 "ok watchpost bench\n"; } }
  server { listen 127.0.0.1:$rport ssl backlog=65535; ssl_certificate $dir/rsa.pem; ssl_certificate_key $dir/rsa.key;
           location / { return 200 "ok watchpost bench\n"; } }
}
NGINX
nginx -c "$dir/nginx.conf" -p "$dir"
echo "nginx (1 worker): ECDSA on 127.0.0.1:$eport, RSA on 127.0.0.1:$rport; bundle of $bundle_certs certificates"

bport=$(free_port 19600)
cat > "$dir/blackbox.yml" <<BB
modules:
  one_ca: {prober: http, timeout: 5s, http: {valid_status_codes: [200], tls_config: {ca_file: $dir/ca.pem}}}
  bundle: {prober: http, timeout: 5s, http: {valid_status_codes: [200], tls_config: {ca_file: $dir/bundle.pem}}}
BB
prometheus-blackbox-exporter --config.file="$dir/blackbox.yml" --web.listen-address="127.0.0.1:$bport" \
  > "$dir/bb.log" 2>&1 &
bb=$!
pids+=($bb)
wait_http "http://127.0.0.1:$bport/"

json=""
printf "\n%-6s %-7s %-8s %10s %14s %10s %10s %6s %8s\n" key trust demand achieved "cpu ms/check" "late p50" "late p99" down unknown
for kind in ecdsa rsa; do
  port=$eport; [ $kind = rsa ] && port=$rport
  url="https://127.0.0.1:$port"
  # The limit: wrk's own CPU per https connection (Connection: close: a full handshake each).
  /usr/bin/time -f "%U %S" -o "$dir/wrk.time" wrk -t1 -c32 -d"${step}s" -H "Connection: close" "$url/t/1" > "$dir/wrk.out"
  wrk_rate=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.out")
  wrk_ms=$(awk -v r="$wrk_rate" -v s="$step" '{printf "%.3f", ($1 + $2) * 1000 / (r * s)}' "$dir/wrk.time")
  for trust in one_ca bundle; do
    ca="$dir/ca.pem"; [ $trust = bundle ] && ca="$dir/bundle.pem"
    # The peer, same check and trust.
    b0=$(cpu_ticks $bb)
    bb_rate=$(wrk -t1 -c16 -d"${step}s" "http://127.0.0.1:$bport/probe?module=$trust&target=$url/t/1" |
              awk '/Requests\/sec/ {print $2}')
    b1=$(cpu_ticks $bb)
    bb_ms=$(awk -v r="$bb_rate" -v s="$step" -v c=$((b1 - b0)) -v tck="$tck" 'BEGIN {printf "%.3f", (c / tck) * 1000 / (r * s)}')
    best_ms=""
    for rate in $rates; do
      targets=$((rate * interval))
      aport=$(free_port 19500)
      cat > "$dir/wp.yaml" <<YAML
admin: {listen: "127.0.0.1:$aport", target_series_limit: 0}  # the bench reads totals only
pipelines:
  - name: bench
    concurrency: 4000
    probe: {plugin: http, interval: ${interval}s, timeout: 5s, ca_file: "$ca"}
    targets:
      - {id: "t{n}", url: "$url/t/{n}", repeat: $targets}
    sinks: [{plugin: stdout, path: /dev/null, format: json, batch_size: 5000}]
YAML
      watchpost_step "$dir/wp.yaml" "$aport"
      read -r achieved ms p50 p99 _ down unknown _ <<< "$(step_numbers "$m0" "$m1" "$c0" "$c1" "$t0" "$t1")"
      printf "%-6s %-7s %-8s %10s %14s %10s %10s %6s %8s\n" $kind $trust "$rate/s" "$achieved/s" "$ms" "<=${p50}s" "<=${p99}s" "$down" "$unknown"
      # The cost per check where the node kept up (achieved within 5% of demand).
      if awk -v a="$achieved" -v r="$rate" 'BEGIN {exit !(a >= r * 0.95)}'; then
        if [ -z "$best_ms" ] || awk -v a="$ms" -v b="$best_ms" 'BEGIN {exit !(a < b)}'; then best_ms=$ms; fi
      fi
      json+="${json:+,}{\"key\":\"$kind\",\"trust\":\"$trust\",\"demand\":$rate,\"achieved\":$achieved,\"cpu_ms_per_check\":$ms,\"lateness_p50_le_s\":$p50,\"lateness_p99_le_s\":$p99,\"down\":$down,\"unknown\":$unknown,\"blackbox_cpu_ms_per_check\":$bb_ms,\"blackbox_rate\":$bb_rate,\"wrk_cpu_ms_per_connection\":$wrk_ms}"
    done
    best_ms=${best_ms:-nan}
    printf "  %-6s %-7s watchpost %s ms/check | blackbox exporter %s ms/check (%s/s) | wrk %s ms/connection | vs blackbox %sx, of wrk %s\n" \
      $kind $trust "$best_ms" "$bb_ms" "$bb_rate" "$wrk_ms" \
      "$(awk -v a="$bb_ms" -v b="$best_ms" 'BEGIN {printf "%.1f", a / b}')" \
      "$(awk -v a="$wrk_ms" -v b="$best_ms" 'BEGIN {printf "%.2f", a / b}')"
  done
done
echo "{\"bundle_certificates\":$bundle_certs,\"steps\":[$json]}" > "$here/results/https.json"
