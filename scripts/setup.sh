#!/usr/bin/env bash
# Fresh machine -> working ferrosampler in ./.venv: Python deps, Rust deps, release build.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-dev.txt
VIRTUAL_ENV="$PWD/.venv" PATH="$PWD/.venv/bin:$PATH" maturin develop --release --quiet
.venv/bin/python -c "import ferrosampler, ferrosampler.reference; print('ferrosampler', ferrosampler.__version__, 'ready in .venv')"
