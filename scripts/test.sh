#!/usr/bin/env bash
# Runs the whole test suite in an environment of its own; installs what it needs (as root).
# The README's second command and .ci/run both call this script; arguments go to pytest.
#
# - Python: a virtual environment of the tests' own, never the user's .venv (an editable install
#   there moved the app's default database to the checkout's instance/ folder, and accounts
#   "vanished"). It lives outside the checkout, $PLANNER_TEST_VENV or
#   ~/.cache/dongjiao-panda-planner/test-venv-<digest>, named by a digest of the Python version and of
#   pyproject.toml's dependencies: built once (a minute or two), then reused by every run and every
#   clone until the dependencies change (older ones can be deleted). It holds the dependencies only; the code tested is this
#   checkout's (PYTHONPATH), so nothing is installed from here.
# - Services: the tests start their own PostgreSQL (initdb in a temporary folder, on a Unix socket)
#   and Redis (a free port on 127.0.0.1) and stop them when they end. This script gives them a
#   temporary folder of their own and, whenever it exits (success, failure, Ctrl-C), stops whatever
#   is still running there and deletes it. A server that installing a package started (Debian's
#   postinst starts PostgreSQL's main cluster and redis-server) is stopped at once: nothing keeps
#   running after this script. Servers that ran before it are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
as_root() { [ "$(id -u)" = 0 ]; }

RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/planner-tests.XXXXXX")
chmod 755 "$RUN_TMP"  # the tests' PostgreSQL runs as the postgres user when we are root

stop_leftovers() {
  # PostgreSQL servers of this run still up (a run killed before its fixtures ended): fast shutdown
  local pidfile pid
  for pidfile in "$RUN_TMP"/planner-pg-*/data/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(head -n 1 "$pidfile")
    kill -INT "$pid" 2>/dev/null || true
  done
  # Any other process working in this run's folder (a Redis server runs in its --dir)
  local cwd
  for cwd in /proc/[0-9]*/cwd; do
    case "$(readlink "$cwd" 2>/dev/null)" in
      "$RUN_TMP"/*) pid=${cwd#/proc/}; kill "${pid%/cwd}" 2>/dev/null || true ;;
    esac
  done
}

PYTEST_PID=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$PYTEST_PID" ]; then  # pytest and every process it started (its own process group)
    kill -TERM -- "-$PYTEST_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PYTEST_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$PYTEST_PID" 2>/dev/null || true
  fi
  stop_leftovers
  sleep 0.2
  rm -rf "$RUN_TMP" 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian's Chromium (and a CJK font) for the browser tests: they fail, never skip, without it.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then
  if as_root; then
    apt_install chromium fonts-wqy-zenhei
  else
    echo "Chromium is missing: run 'sudo apt-get install chromium fonts-wqy-zenhei' first." >&2
  fi
fi

# PostgreSQL's binaries for the database tests (in CI they fail without them); the tests run their
# own server. Installing the package starts a main cluster: stop the clusters the install started.
if [ -z "${TEST_DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if as_root; then
    apt_install postgresql
    for cluster in $(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1 "/" $2}'); do
      pg_ctlcluster "${cluster%/*}" "${cluster#*/}" stop || true
    done
  else
    echo "PostgreSQL is missing: run 'sudo apt-get install postgresql' first." >&2
  fi
fi

# Debian's redis-server for the job-queue tests (in CI they fail without it); the tests start their
# own. Installing it starts the system's redis-server: stop the ones the install started.
if [ -z "${TEST_REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  if as_root; then
    before=$(pgrep -x redis-server 2>/dev/null || true)
    apt_install redis-server
    for pid in $(pgrep -x redis-server 2>/dev/null || true); do
      case " $before " in *" $pid "*) ;; *) kill "$pid" 2>/dev/null || true ;; esac
    done
  else
    echo "redis-server is missing: run 'sudo apt-get install redis-server' first." >&2
  fi
fi

# The tests' own Python environment (see the top of this file).
PYTHON=${PYTHON:-python3}
requirements="$RUN_TMP/requirements.txt"
"$PYTHON" - "$requirements" <<'EOF'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
wanted = project["dependencies"] + project["optional-dependencies"]["test"]
open(sys.argv[1], "w").write("\n".join(wanted) + "\n")
EOF
digest=$( { "$PYTHON" -c 'import sys; print(sys.version)'; cat "$requirements"; } | sha256sum | cut -c1-16)
VENV=${PLANNER_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/dongjiao-panda-planner/test-venv-$digest}
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9  # one build at a time; a second run waits, then finds it built
if ! cmp -s "$requirements" "$VENV/requirements.txt"; then  # copied last: a built environment
  echo "Building the tests' Python environment in $VENV (once, until pyproject.toml changes) ..." >&2
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$VENV/requirements.txt"
fi
flock -u 9

# In the background (a process group of its own) and waited for, so a signal to this script (a CI
# timeout's TERM, Ctrl-C) runs the trap at once: it stops pytest and everything it started (workers,
# Redis), then any PostgreSQL server pytest had no time to stop.
TMPDIR="$RUN_TMP" PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" setsid "$VENV/bin/python" -m pytest "$@" &
PYTEST_PID=$!
status=0
wait "$PYTEST_PID" || status=$?
PYTEST_PID=
exit "$status"
