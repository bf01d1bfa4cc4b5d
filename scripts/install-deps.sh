#!/usr/bin/env bash
# Installs what watchpost needs to build and test, from Debian 12's packages. Only what is
# missing is installed; nothing is downloaded from anywhere else. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev               # Boost.Asio, Beast, DLL (header-only parts)
  libcurl4-openssl-dev       # http probe
  libssl-dev                 # TLS certificate expiry, test certificates
  libpcre2-dev               # regex evaluator
  libyaml-cpp-dev            # pipeline files
  nlohmann-json3-dev         # reading results back from JSON (kafka_source)
  libsimdjson-dev            # conditions on JSON bodies (simdjson)
  libcctz-dev tzdata         # maintenance windows: cron schedules in a time zone (Google's CCTZ, IANA zones)
  python3-jsonschema         # tests validate messages against docs/result.schema.json
  kcat                       # benchmarks: the peer kafka_sink is measured against
  librdkafka-dev             # kafka sink/source and the dev broker
  libavro-dev                # kafka sink/source format: avro (the Apache Avro C library)
  python3-avro               # tests: Apache Avro's Python library reads and writes beside watchpost
  libpqxx-dev                # postgres sink
  postgresql                 # tests start a real server
  libgtest-dev               # test suite
  clang libclang-rt-14-dev   # make fuzz: libFuzzer
  prometheus-blackbox-exporter  # tests compare /probe with it; benchmarks measure against it
  dnsmasq-base               # the dns probe's tests ask a real DNS server
  prometheus-alertmanager    # alerting tests deliver to a real Alertmanager
  python3-aiosmtpd           # the email notifier's test delivers to a real SMTP server
  libsodium-dev              # the REST API: Argon2id password hashes, random tokens
  libjwt-dev                 # the REST API: access tokens (JWT, HS256)
  prometheus                 # tests: a real Prometheus scrapes the admin endpoint; promtool checks rules
  chromium chromium-driver python3-selenium   # tests: the web page in a real (headless) browser
  curl jq                    # the README's REST API session (docs/api.md)
)

# `install-deps.sh bench` adds what only the benchmarks need (nginx as the target, wrk as
# the limit).
if [ "${1:-}" = bench ]; then
  packages+=(nginx-light wrk)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo > /dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
