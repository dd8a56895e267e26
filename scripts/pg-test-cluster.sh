#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the library's tests (issue 17).
#
#   scripts/pg-test-cluster.sh start DIR   # prints the URL to export as SLA_LEDGER_TEST_PG_URL
#   scripts/pg-test-cluster.sh stop DIR    # stops it and deletes DIR
#
# initdb refuses to run as root, so as root the cluster runs as the system
# user `slapg` (created if missing). It listens on 127.0.0.1 on a free port
# and on a unix socket inside DIR, with trust authentication: it exists only
# for the length of a test run. The locale is C so that text sorts by code
# point, as SQLite sorts it.
set -euo pipefail
cmd=${1:?usage: pg-test-cluster.sh start|stop DIR}
dir=${2:?usage: pg-test-cluster.sh start|stop DIR}
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "no PostgreSQL server binaries (install the postgresql package)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u slapg -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ "$(id -u)" = 0 ] && ! id slapg >/dev/null 2>&1; then
    useradd -r -m -s /usr/sbin/nologin slapg
  fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown slapg "$dir"
  # A free port: ask the kernel for one, then let it go.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --locale=C -E UTF8 >"$dir/initdb.log"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null
  echo "$port" >"$dir/port"
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg-test-cluster.sh start|stop DIR" >&2
  exit 2
  ;;
esac
