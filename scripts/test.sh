#!/usr/bin/env bash
# The whole check, from a fresh clone: set up, lint gates, Rust tests, Python tests.
# Extra arguments go to pytest (e.g. `-m slow` for the long soak runs).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/lint.sh
cargo test --quiet
.venv/bin/python -m pytest "$@"
