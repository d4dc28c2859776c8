"""Factories of every sampler with state, small enough to test every stop position."""

from __future__ import annotations

from typing import Any

import torch

TORCH_FACTORIES: dict[str, Any] = {
    "random": lambda f, n: f.RandomSampler(range(n), seed=11),
    "random-fisher-yates": lambda f, n: f.RandomSampler(range(n), seed=11, permutation="fisher-yates"),
    "random-blocks": lambda f, n: f.RandomSampler(range(n), num_samples=2 * n + 3, seed=12),
    "random-blocks-fisher-yates": lambda f, n: f.RandomSampler(
        range(n), num_samples=2 * n + 3, seed=12, permutation="fisher-yates"
    ),
    "random-replacement": lambda f, n: f.RandomSampler(range(n), replacement=True, num_samples=n + 4, seed=13),
    "random-generator": lambda f, n: f.RandomSampler(range(n), generator=torch.Generator().manual_seed(14)),
    "subset": lambda f, n: f.SubsetRandomSampler(list(range(100, 100 + n)), seed=15),
    "subset-generator": lambda f, n: f.SubsetRandomSampler(
        list(range(n)), generator=torch.Generator().manual_seed(16), permutation="fisher-yates"
    ),
    "weighted": lambda f, n: f.WeightedRandomSampler([1.0 + i % 3 for i in range(n)], n + 2, seed=17),
    "weighted-without": lambda f, n: f.WeightedRandomSampler(
        [1.0 + i % 3 for i in range(n)], n - 1, replacement=False, seed=18
    ),
    "weighted-generator": lambda f, n: f.WeightedRandomSampler(
        [1.0] * n, n, generator=torch.Generator().manual_seed(19)
    ),
    "sequential": lambda f, n: f.SequentialSampler(range(n)),
    "mixture": lambda f, n: f.MixtureSampler([n // 2, 3, n], [2.0, 1.0, 0.5], seed=31),
    "mixture-schedule": lambda f, n: f.MixtureSampler(
        [3, n, 5], [(0, [1.0, 0.0, 1.0]), (n // 3, [1.0, 2.0, 0.5])], num_samples=n + 7, seed=32
    ),
    "mixture-generator": lambda f, n: f.MixtureSampler(
        [n, 4], [3.0, 1.0], "all_exhausted", generator=torch.Generator().manual_seed(33)
    ),
}

MINDSPORE_FACTORIES: dict[str, Any] = {
    "random": lambda m, n: m.RandomSampler(seed=21, dataset_size=n),
    "random-fisher-yates": lambda m, n: m.RandomSampler(seed=21, dataset_size=n, permutation="fisher-yates"),
    "random-replacement": lambda m, n: m.RandomSampler(True, n + 3, seed=22, dataset_size=n),
    "random-unseeded": lambda m, n: m.RandomSampler(dataset_size=n),
    "subset-random": lambda m, n: m.SubsetRandomSampler(list(range(0, n, 2)) * 2, seed=23, dataset_size=n),
    "subset": lambda m, n: m.SubsetSampler(list(range(n - 1, -1, -1)), dataset_size=n),
    "distributed": lambda m, n: m.DistributedSampler(3, 1, seed=24, dataset_size=n),
    "distributed-offset": lambda m, n: m.DistributedSampler(3, 2, offset=1, seed=24, dataset_size=n),
    "weighted": lambda m, n: m.WeightedRandomSampler([1.0 + i % 2 for i in range(n)], seed=25, dataset_size=n),
    "weighted-without": lambda m, n: m.WeightedRandomSampler(
        [float(i % 3) for i in range(n)], n - 2, False, seed=29, dataset_size=n
    ),
    "pk": lambda m, n: m.PKSampler(2, shuffle=True, labels=[i % 4 for i in range(n)], seed=26),
    "sequential": lambda m, n: m.SequentialSampler(1, dataset_size=n),
    "chain": lambda m, n: _chain(m, n),  # noqa: PLW0108 (defined below)
}


def _chain(m: Any, n: int) -> Any:
    parent = m.RandomSampler(seed=27)
    parent.add_child(m.SubsetRandomSampler(list(range(1, n, 2)) * 2, seed=28))
    parent.set_dataset_size(n)
    return parent
