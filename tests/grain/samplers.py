"""The samplers the Grain adapters are tested over (fixed seeds), and each epoch as iterating the sampler gives it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

N = 37  # not a multiple of 2, 3 or 4: shards and ranks are uneven
WEIGHTS = [float(i % 5) for i in range(N)]  # a zero every 5th row
LABELS = [i % 4 for i in range(N)]


def recipes(family: Any) -> dict[str, Callable[[], Any]]:
    """name -> a fresh sampler of ``family`` (``ferrosampler`` or ``ferrosampler.reference``)."""
    f = family
    return {
        "random": lambda: f.RandomSampler(range(N), seed=11),
        "random-fisher-yates": lambda: f.RandomSampler(range(N), seed=11, permutation="fisher-yates"),
        "random-replacement": lambda: f.RandomSampler(range(N), True, 50, seed=12),
        "subset": lambda: f.SubsetRandomSampler(list(range(100, 100 + N, 2)), seed=13),
        "weighted": lambda: f.WeightedRandomSampler(WEIGHTS, 45, seed=14),
        "weighted-without": lambda: f.WeightedRandomSampler(WEIGHTS, 20, False, seed=15),
        "sequential": lambda: f.SequentialSampler(range(N)),
        "distributed": lambda: f.DistributedSampler(range(N), 3, 2, seed=16),
        "distributed-uneven": lambda: f.DistributedSampler(range(N), 3, 2, seed=16, even=False),
        "distributed-fisher-yates": lambda: f.DistributedSampler(range(N), 4, 1, seed=17, permutation="fisher-yates"),
        "wrapper": lambda: f.DistributedSamplerWrapper(f.RandomSampler(range(N), seed=18), 4, 3),
        "wrapper-uneven": lambda: f.DistributedSamplerWrapper(f.RandomSampler(range(N), seed=18), 4, 3, even=False),
        "wrapper-weighted": lambda: f.DistributedSamplerWrapper(f.WeightedRandomSampler(WEIGHTS, 30, seed=19), 2, 1),
        "batch": lambda: f.BatchSampler(f.RandomSampler(range(N), seed=20), 5, False),
        "distributed-weighted": lambda: f.DistributedWeightedSampler(WEIGHTS, num_replicas=2, rank=1, seed=21),
        "distributed-weighted-without": lambda: f.DistributedWeightedSampler(
            WEIGHTS, 20, num_replicas=3, rank=0, replacement=False, seed=22
        ),
        "pk": lambda: f.PKBatchSampler(LABELS, 2, 3, num_batches=7, seed=23, num_replicas=2, rank=1),
        "m-per-class": lambda: f.MPerClassSampler(LABELS, 2, 4, 24, seed=24),
        "mixture": lambda: f.MixtureSampler([N, 5, 12], [(0, [1.0, 2.0, 0.0]), (20, [1.0, 1.0, 3.0])], 41, seed=25),
        "wrapper-mixture": lambda: f.DistributedSamplerWrapper(f.MixtureSampler([N, 9], [3, 1], seed=26), 3, 1),
    }


def iterated(make: Callable[[], Any], epochs: int) -> list[Any]:
    """Epochs 0 … epochs − 1 as a fresh sampler's iteration yields them (``set_epoch(e)``, then ``list``)."""
    sampler, out = make(), []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        out += [value.tolist() if isinstance(value, np.ndarray) else value for value in sampler]
    return out
