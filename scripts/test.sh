#!/usr/bin/env bash
# Set up and run the tests: .venv + install with the [test] extra, Debian's Chromium (installed
# with apt-get when missing and we are root), then pytest. Extra arguments go to pytest.
source "$(dirname "$0")/_setup.sh"
ensure_venv test
cd "$REPO"
# The same check runs inside pytest (tests/_chromium.py), so `python -m pytest` alone enforces it.
"$PY" -m tests._chromium
say "running the tests"
exec "$PY" -m pytest "$@"
