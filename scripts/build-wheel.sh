#!/usr/bin/env bash
# Wheels without Docker, zig as the linker (manylinux2014: glibc 2.17), into dist/:
#   - the cp310-abi3 wheel, for every CPython >= 3.10 with a GIL;
#   - the cp314t wheel, for free-threaded CPython 3.14 (built from maturin's bundled 3.14t
#     sysconfig, so no free-threaded interpreter is needed here);
#   - the sdist.
# Then a clean venv with only numpy installs the abi3 wheel and runs `verify`: the wheel must
# agree with the pure-Python reference. torch and MindSpore are never installed: the build venv
# (.venv-build) has only the `build` dependency group, maturin and ziglang.
# FERROSAMPLER_FREE_THREADED=0 skips the cp314t wheel.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
[[ -x .venv-build/bin/python ]] || "$PYTHON" -m venv .venv-build
.venv-build/bin/python -m pip install --quiet --upgrade "pip>=25.1"  # 25.1: --group
.venv-build/bin/python -m pip install --quiet --group build

export VIRTUAL_ENV="$PWD/.venv-build" PATH="$PWD/.venv-build/bin:$PATH"
host=$(rustc -vV | sed -n 's/^host: //p')
rm -rf dist
maturin build --quiet --release --zig --target "$host" --compatibility manylinux2014 --out dist
if [[ ${FERROSAMPLER_FREE_THREADED:-1} != 0 ]]; then
    maturin build --quiet --release --zig --target "$host" --compatibility manylinux2014 \
        --interpreter python3.14t --out dist
fi
maturin sdist --out dist
unset VIRTUAL_ENV

smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
"$PYTHON" -m venv "$smoke"
"$smoke/bin/python" -m pip install --quiet numpy dist/ferrosampler-*-abi3-*.whl
(cd "$smoke" && "$smoke/bin/python" -m ferrosampler verify --examples 100)
ls dist
