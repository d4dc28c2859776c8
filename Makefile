# Thin wrappers: every target runs the script that CI and the README use.
.PHONY: setup test lint format bench

setup:
	bash scripts/setup.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

format:
	bash scripts/format.sh

bench:
	.venv/bin/python -m ferrosampler bench --sizes 1e6,1e7 --repeat 3 --load 2 --output BENCHMARKS.md --plot docs/benchmarks.png --notes benches/targets-not-met.md
