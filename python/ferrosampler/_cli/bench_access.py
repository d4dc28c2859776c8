"""Random-access `bench` cases: `position_of` per call, and a Grain record read against Grain's own sampler.

Each function is a setup: it takes N and returns the timed work, or a string saying why it cannot run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ferrosampler as fs

Work = Callable[[], Any]
LOOKUPS = 10**4  # position_of calls timed per run
RECORDS = 10**5  # Grain records read per run
REPLICAS, RANK = 8, 3


def position_of_calls(n: int) -> Work:
    """LOOKUPS `position_of` calls on a rank of a DistributedSampler of N: where each index went."""
    sampler = fs.DistributedSampler(range(n), num_replicas=REPLICAS, rank=RANK, seed=0)
    step = max(n // LOOKUPS, 1)
    indices = [(i * step) % n for i in range(LOOKUPS)]

    def work() -> None:
        for index in indices:
            sampler.position_of(index, 0)

    return work


def replayed_lookups(n: int) -> Work:
    """What a loader without an inverse does: replay the rank's epoch, then look each index up."""
    sampler = fs.DistributedSampler(range(n), num_replicas=REPLICAS, rank=RANK, seed=0)
    step = max(n // LOOKUPS, 1)
    indices = [(i * step) % n for i in range(LOOKUPS)]

    def work() -> list[int | None]:
        where = {index: place for place, index in enumerate(sampler.epoch_indices(0).tolist())}
        return [where.get(index) for index in indices]

    return work


def _read_records(sampler: Any, n: int) -> Work:
    step = max(n // RECORDS, 1)
    records = [(i * step) % n for i in range(RECORDS)]

    def work() -> None:
        for record in records:
            sampler[record]

    return work


def ferrosampler_grain_records(n: int) -> Work | str:
    """RECORDS reads of `ferrosampler.grain.Sampler` over a seeded RandomSampler of N."""
    try:
        import ferrosampler.grain as fs_grain

        return _read_records(fs_grain.Sampler(fs.RandomSampler(range(n), seed=0)), n)
    except ImportError:
        return "grain not installed"


def grain_index_sampler_records(n: int) -> Work | str:
    """The same reads of Grain's own shuffling `IndexSampler` over N records."""
    try:
        import grain.python as grain_python
    except ImportError:
        return "grain not installed"
    sampler = grain_python.IndexSampler(
        num_records=n, shard_options=grain_python.NoSharding(), shuffle=True, num_epochs=1, seed=0
    )
    return _read_records(sampler, n)
