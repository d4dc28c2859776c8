"""Per-record cost of ``ferrosampler.grain.Sampler`` against Grain's own ``IndexSampler``, in one process.

Usage (from the repository root, with grain installed):

    .venv/bin/python benches/bench_grain.py [--records 1e6] [--reads 20000] [--repeat 5]

Both samplers shuffle ``--records`` records with seed 7 and are read as Grain's DataLoader reads them: global
indices s, s + S, … of one shard (S = 1 and 4). Each figure is the median over ``--repeat`` runs of µs per
``sampler[index]``. Both build the same per-record ``numpy.random.Generator(Philox(key=seed + index))``, whose
cost is printed on its own (``rng only``) and subtracted in the last column: what the sampler itself costs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def medians(readers: dict[str, Callable[[int], Any]], shards: int, reads: int, repeat: int) -> dict[str, float]:
    """Median µs per read of each reader: the readers take turns, pass after pass (so machine load hits all
    alike), each pass over fresh indices of one shard (stride ``shards``)."""
    runs: dict[str, list[float]] = {name: [] for name in readers}
    for r in range(repeat):
        indices = range(r * reads * shards, (r + 1) * reads * shards, shards)
        for name, read in readers.items():
            start = time.perf_counter()
            for index in indices:
                read(index)
            runs[name].append((time.perf_counter() - start) / reads * 1e6)
    return {name: statistics.median(times) for name, times in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=float, default=1e6)
    parser.add_argument("--reads", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import grain.python as grain

    import ferrosampler
    import ferrosampler.grain

    n, seed = int(args.records), 7
    ours = ferrosampler.grain.Sampler(ferrosampler.RandomSampler(range(n), seed=seed))
    theirs = grain.IndexSampler(num_records=n, shuffle=True, seed=seed)

    def rng_only(index: int) -> Any:
        return np.random.Generator(np.random.Philox(key=seed + index))

    print(f"records={n} reads={args.reads} repeat={args.repeat} (µs per record, median)")
    print(f"{'shards':>6} {'sampler':<34} {'µs/record':>10} {'minus rng':>10}")
    readers = {
        "ferrosampler.grain.Sampler": ours.__getitem__,
        "grain.python.IndexSampler": theirs.__getitem__,
        "rng only (Philox Generator)": rng_only,
    }
    for shards in (1, 4):
        costs = medians(readers, shards, args.reads, args.repeat)
        rng = costs["rng only (Philox Generator)"]
        for name, cost in costs.items():
            print(f"{shards:>6} {name:<34} {cost:>10.2f} {cost - rng:>10.2f}")


if __name__ == "__main__":
    main()
