# Sourced by the dev scripts: makes sure uv exists, then installs the locked environment.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if command -v uv >/dev/null 2>&1; then
    UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
    UV=(python3 -m uv)
else
    echo "==> installing uv (python3 -m pip install --user uv)"
    python3 -m pip install --quiet --user uv
    UV=(python3 -m uv)
fi

echo "==> uv sync (locked dependencies from uv.lock)"
"${UV[@]}" sync --frozen --quiet
