"""The mixture cases of ``bench``: a 16-source MixtureSampler's bulk epoch against RandomSampler's, seeking far into
an epoch through DistributedSamplerWrapper, and torchdata.nodes' ``MultiNodeWeightedSampler`` mixing the same
sources by the same weights. Each function is a setup as ``bench_cases`` takes it: N in, the timed work out."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import ferrosampler as fs

SOURCES = 16
WEIGHTS = [1.0 + s for s in range(SOURCES)]  # source s weighs s + 1: a 16-to-1 spread
SEEK_POSITION = 1 << 50
SEEK_SOURCE_SIZE = 1 << 46  # 16 sources of 2^46 items: 2^50 in all
SEEK_LENGTH = 1 << 51
REPLICAS, RANK = 8, 3
SEEK_COUNT = 10**6
PEER_N = 10**6  # the peer yields one item per Python call: 10^7 would take minutes


def source_sizes(n: int) -> list[int]:
    """16 sources summing to ``n`` (at least 1 each), the first ones one larger when 16 does not divide it."""
    return [max(1, n // SOURCES + (1 if s < n % SOURCES else 0)) for s in range(SOURCES)]


def mixture(n: int) -> fs.MixtureSampler:
    """The 16-source mixture of the bulk and peer cases: an epoch of ``n`` positions over sources summing to ``n``."""
    return fs.MixtureSampler(source_sizes(n), WEIGHTS, num_samples=n, seed=0)


def mixture_bulk(n: int) -> Callable[[], Any]:
    work: Callable[[], Any] = mixture(n).epoch_indices
    return work


def random_bulk(n: int) -> Callable[[], Any]:
    work: Callable[[], Any] = fs.RandomSampler(range(n), seed=0).epoch_indices
    return work


def seek_count(sizes: list[int]) -> int:
    """10^6 indices, as the seek target is stated; fewer when only small sizes were asked for (tests)."""
    return min(SEEK_COUNT, max(sizes))


def rank_from(position: int) -> Callable[[int], Callable[[], list[int]]]:
    """The first ``count`` indices of rank 3 of 8 of a mixture of 16 sources of 2^46 items (an epoch of 2^51),
    resumed at global position ``position`` of epoch 0 (``load_state_dict`` is part of the timed work)."""

    def setup(count: int) -> Callable[[], list[int]]:
        def shard() -> fs.DistributedSamplerWrapper:
            inner = fs.MixtureSampler([SEEK_SOURCE_SIZE] * SOURCES, WEIGHTS, num_samples=SEEK_LENGTH, seed=0)
            return fs.DistributedSamplerWrapper(inner, num_replicas=REPLICAS, rank=RANK)

        started = shard()
        next(iter(started))  # a state saved inside epoch 0, moved to `position`
        state = started.state_dict()
        state["position"] = position

        def work() -> list[int]:
            sampler = shard()
            sampler.load_state_dict(state)
            return list(itertools.islice(iter(sampler), count))

        return work

    return setup


def mixture_list(n: int) -> Callable[[], list[int]]:
    sampler = mixture(n)
    return lambda: list(sampler)


def torchdata_weighted(n: int) -> Callable[[], list[int]] | str:
    """torchdata.nodes' ``MultiNodeWeightedSampler`` over the same 16 index ranges and weights: ``n`` items."""
    try:
        from torchdata import nodes
    except ImportError:
        return "torchdata not installed"
    sizes = source_sizes(n)
    starts = [sum(sizes[:s]) for s in range(SOURCES)]

    def work() -> list[int]:
        sources = {
            f"s{s}": nodes.IterableWrapper(range(start, start + size))
            for s, (start, size) in enumerate(zip(starts, sizes, strict=True))
        }
        weights = {f"s{s}": w for s, w in enumerate(WEIGHTS)}
        sampler = nodes.MultiNodeWeightedSampler(sources, weights, seed=0)
        return list(itertools.islice(sampler, n))

    return work
