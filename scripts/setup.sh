#!/usr/bin/env bash
# The contributor's setup: fresh machine -> ./.venv with every dependency group (`dev` in
# pyproject.toml: test, lint, docs, bench, build) and an editable release build of ferrosampler.
# (scripts/test.sh does not use it: it tests the built wheel in a venv of its own.)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"  # 25.1: PEP 735 --group
.venv/bin/python -m pip install --quiet --group dev
VIRTUAL_ENV="$PWD/.venv" PATH="$PWD/.venv/bin:$PATH" maturin develop --release --quiet
.venv/bin/python -c "import ferrosampler, ferrosampler.reference; print('ferrosampler', ferrosampler.__version__, 'ready in .venv')"
