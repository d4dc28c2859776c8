"""python -m ferrosampler demo | verify"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from typing import Any

import numpy as np

import ferrosampler as fs
import ferrosampler.reference as ref


def demo() -> None:
    """Class-balanced sampling of an imbalanced data set, as in the README quickstart."""
    labels = np.array([0] * 900 + [1] * 90 + [2] * 10)
    class_counts = np.bincount(labels)
    weights = 1.0 / class_counts[labels]
    sampler = fs.WeightedRandomSampler(weights, num_samples=len(weights), seed=2024)
    drawn = labels[sampler.epoch_indices(0)]
    print("labels in the data set :", dict(collections.Counter(labels.tolist())))
    print("labels in one epoch    :", dict(sorted(collections.Counter(drawn.tolist()).items())))
    shards = [fs.DistributedSampler(range(10), num_replicas=4, rank=r, seed=7) for r in range(4)]
    print("DistributedSampler(10 items, 4 ranks):", [list(s) for s in shards])
    same = list(fs.RandomSampler(range(12), seed=5)) == list(ref.RandomSampler(range(12), seed=5))
    print("Rust engine == pure-Python reference:", same)


# Spec v1 answers (tests/golden/vectors.json has more): they catch a change that would
# move both engines together, which comparing the two cannot.
KNOWN_ANSWERS = [
    (lambda m: m.keystream_words(0, 0, 0, 0, 4), [764339688, 3214201139, 2799327745, 980649845]),
    (lambda m: m.permutation_stream(0, 0, 0, 10, 0, 10), [7, 3, 1, 2, 6, 5, 0, 8, 4, 9]),
    (lambda m: m.WeightTable([1.0, 0.0, 2.5, 1e-3]).alias_draws(0, 0, 0, 8), [2, 2, 0, 2, 2, 2, 2, 0]),
    (lambda m: m.strided_permutation(0, 0, 10, True, 1, 3, 4), [3, 6, 8, 7]),
]


def verify(examples: int, seed: int) -> int:
    """Known answers of spec v1, then random (sampler, seed, epoch, size) cases, Rust
    against the reference."""
    import ferrosampler._core as rust
    from ferrosampler.reference import _engine as reference

    mismatches = 0
    for call, expected in KNOWN_ANSWERS:
        for engine in (rust, reference):
            mismatches += [int(v) for v in call(engine)] != expected
    rng = random.Random(seed)
    for _ in range(examples):
        n, s, e = rng.randint(1, 200), rng.getrandbits(64), rng.randint(0, 1000)
        weights = [rng.choice([0.0, rng.random(), rng.random() * 1e6]) for _ in range(n)]
        weights[rng.randrange(n)] = 1.0
        cases: list[tuple[Any, Any]] = [
            (fs.RandomSampler(range(n), seed=s), ref.RandomSampler(range(n), seed=s)),
            (fs.RandomSampler(range(n), True, 3 * n, seed=s), ref.RandomSampler(range(n), True, 3 * n, seed=s)),
            (fs.WeightedRandomSampler(weights, n, seed=s), ref.WeightedRandomSampler(weights, n, seed=s)),
            (fs.DistributedSampler(range(n), 3, 1, seed=s), ref.DistributedSampler(range(n), 3, 1, seed=s)),
            (
                fs.SubsetRandomSampler(list(range(0, 3 * n, 3)), seed=s),
                ref.SubsetRandomSampler(list(range(0, 3 * n, 3)), seed=s),
            ),
            (
                fs.WeightedRandomSampler(weights, 1, replacement=False, seed=s),
                ref.WeightedRandomSampler(weights, 1, replacement=False, seed=s),
            ),
        ]
        for fast, slow in cases:
            fast.set_epoch(e)
            slow.set_epoch(e)
            mismatches += list(fast) != list(slow)
    print(f"{len(KNOWN_ANSWERS) * 2} known answers and {examples * 6} comparisons, {mismatches} mismatches")
    return 1 if mismatches else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ferrosampler")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="show the samplers at work")
    check = commands.add_parser("verify", help="compare the Rust engine with the pure-Python reference")
    check.add_argument("--examples", type=int, default=200)
    check.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo()
        return 0
    return verify(args.examples, args.seed)


if __name__ == "__main__":
    sys.exit(main())
