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

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
