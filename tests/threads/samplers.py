"""Every sampler type, built twice from one recipe (the shared one and a serial twin), with a fixed seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ferrosampler as fs
import ferrosampler.mindspore as fm
import ferrosampler.reference as fr

N = 2000
WEIGHTS = [float(i % 7) for i in range(N)]  # a zero every 7th row
LABELS = [i % 11 for i in range(N)]


def _chain() -> Any:
    top = fm.RandomSampler(num_samples=300, seed=16)
    top.add_child(fm.DistributedSampler(2, 0, seed=17, dataset_size=N))
    return top


# name -> (build, counts epochs): a sampler whose iterations each claim the next epoch (else every
# iteration is the same epoch: torch's DistributedSampler and the sequential ones).
RECIPES: dict[str, tuple[Callable[[], Any], bool]] = {
    "RandomSampler": (lambda: fs.RandomSampler(range(N), seed=1), True),
    "RandomSampler-replacement": (lambda: fs.RandomSampler(range(N), True, 3000, seed=2), True),
    "SubsetRandomSampler": (lambda: fs.SubsetRandomSampler(list(range(5, N, 3)), seed=3), True),
    "WeightedRandomSampler": (lambda: fs.WeightedRandomSampler(WEIGHTS, 2500, seed=4), True),
    "WeightedRandomSampler-without": (lambda: fs.WeightedRandomSampler(WEIGHTS, 900, False, seed=5), True),
    "DistributedSampler": (lambda: fs.DistributedSampler(range(N), 3, 1, seed=6), False),
    "SequentialSampler": (lambda: fs.SequentialSampler(range(N)), False),
    "BatchSampler": (lambda: fs.BatchSampler(fs.RandomSampler(range(N), seed=7), 32, False), True),
    "MixtureSampler": (
        lambda: fs.MixtureSampler([N, 7, 300], [(0, [1, 1, 2]), (1500, [3, 0, 1])], num_samples=2 * N, seed=18),
        True,
    ),
    "reference.RandomSampler": (lambda: fr.RandomSampler(range(300), seed=8), True),
    "ms.RandomSampler": (lambda: fm.RandomSampler(seed=9, dataset_size=N), True),
    "ms.SequentialSampler": (lambda: fm.SequentialSampler(3, 500, dataset_size=N), True),
    "ms.DistributedSampler": (lambda: fm.DistributedSampler(4, 2, seed=10, dataset_size=N), True),
    "ms.PKSampler": (lambda: fm.PKSampler(3, shuffle=True, labels=LABELS, seed=11), True),
    "ms.SubsetSampler": (lambda: fm.SubsetSampler(list(range(0, N, 5)), seed=12, dataset_size=N), True),
    "ms.SubsetRandomSampler": (lambda: fm.SubsetRandomSampler(list(range(N)), seed=13, dataset_size=N), True),
    "ms.WeightedRandomSampler": (lambda: fm.WeightedRandomSampler(WEIGHTS, 700, seed=14, dataset_size=N), True),
    "ms.WeightedRandomSampler-without": (
        lambda: fm.WeightedRandomSampler(WEIGHTS, 700, False, seed=15, dataset_size=N),
        True,
    ),
    "ms.chain": (_chain, True),
}


def epoch_list(sampler: Any, epoch: int) -> list[Any]:
    """Epoch ``epoch`` of a fresh serial twin, as iteration yields it."""
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)
    return [tuple(batch) if isinstance(batch, list) else batch for batch in sampler]


def normal(values: Any) -> list[Any]:
    return [tuple(v) if isinstance(v, list) else v for v in values]
