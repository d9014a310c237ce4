# Sourced by the dev scripts: finds uv (installing it when missing), then installs the locked environment.
# Leaves UV=(/absolute/path/to/uv) for the calling script and exports WEIR_UV, so scripts started from it
# (the tests start dev/start-worker and dev/start-beat) reuse the same binary without searching again.
#
# Why the search is not just `python3 -m uv`: which python3 comes first on PATH depends on who started us.
# Under `uv run` (the test suite) it is the project's virtualenv, which has neither uv nor pip; a pyenv shim
# or the system python may be another. So every python3 on PATH is asked, virtualenvs last or not at all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

_uv_works() { [[ -n "$1" && -x "$1" ]] && "$1" --version >/dev/null 2>&1; }

# Every python3 / python3.11 / python on PATH, first occurrence of each path only.
_pythons() { type -ap python3 python3.11 python 2>/dev/null | awk '!seen[$0]++'; }

# True when the interpreter runs inside a virtualenv (the project's .venv: `uv sync` would remove a uv
# installed there, and pip is often missing in it).
_is_venv() { "$1" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)' 2>/dev/null; }

# Prints the absolute path of a working uv, or fails.
_find_uv() {
    local candidate py
    # 1. A parent dev script already found it; `uv run` itself exports UV as its own path.
    for candidate in "${WEIR_UV:-}" "${UV:-}"; do
        if _uv_works "$candidate"; then echo "$candidate"; return 0; fi
    done
    # 2. On PATH.
    candidate="$(command -v uv 2>/dev/null || true)"
    if _uv_works "$candidate"; then echo "$candidate"; return 0; fi
    # 3. Where `pip install --user uv` puts the binary, for each interpreter (~/.local/bin is often not on PATH).
    while IFS= read -r py; do
        candidate="$("$py" -m site --user-base 2>/dev/null || true)/bin/uv"
        if _uv_works "$candidate"; then echo "$candidate"; return 0; fi
    done < <(_pythons)
    if _uv_works "$HOME/.local/bin/uv"; then echo "$HOME/.local/bin/uv"; return 0; fi
    # 4. uv installed as a module of an interpreter that is not a virtualenv: ask it where its binary is.
    while IFS= read -r py; do
        if _is_venv "$py"; then continue; fi
        candidate="$("$py" -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null || true)"
        if _uv_works "$candidate"; then echo "$candidate"; return 0; fi
    done < <(_pythons)
    return 1
}

# Installs uv with the first interpreter that has pip: non-virtualenv interpreters first, with --user
# (no root needed); a plain install when --user is refused (pip refuses it inside a virtualenv).
_install_uv() {
    local py
    local -a plain=() venvs=()
    while IFS= read -r py; do
        if _is_venv "$py"; then venvs+=("$py"); else plain+=("$py"); fi
    done < <(_pythons)
    for py in ${plain[@]+"${plain[@]}"} ${venvs[@]+"${venvs[@]}"}; do
        if ! "$py" -m pip --version >/dev/null 2>&1; then continue; fi
        # Progress goes to stderr: stdout is the path the caller captures.
        echo "==> installing uv ($py -m pip install --user uv)" >&2
        if "$py" -m pip install --quiet --user uv >&2 || "$py" -m pip install --quiet uv >&2; then
            "$py" -c 'import uv; print(uv.find_uv_bin())'
            return 0
        fi
    done
    return 1
}

if ! WEIR_UV="$(_find_uv)"; then
    if ! WEIR_UV="$(_install_uv)" || ! _uv_works "$WEIR_UV"; then
        echo "!! could not find or install uv: no python3 on PATH has pip; install uv (https://docs.astral.sh/uv/)" >&2
        exit 1
    fi
fi
export WEIR_UV
UV=("$WEIR_UV")

echo "==> uv sync (locked dependencies from uv.lock)"
"${UV[@]}" sync --frozen --quiet
