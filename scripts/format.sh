#!/usr/bin/env bash
# Rewrites the tree in the house style (rustfmt.toml, [tool.ruff] in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt
.venv/bin/python -m ruff format .
.venv/bin/python -m ruff check --fix .
