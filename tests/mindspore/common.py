"""What the MindSpore sampler tests share: the reference document's running size, helpers, a row-id source and
one sampler of each kind."""

from __future__ import annotations

import itertools

import numpy as np

import ferrosampler.mindspore as fm

N = 10  # the reference document's running dataset size


def rows(sampler, epoch=0) -> list[int]:
    return sampler.epoch_indices(epoch).tolist()


def chain(*samplers):
    """parent ← child ← …: each sampler gets the next one as its child; returns the top."""
    for parent, child in itertools.pairwise(samplers):
        parent.add_child(child)
    return samplers[0]


def expected_positions(n, shards, shard, offset, num_samples):
    """Positions a shard reads, from the §4.5 text; [] for an empty offset shard."""
    if offset == -1:
        owned = [(shards * c + shard) % n for c in range(-(-n // shards))]
    else:
        owned = [j for j in range(n) if (j + offset) % shards == shard]
    return owned[:num_samples] if num_samples else owned


class RowIds:
    """A random-access source whose row i is the array [i] (MindSpore wants ndarray rows)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):
        return (np.array(index, dtype=np.int64),)


SAMPLERS = {
    "sequential": lambda **size: fm.SequentialSampler(2, 5, **size),
    "subset": lambda **size: fm.SubsetSampler([9, 1, 1, 4], **size),
    "subset_random": lambda **size: fm.SubsetRandomSampler([0, 2, 4, 6, 8, 8], seed=3, **size),
    "random": lambda **size: fm.RandomSampler(seed=4, **size),
    "random_replacement": lambda **size: fm.RandomSampler(True, 7, seed=5, **size),
    "distributed": lambda **size: fm.DistributedSampler(3, 1, seed=6, **size),
    "distributed_offset": lambda **size: fm.DistributedSampler(4, 3, False, offset=2, **size),
    "weighted": lambda **size: fm.WeightedRandomSampler([0.5, 0, 2, 1], seed=7, **size),
    "weighted_no_replacement": lambda **size: fm.WeightedRandomSampler([0, 1, 3, 0, 2], 5, False, seed=8, **size),
    "pk": lambda **size: fm.PKSampler(2, shuffle=True, labels=[r % 3 for r in range(N)], seed=9),
    "chain": lambda **size: chain(
        fm.SequentialSampler(1, 4, **size), fm.SubsetRandomSampler([4, 3, 2, 1, 0, 0], seed=10)
    ),
}
