#!/usr/bin/env bash
# A manylinux2014 abi3 wheel without Docker (zig as the linker), smoke-tested in a clean
# venv that has only numpy: the wheel must agree with the pure-Python reference.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -x .venv/bin/python ]] || bash scripts/setup.sh
.venv/bin/python -m pip install --quiet ziglang
rm -rf dist
VIRTUAL_ENV="$PWD/.venv" PATH="$PWD/.venv/bin:$PATH" \
    maturin build --release --zig --compatibility manylinux2014 --out dist
smoke=$(mktemp -d)
python3 -m venv "$smoke"
"$smoke/bin/python" -m pip install --quiet numpy dist/*.whl
(cd "$smoke" && "$smoke/bin/python" -m ferrosampler verify --examples 100)
rm -rf "$smoke"
ls dist
