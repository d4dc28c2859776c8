"""What the MindSpore sampler tests share: the reference document's running size and two helpers."""

from __future__ import annotations

import itertools

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
