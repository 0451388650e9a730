#!/usr/bin/env bash
# Installs everything the test suite needs and runs all of it.
# The README's second command and .ci/run both call this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium (and a CJK font) for the browser tests: they fail, never skip, without it.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install chromium fonts-wqy-zenhei' first." >&2
  fi
fi

# PostgreSQL for the database tests (in CI they fail without it): Debian's server, started here.
if [ -z "${TEST_DATABASE_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  [ -d "/etc/postgresql/$pg_version/main" ] || pg_createcluster "$pg_version" main >/dev/null
  pg_ctlcluster "$pg_version" main start 2>/dev/null || true
  pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')
  pg_isready -q -h 127.0.0.1 -p "$pg_port" -t 30
  psql_admin() { runuser -u postgres -- psql -p "$pg_port" -qtAX "$@"; }
  [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'planner_test'")" = 1 ] ||
    psql_admin -c "CREATE ROLE planner_test LOGIN PASSWORD 'planner_test'"
  [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'planner_test'")" = 1 ] ||
    psql_admin -c "CREATE DATABASE planner_test OWNER planner_test"
  export TEST_DATABASE_URL="postgresql://planner_test:planner_test@127.0.0.1:$pg_port/planner_test"
fi

# Debian's redis-server for the job-queue tests (in CI they fail without it); the tests start their own
# server on a free port in a temporary folder, so nothing else is set up here.
if [ -z "${TEST_REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: run 'sudo apt-get install redis-server' first." >&2
  fi
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
