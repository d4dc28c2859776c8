"""Samplers to ask ``position_of``, and the answer found the slow way: by iterating every rank's epoch."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

World = Callable[[ModuleType], list[Any]]  # the samplers of every rank (one, for an unsharded sampler)


class Sized:
    """A dataset that only has a length (2**40 rows cost nothing)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n


def sharded(make: Callable[[ModuleType, int, int], Any], ranks: int) -> World:
    return lambda family: [make(family, ranks, rank) for rank in range(ranks)]


def alone(make: Callable[[ModuleType], Any]) -> World:
    return lambda family: [make(family)]


WORLDS: dict[str, tuple[World, int]] = {
    # name: (world, dataset size: the indices to ask about are range(size))
    "random": (alone(lambda f: f.RandomSampler(range(300), seed=3)), 300),
    "random-small": (alone(lambda f: f.RandomSampler(range(5), seed=1)), 5),
    "random-table-edge": (alone(lambda f: f.RandomSampler(range(129), seed=2)), 129),
    "random-short": (alone(lambda f: f.RandomSampler(range(200), num_samples=77, seed=4)), 200),
    "random-blocks": (alone(lambda f: f.RandomSampler(range(40), num_samples=131, seed=5)), 40),
    "random-fisher-yates": (
        alone(lambda f: f.RandomSampler(range(150), num_samples=320, seed=6, permutation="fisher-yates")),
        150,
    ),
    "subset": (alone(lambda f: f.SubsetRandomSampler([9, 4, 4, 0, 7, 9, 9, 2], seed=7)), 11),
    "subset-large": (alone(lambda f: f.SubsetRandomSampler(list(range(500, 0, -3)), seed=8)), 501),
    "subset-fisher-yates": (
        alone(lambda f: f.SubsetRandomSampler([3, 1, 3, 8], seed=9, permutation="fisher-yates")),
        10,
    ),
    "sequential": (alone(lambda f: f.SequentialSampler(range(12))), 12),
    "distributed": (sharded(lambda f, w, r: f.DistributedSampler(range(300), w, r, seed=10), 4), 300),
    "distributed-uneven": (sharded(lambda f, w, r: f.DistributedSampler(range(10), w, r, seed=11), 4), 10),
    "distributed-more-ranks-than-rows": (sharded(lambda f, w, r: f.DistributedSampler(range(3), w, r), 8), 3),
    "distributed-drop-last": (
        sharded(lambda f, w, r: f.DistributedSampler(range(10), w, r, seed=12, drop_last=True), 4),
        10,
    ),
    "distributed-unshuffled": (
        sharded(lambda f, w, r: f.DistributedSampler(range(10), w, r, shuffle=False), 3),
        10,
    ),
    "distributed-fisher-yates": (
        sharded(lambda f, w, r: f.DistributedSampler(range(200), w, r, seed=13, permutation="fisher-yates"), 3),
        200,
    ),
    "wrapper-random": (
        sharded(lambda f, w, r: f.DistributedSamplerWrapper(f.RandomSampler(range(150), seed=14), w, r), 4),
        150,
    ),
    "wrapper-blocks": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(f.RandomSampler(range(7), num_samples=30, seed=15), w, r), 4
        ),
        7,
    ),
    "wrapper-tiny": (
        sharded(lambda f, w, r: f.DistributedSamplerWrapper(f.RandomSampler(range(2), seed=16), w, r), 5),
        2,
    ),
    "wrapper-drop-last": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(f.RandomSampler(range(11), seed=17), w, r, drop_last=True), 3
        ),
        11,
    ),
    "wrapper-subset": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(f.SubsetRandomSampler([5, 2, 5, 8, 1, 1, 0], seed=18), w, r),
            3,
        ),
        9,
    ),
    "wrapper-sequential": (
        sharded(lambda f, w, r: f.DistributedSamplerWrapper(f.SequentialSampler(range(10)), w, r), 3),
        10,
    ),
    "wrapper-distributed": (
        sharded(lambda f, w, r: f.DistributedSamplerWrapper(f.DistributedSampler(range(23), 2, 1, seed=19), w, r), 3),
        23,
    ),
    "wrapper-wrapper": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(
                f.DistributedSamplerWrapper(f.RandomSampler(range(40), seed=20), 2, 0), w, r
            ),
            3,
        ),
        40,
    ),
    "wrapper-batches": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(
                f.BatchSampler(f.RandomSampler(range(20), num_samples=26, seed=21), 4, False), w, r
            ),
            3,
        ),
        20,
    ),
    "wrapper-batches-drop-last": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(
                f.BatchSampler(f.RandomSampler(range(20), seed=22), 3, True), w, r, drop_last=True
            ),
            2,
        ),
        20,
    ),
    # even=False: every index served by exactly one rank, nothing padded, ranks of unequal length.
    "distributed-not-even": (
        sharded(lambda f, w, r: f.DistributedSampler(range(10), w, r, seed=29, even=False), 4),
        10,
    ),
    "distributed-not-even-more-ranks-than-rows": (
        sharded(lambda f, w, r: f.DistributedSampler(range(3), w, r, seed=30, even=False), 8),
        3,
    ),
    "distributed-not-even-unshuffled": (
        sharded(lambda f, w, r: f.DistributedSampler(range(11), w, r, shuffle=False, even=False), 3),
        11,
    ),
    "distributed-not-even-fisher-yates": (
        sharded(
            lambda f, w, r: f.DistributedSampler(range(50), w, r, seed=31, permutation="fisher-yates", even=False), 3
        ),
        50,
    ),
    "wrapper-not-even": (
        sharded(lambda f, w, r: f.DistributedSamplerWrapper(f.RandomSampler(range(11), seed=32), w, r, even=False), 3),
        11,
    ),
    "wrapper-not-even-blocks": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(
                f.RandomSampler(range(7), num_samples=30, seed=33), w, r, even=False
            ),
            4,
        ),
        7,
    ),
    "wrapper-not-even-batches": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(
                f.BatchSampler(f.RandomSampler(range(20), num_samples=26, seed=34), 4, False), w, r, even=False
            ),
            3,
        ),
        20,
    ),
    "wrapper-not-even-over-not-even": (
        sharded(
            lambda f, w, r: f.DistributedSamplerWrapper(
                f.DistributedSampler(range(23), 2, 1, seed=35, even=False), w, r, even=False
            ),
            3,
        ),
        23,
    ),
    "batch-distributed-not-even": (
        sharded(
            lambda f, w, r: f.BatchSampler(f.DistributedSampler(range(25), w, r, seed=36, even=False), 3, False), 3
        ),
        25,
    ),
    "batch-random": (alone(lambda f: f.BatchSampler(f.RandomSampler(range(30), seed=23), 4, False)), 30),
    "batch-blocks-drop-last": (
        alone(lambda f: f.BatchSampler(f.RandomSampler(range(9), num_samples=40, seed=24), 7, True)),
        9,
    ),
    "batch-subset": (alone(lambda f: f.BatchSampler(f.SubsetRandomSampler([3, 3, 1, 0, 5], seed=25), 2, False)), 6),
    "batch-distributed": (
        sharded(lambda f, w, r: f.BatchSampler(f.DistributedSampler(range(25), w, r, seed=26), 3, False), 3),
        25,
    ),
    "batch-distributed-drop-last": (
        sharded(lambda f, w, r: f.BatchSampler(f.DistributedSampler(range(25), w, r, seed=27), 4, True), 3),
        25,
    ),
    "batch-wrapper": (
        sharded(
            lambda f, w, r: f.BatchSampler(
                f.DistributedSamplerWrapper(f.RandomSampler(range(31), seed=28), w, r), 5, False
            ),
            2,
        ),
        31,
    ),
}


Place = tuple[int | None, int, int | None]  # (rank or None, position, offset or None)


def replayed(world: list[Any], epoch: int) -> dict[int, list[Place]]:
    """Every (rank, position, offset) where each value appears, found by iterating every rank's epoch ``epoch``:
    {value: [(rank or None, position, offset or None), ...]} as a dict of sorted lists."""
    places: dict[int, list[Place]] = {}
    sharded_world = hasattr(world[0], "num_replicas")
    for rank, sampler in enumerate(world):
        sampler.set_epoch(epoch)
        for position, item in enumerate(list(sampler)):
            where = rank if sharded_world or _sharded_inside(sampler) else None
            if isinstance(item, list):
                for offset, value in enumerate(item):
                    places.setdefault(int(value), []).append((where, position, offset))
            else:
                places.setdefault(int(item), []).append((where, position, None))
    return {value: sorted(found, key=_order) for value, found in places.items()}


def _sharded_inside(sampler: Any) -> bool:
    """A BatchSampler over a sharded sampler: its places name the rank."""
    inner = getattr(sampler, "sampler", None)
    return inner is not None and hasattr(inner, "num_replicas") and not hasattr(sampler, "num_replicas")


def _order(place: Place) -> tuple[int, int, int]:
    rank, position, offset = place
    return (position, rank or 0, offset or 0)


def answered(sampler: Any, index: int, epoch: int) -> list[Place]:
    return sorted(((p.rank, p.position, p.offset) for p in sampler.positions_of(index, epoch)), key=_order)
