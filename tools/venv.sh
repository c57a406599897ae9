# Sourced by the quickstart scripts: create or refresh ./.venv with apifuzz and its dev tools.
# A stamp records the hash of pyproject.toml, so an unchanged setup costs nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "ERROR: apifuzz needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    return 1
}

if [ ! -x .venv/bin/python ]; then
    echo "INFO: creating .venv" >&2
    "$(find_python)" -m venv .venv
fi
STAMP=.venv/.apifuzz-setup
WANT="$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open("pyproject.toml","rb").read()).hexdigest())')"
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
    echo "INFO: installing apifuzz and its dependencies into .venv" >&2
    # pip and setuptools talk a lot; keep it in a log unless something fails.
    if ! { .venv/bin/python -m pip install --upgrade pip &&
           .venv/bin/python -m pip install -e '.[dev]'; } > .venv/install.log 2>&1; then
        cat .venv/install.log >&2
        echo "ERROR: installing into .venv failed (log above, also in .venv/install.log)" >&2
        exit 1
    fi
    echo "$WANT" > "$STAMP"
fi
# pip compiles what it installs, but an editable install leaves the sources: compile them
# here (only what changed), or with PYTHONDONTWRITEBYTECODE set every apifuzz process, a
# fuzzing worker or a replay, would compile apifuzz afresh at start (about 0.1 s each).
.venv/bin/python -m compileall -q apifuzz example_timeline example_fs tests tools >/dev/null ||
    echo "WARNING: compiling apifuzz's bytecode failed; it runs, only starts slower" >&2
export PATH="$ROOT/.venv/bin:$PATH"
