#!/usr/bin/env bash
# What `make test` runs after the venv is ready: start PostgreSQL, run pytest, stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
pgdir=$(mktemp -d /tmp/verloop-pg.XXXXXX)
port=${VERLOOP_TEST_PG_PORT:-$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
url=$(bash scripts/pg-test-server.sh start "$pgdir" "$port")
trap 'bash scripts/pg-test-server.sh stop "$pgdir"' EXIT
export VERLOOP_TEST_PG="$url" VERLOOP_TEST_PG_DIR="$pgdir" VERLOOP_TEST_PG_PORT="$port"
export VERLOOP_CHROMIUM=${VERLOOP_CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}
if [ "$#" -gt 0 ]; then
  .venv/bin/python -m pytest ${PYTEST_ARGS:-} "$@"
  exit
fi
# The whole suite in two runs: everything without a browser spread over the cores (each xdist
# worker has its own PostgreSQL database, see tests/conftest.py), then the browser tests one after
# the other (each starts real Voila servers and Chromium; beside other work they only wait longer),
# with the tests marked serial (they restart the shared PostgreSQL server).
# Both run even when the first fails; the exit status is the first failure's.
status=0
.venv/bin/python -m pytest ${PYTEST_ARGS:-} -m "not browser and not serial" -n "${VERLOOP_TEST_WORKERS:-2}" || status=$?
.venv/bin/python -m pytest ${PYTEST_ARGS:-} -m "browser or serial" || { s=$?; [ "$status" -ne 0 ] || status=$s; }
exit "$status"
