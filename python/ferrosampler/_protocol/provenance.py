"""Where a dataset index is served in an epoch (docs/spec.md §25.3): the answer type and the hook that computes it.

A sampler whose epoch is a permutation, or a shard of one, implements ``_locate(index, epoch, seed, world)`` in its
own file: the places its epoch ``epoch`` serves ``index``, as ``Position`` records, in the order of the epoch's
(global) positions, each computed in O(1) by the inverse permutation (spec §25) — never by materialising the
epoch. ``seed`` is the seed of that epoch for a sampler that draws one per epoch (a state's ``epoch_seed``); None
means the sampler's own fixed seed, and a sampler with a fixed key ignores it. ``world`` asks a sharded sampler for
every rank's places (``position_of``); without it only the places in this sampler's own iteration (its rank's),
which is what a sampler composed over it (DistributedSamplerWrapper, BatchSampler) reads, through ``locate``.

``Locatable`` turns the hook into the public ``position_of`` / ``positions_of``. A sampler that cannot answer in
O(1) (its epoch is made of independent or sequential draws) implements ``_locate`` by raising ``not_locatable``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt


class Position(NamedTuple):
    """Where an index is served in an epoch: one place, as ``position_of`` and ``positions_of`` report it.

    Attributes:
        epoch: The epoch asked about.
        position: The place in what iterating the sampler yields, on rank ``rank`` for a sharded sampler: the
            index's position (``epoch_indices(epoch)[position]``), or the batch number for a batch sampler. With a
            DataLoader of ``batch_size=B`` over a sampler of indices, the step is ``position // B``.
        offset: The index's place in that batch (batch samplers), else None.
        rank: The rank whose iteration serves it (sharded samplers), else None.
        global_position: Its place in the epoch's global order that the ranks share (sharded samplers; ranks take
            turns, so it is ``rank + position * num_replicas``), else None. Places at or past the epoch's length
            are padding: an index served again so that every rank gets as many.

    Examples:
        >>> import ferrosampler
        >>> sampler = ferrosampler.RandomSampler(range(1000), seed=7)
        >>> place = sampler.position_of(42, epoch=3)
        >>> int(sampler.epoch_indices(3)[place.position])
        42
        >>> ferrosampler.Position(epoch=3, position=5)
        Position(epoch=3, position=5, offset=None, rank=None, global_position=None)
    """

    epoch: int
    position: int
    offset: int | None = None
    rank: int | None = None
    global_position: int | None = None


class Locatable:
    """``position_of`` and ``positions_of`` from a sampler's ``_locate`` hook."""

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        """The places epoch ``epoch`` serves ``index`` (every rank's when ``world``), in order (module docstring)."""
        raise NotImplementedError

    def position_of(self, index: int, epoch: int) -> Position | None:
        """Where ``index`` is first served in epoch ``epoch``, computed in O(1), without computing the epoch.

        The inverse of the sampler's permutation (docs/spec.md §25): the Feistel bijection run backwards,
        O(1) per call; with ``permutation="fisher-yates"`` the permutation's block is computed whole (O(n)).
        For a sharded sampler the answer covers every rank, not only this sampler's: the first place in the
        epoch's global order (the rank and its position there), for an epoch served from its start.

        Args:
            index: A dataset index (SubsetRandomSampler: one of its ``indices`` values).
            epoch: The epoch asked about (the sampler needs a fixed seed, as ``epoch_indices(epoch)``).

        Returns:
            The first ``Position``, or None when the epoch does not serve ``index`` (a RandomSampler with
            ``num_samples`` below the dataset size, a value not in SubsetRandomSampler's ``indices``, an index
            ``drop_last`` leaves out).

        Raises:
            TypeError: The sampler draws with replacement, or sequentially (WeightedRandomSampler,
                RandomSampler(replacement=True), ...): an index's places need the whole epoch.
            ValueError: ``index`` is outside the dataset, ``epoch`` is out of range, or the sampler has no
                fixed seed.

        Examples:
            >>> import ferrosampler
            >>> sampler = ferrosampler.RandomSampler(range(10), seed=7)
            >>> place = sampler.position_of(3, epoch=0)
            >>> int(sampler.epoch_indices(0)[place.position])
            3
            >>> shard = ferrosampler.DistributedSampler(range(10), num_replicas=4, rank=0, seed=1)
            >>> place = shard.position_of(3, epoch=2)
            >>> shard.set_epoch(2)
            >>> mine = ferrosampler.DistributedSampler(range(10), num_replicas=4, rank=place.rank, seed=1)
            >>> mine.set_epoch(2)
            >>> list(mine)[place.position]
            3
        """
        return next(iter(self._locate(index, epoch, None, True)), None)

    def positions_of(self, index: int, epoch: int) -> list[Position]:
        """Every place epoch ``epoch`` serves ``index``, in the order of the epoch's (global) positions.

        Several places when the epoch repeats it: each permutation of a RandomSampler whose ``num_samples``
        exceeds the dataset size, each copy of a value in SubsetRandomSampler's ``indices``, the padding of
        DistributedSampler and DistributedSamplerWrapper (every rank's, as ``position_of``). Each place costs
        O(1) (see ``position_of``).

        Args:
            index: A dataset index (SubsetRandomSampler: one of its ``indices`` values).
            epoch: The epoch asked about.

        Returns:
            A list of ``Position``, empty when the epoch does not serve ``index``.

        Raises:
            TypeError: As ``position_of``.
            ValueError: As ``position_of``.

        Examples:
            >>> import ferrosampler
            >>> sampler = ferrosampler.RandomSampler(range(4), num_samples=10, seed=2)
            >>> places = sampler.positions_of(1, epoch=0)
            >>> len(places), all(sampler.epoch_indices(0)[p.position] == 1 for p in places)
            (2, True)
        """
        return list(self._locate(index, epoch, None, True))


def locate(sampler: Any, index: Any, epoch: Any, seed: int | None = None, world: bool = False) -> Iterator[Position]:
    """The places ``sampler``'s epoch serves ``index`` (its own rank's unless ``world``): what a sampler composed
    over another one reads; TypeError for a sampler without the hook (a foreign sampler, a plain iterable)."""
    hook = getattr(sampler, "_locate", None)
    if hook is None:
        raise TypeError(
            f"position_of needs an inner sampler that has position_of (a ferrosampler sampler whose epoch is a "
            f"permutation), got {type(sampler).__name__}"
        )
    places: Iterator[Position] = hook(index, epoch, seed, world)
    return places


def not_locatable(
    sampler: Any, why: str, search: str = "numpy.flatnonzero(sampler.epoch_indices(epoch) == index)"
) -> TypeError:
    """The refusal of a sampler whose epoch is made of draws: ``why`` says what they are, ``search`` how to find an
    index in the computed epoch instead."""
    name = type(sampler).__name__
    return TypeError(
        f"{name}.position_of is not available: {why}, so where an index is served (and how often) is known only "
        f"by computing the whole epoch; search it instead: {search}"
    )


def block_positions(
    engine: Any, seed: int, epoch: int, n: int, length: int, values: Sequence[int], permutation: str
) -> Iterator[int]:
    """The positions p < length of the permutation stream (seed, MAIN, epoch) in blocks of n (spec §5) that hold
    one of ``values`` (each < n), ascending: one inverse per block (spec §25), no block computed forward."""
    for block in range(-(-length // n)):
        offsets = engine.inverse_permutation(seed, engine.MAIN, epoch, n, block, values, permutation)
        for offset in sorted(map(int, offsets)):  # Python ints: block·n + offset may pass 2**63
            if block * n + offset >= length:
                return
            yield block * n + offset


class ValueSlots:
    """Where each value sits in an int64 array (a subset's ``indices``): the values sorted once (O(n log n), 16
    bytes a value), then a binary search per question."""

    def __init__(self, values: npt.NDArray[np.int64]) -> None:
        self.order = np.argsort(values, kind="stable")
        self.ordered = values[self.order]

    def of(self, value: int) -> list[int]:
        """The j with values[j] == value, ascending."""
        if not -(2**63) <= value < 2**63:
            return []  # no int64 value equals it
        low, high = np.searchsorted(self.ordered, value, "left"), np.searchsorted(self.ordered, value, "right")
        return [int(j) for j in self.order[low:high]]


def sharded(
    places: Iterable[Position], length: int, num_replicas: int, total: int, rank: int, world: bool
) -> Iterator[Position]:
    """The places of a sharded order (docs/spec.md §14) of ``total`` global positions over an epoch of ``length``,
    from the epoch's own places (ascending ``position``): epoch position ``q`` is global position ``q`` and, as
    padding, ``q + t·length < total``; global ``g`` is rank ``g mod num_replicas``'s position ``g div
    num_replicas``. Every rank's places when ``world``, else rank ``rank``'s; stops at ``total`` (``drop_last``)."""
    pads: list[tuple[int, Position]] = []
    for place in places:
        if place.position >= total:
            break
        yield from _served(place.position, place, num_replicas, rank, world)
        pads.extend((g, place) for g in range(place.position + length, total, length))
    for g, place in sorted(pads, key=lambda pad: pad[0]):  # padding comes after every real position
        yield from _served(g, place, num_replicas, rank, world)


def _served(g: int, place: Position, num_replicas: int, rank: int, world: bool) -> Iterator[Position]:
    served_by = g % num_replicas
    if world or served_by == rank:
        yield place._replace(position=g // num_replicas, rank=served_by, global_position=g)
