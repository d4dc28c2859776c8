#!/usr/bin/env bash
# The whole check, from a fresh clone, against the built wheel (never an editable install):
#   1. scripts/build-wheel.sh: the abi3 and cp314t wheels and the sdist, with zig;
#   2. a fresh .venv-test: the abi3 wheel and the test, lint and docs dependency groups;
#   3. the lint gates (scripts/lint.sh, which also checks the workflows), the wheel audits,
#      cargo test, the docs site with warnings as errors, and pytest on the installed wheel.
# Extra arguments go to pytest (e.g. `-m slow` for the long soak runs).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
bash scripts/build-wheel.sh

rm -rf .venv-test
"$PYTHON" -m venv .venv-test
py=.venv-test/bin/python
$py -m pip install --quiet --upgrade "pip>=25.1"
$py -m pip install --quiet --group test --group lint --group docs dist/ferrosampler-*-abi3-*.whl

# Both the package and its extension must come from the installed wheel.
$py - <<'PY'
import pathlib, sys, sysconfig
import ferrosampler, ferrosampler._core
site = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
for module in (ferrosampler, ferrosampler._core):
    where = pathlib.Path(module.__file__).resolve()
    if site not in where.parents:
        sys.exit(f"{module.__name__} imported from {where}, not from the installed wheel in {site}")
print("testing ferrosampler", ferrosampler.__version__, "installed at", pathlib.Path(ferrosampler.__file__).parent)
PY

PY=$py bash scripts/lint.sh

echo "== wheel audits"
$py -m abi3audit --strict --summary dist/ferrosampler-*-abi3-*.whl
for wheel in dist/*.whl; do
    $py -m auditwheel show "$wheel"
done

echo "== cargo test"
cargo test --quiet

echo "== docs (mkdocs build --strict)"
site=$(mktemp -d)
NO_MKDOCS_2_WARNING=1 .venv-test/bin/mkdocs build --strict --quiet --site-dir "$site"
rm -rf "$site"

echo "== pytest (installed wheel)"
# From the repository root, whose sys.path entry has no ferrosampler package (it lives in
# python/); tests/delivery checks again where the package was imported from.
FERROSAMPLER_EXPECT_INSTALLED=1 $py -m pytest "$@"
