#!/usr/bin/env bash
# The lint gates: formatters in check mode, clippy with warnings as errors, ruff, the stub
# check, mypy, and the GitHub workflows (zizmor offline, the workflow JSON schema).
# PY picks the interpreter (default .venv's; scripts/test.sh passes its wheel venv's).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
[[ $PY == /* ]] || PY="$PWD/$PY"  # absolute: cargo runs pyo3's build script elsewhere
bin=$(dirname "$PY")

echo "== lint: rustfmt, clippy"
cargo fmt --check
PYO3_PYTHON="$PY" cargo clippy --quiet --all-targets --all-features -- -D warnings
echo "== lint: ruff, stubtest, mypy"
"$PY" -m ruff format --check --quiet .
"$PY" -m ruff check --quiet .
"$PY" -m mypy.stubtest ferrosampler._core
"$PY" -m mypy
echo "== lint: workflows (zizmor --offline, schema)"
"$bin/zizmor" --offline .github/workflows
"$bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
