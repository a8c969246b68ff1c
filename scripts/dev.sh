#!/usr/bin/env bash
# Set up and run the portal: .venv + install, build, then serve on http://127.0.0.1:8000 with
# live reload. Extra arguments go to `build.py serve` (e.g. --port 8001; PORT=8001 works too).
source "$(dirname "$0")/_setup.sh"
ensure_venv
# `build.py ingest` reads old binary Word .doc files with LibreOffice (portal/extract/doc.py).
command -v soffice >/dev/null 2>&1 || as_root_apt_install libreoffice-writer-nogui ||
    say "warning: LibreOffice is missing, so ingest cannot read .doc files: apt-get install -y libreoffice-writer-nogui"
cd "$REPO"
say "building and serving (Ctrl-C stops)"
exec "$PY" build.py serve --port "${PORT:-8000}" "$@"
