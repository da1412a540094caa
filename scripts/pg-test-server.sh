#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server on 127.0.0.1 for the test suite.
#   scripts/pg-test-server.sh start DIR PORT   -> prints the admin URL
#   scripts/pg-test-server.sh stop DIR
# Installs Debian's postgresql when no server binaries are found. Runs the server as the
# `postgres` system user when we are root (PostgreSQL refuses to run as root).
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
port=${3:-55432}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

run_pg() {  # run a postgres binary as the right user
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  if ! bindir=$(find_bindir); then
    echo "PostgreSQL server not found: installing Debian package postgresql..." >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -q postgresql >&2 || { as_root apt-get update -q >&2 && as_root apt-get install -y -q postgresql >&2; }
    bindir=$(find_bindir)
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
  run_pg "$bindir/initdb" -D "$dir/data" -U verloop --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  run_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql+psycopg://verloop@127.0.0.1:$port/postgres"
  ;;
stop)
  if bindir=$(find_bindir) && [ -d "$dir/data" ]; then
    run_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
  ;;
restart)  # used by fault-injection tests: kill the server and start it again on the same port
  bindir=$(find_bindir)
  run_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  run_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2
  ;;
*) echo "usage: $0 start|stop|restart DIR [PORT]" >&2; exit 2 ;;
esac
