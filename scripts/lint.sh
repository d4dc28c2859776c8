#!/usr/bin/env bash
# The lint gates: formatters in check mode, clippy with warnings as errors, ruff, the stub check, mypy.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --check
cargo clippy --quiet --all-targets --all-features -- -D warnings
.venv/bin/python -m ruff format --check --quiet .
.venv/bin/python -m ruff check --quiet .
.venv/bin/python -m mypy.stubtest ferrosampler._core
.venv/bin/python -m mypy
