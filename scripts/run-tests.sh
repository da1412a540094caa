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
.venv/bin/python -m pytest ${PYTEST_ARGS:-} "$@"
