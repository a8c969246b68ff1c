# Shared by scripts/dev.sh and scripts/test.sh (sourced, not run): a .venv with the portal
# installed, on a machine that starts with nothing but Python 3.11, pip and the registries.
#
# Why a stamp file: `pip install -e .` costs seconds even when nothing changed; the stamp holds a
# hash of pyproject.toml and the extras installed, so the edit-run loop skips pip until the
# dependencies change. A fresh clone has no .venv, so CI always installs.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

find_python() {
    local candidate
    for candidate in python3.11 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.11 or newer is needed (python3.11, python3 or python on PATH)" >&2
    return 1
}

as_root_apt_install() {
    # Debian's Python splits venv/ensurepip into a package; install it when we may.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing $* with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
        return 0
    fi
    return 1
}

ensure_venv() {
    # ensure_venv [EXTRA]: create .venv if missing and install the portal (with EXTRA, e.g. test).
    local extra="${1:-}" python target stamp want
    if [ ! -x "$PY" ]; then
        python="$(find_python)"
        say "creating $VENV with $($python --version)"
        if ! "$python" -m venv "$VENV" 2>/dev/null; then
            rm -rf "$VENV"
            as_root_apt_install python3-venv ||
                { echo "error: '$python -m venv' failed: install python3-venv" >&2; return 1; }
            "$python" -m venv "$VENV"
        fi
    fi
    target="."
    [ -n "$extra" ] && target=".[$extra]"
    stamp="$VENV/.portal-installed${extra:+-$extra}"
    want="$(cat "$REPO/pyproject.toml" | "$PY" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        say "installing the portal: pip install -e '$target'"
        (cd "$REPO" && "$PY" -m pip install --quiet --disable-pip-version-check -e "$target")
        echo "$want" >"$stamp"
    fi
}
