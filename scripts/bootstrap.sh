# Sourced by ./learn and ./run-tests: makes sure .venv exists and holds the workspace.
# First use creates the virtual environment and installs everything (a minute or
# two); afterwards it only compares a stamp, so it costs milliseconds.
# Override the interpreter with PYTHON=/path/to/python3.x (3.11 or newer).

WORKSPACE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$WORKSPACE_ROOT/.venv"

_find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

_bootstrap() {
    local stamp="$VENV/.workspace-stamp" want py
    want="$(cat "$WORKSPACE_ROOT/pyproject.toml" "$WORKSPACE_ROOT/scripts/bootstrap.sh" | cksum | cut -d' ' -f1)"
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        if ! py="$(_find_python)"; then
            echo "error: Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11" >&2
            return 1
        fi
        echo "setup: creating the virtual environment in .venv with $py" >&2
        "$py" -m venv "$VENV" || return 1
    fi
    # Keep a torch the learner installed first (a CUDA build of 2.13.0, say).
    if ! "$VENV/bin/python" -c 'import torch' >/dev/null 2>&1; then
        echo "setup: installing torch==2.13.0 (CPU build unless you installed CUDA first, see README)" >&2
        "$VENV/bin/python" -m pip install --quiet "torch==2.13.0" || return 1
    fi
    echo "setup: installing the workspace (editable) and its tools" >&2
    "$VENV/bin/python" -m pip install --quiet -e "$WORKSPACE_ROOT" || return 1
    echo "$want" >"$stamp"
    echo "setup: done" >&2
}

_bootstrap || { echo "error: setup failed; see the messages above" >&2; exit 1; }
