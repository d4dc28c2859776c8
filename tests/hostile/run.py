"""The full hostile run, from the repo root:

    nice -n 15 .venv/bin/python -m tests.hostile.run --cases 100000 --json /tmp/hostile-full.json

Prints the counts by outcome and per case family, and every finding with what replays it
(``--only INDEX --seed S``, S the run seed, 1 by default; the pytest slice is run seed 0); ``--family cases_lengths``
runs only the first ``--cases`` indices whose case name contains that text; findings listed in
known.py are labelled, not excused: exits 1 if any case is a finding. ``--json FILE`` also writes the report."""

from __future__ import annotations

import argparse
import json
import sys
import time

from .cases import ALL, case_name
from .judge import GOOD
from .pool import run_cases


def family_indices(family: str, count: int) -> list[int]:
    """The first ``count`` case indices whose case name contains ``family`` (in index order: replayable)."""
    period = [i for i in range(len(ALL)) if family in case_name(i)]
    if not period:
        raise SystemExit(f"no case name contains {family!r}")
    return [cycle * len(ALL) + i for cycle in range(-(-count // len(period))) for i in period][:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1, help="run seed (the default pytest slice is run seed 0)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", type=int, action="append", help="replay one case index (repeatable)")
    parser.add_argument("--family", help="only the cases whose name contains this text (e.g. cases_lengths)")
    parser.add_argument("--json")
    args = parser.parse_args()
    started = time.monotonic()
    indices = args.only or (family_indices(args.family, args.cases) if args.family else range(args.cases))
    report = run_cases(indices, run_seed=args.seed, workers=args.workers)
    print(report.summary())
    print(f"{time.monotonic() - started:.0f} s")
    for name, counts in sorted(report.by_case.items()):
        print(f"  {name}: {dict(sorted(counts.items()))}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"counts": report.counts, "by_case": report.by_case, "findings": report.findings}, out, indent=1)
    return 0 if all(outcome in GOOD for outcome in report.counts) else 1


if __name__ == "__main__":
    sys.exit(main())
