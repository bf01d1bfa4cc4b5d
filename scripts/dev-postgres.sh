#!/usr/bin/env bash
# A throwaway PostgreSQL for the demo, in a folder of the build tree.
#   dev-postgres.sh start DIR   -> prints "dsn host=127.0.0.1 port=... user=watchpost ..."
#   dev-postgres.sh stop DIR
# Uses Debian's server binaries; runs them as the postgres user when invoked as root
# (PostgreSQL refuses to run as root).
set -euo pipefail
cmd=$1 dir=$(mkdir -p "$2" && cd "$2" && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "dev-postgres: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# As root the server runs as `postgres`, which must reach its folder. A clone in a private
# folder (mktemp -d, /root) is out of its reach: the data then lives in a folder of its own
# under /tmp, and DIR/elsewhere says where (so stop, and the next start, find it).
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir"; then
  if [ ! -f "$dir/elsewhere" ]; then
    home=$(mktemp -d /tmp/watchpost-postgres.XXXXXX)
    chmod 755 "$home"
    echo "$home" > "$dir/elsewhere"
  fi
  dir=$(cat "$dir/elsewhere")
fi

case "$cmd" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
      echo demo > "$dir/pw"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pw"
      as_pg "$bindir/initdb" -D "$dir/data" -U watchpost --pwfile="$dir/pw" -A scram-sha-256 --no-sync -E UTF8 \
        --locale=C > "$dir/initdb.log"
    fi
    # A port nobody answers on can still be taken (a socket bound without listening), so the
    # server's own bind decides: on failure, the next free-looking port.
    port=""
    for p in $(seq 55432 55532); do
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
      if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
          -o "-c listen_addresses=127.0.0.1 -p $p -c unix_socket_directories=$dir" start > /dev/null; then
        port=$p
        break
      fi
    done
    [ -n "$port" ] || { echo "dev-postgres: could not start PostgreSQL on a port in 55432-55532; see $dir/server.log" >&2; exit 1; }
    echo "dsn host=127.0.0.1 port=$port user=watchpost password=demo dbname=postgres"
    ;;
  stop)
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true
    ;;
  *) echo "usage: dev-postgres.sh start|stop DIR" >&2; exit 64 ;;
esac
