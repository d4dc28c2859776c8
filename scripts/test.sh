#!/usr/bin/env bash
# The whole check, from a fresh clone: set up, Rust tests, stub check, Python tests.
# Extra arguments go to pytest (e.g. `-m slow` for the long soak runs).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo test --quiet
.venv/bin/python -m mypy.stubtest ferrosampler._core
.venv/bin/python -m mypy
.venv/bin/python -m pytest "$@"
