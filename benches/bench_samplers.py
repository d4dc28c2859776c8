"""Kept for `make bench` and old habits: the benchmark is now `python -m ferrosampler bench`.

Usage (from the repository root): .venv/bin/python benches/bench_samplers.py --output BENCHMARKS.md
Arguments are the command's (see `python -m ferrosampler bench --help`).
"""

from __future__ import annotations

import sys

from ferrosampler._cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]], prog="benches/bench_samplers.py"))
