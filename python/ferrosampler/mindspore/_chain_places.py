"""Where a chain's epoch serves a dataset index (``position_of``, docs/spec.md §25.3): each level answers for a
row of its input in O(1) (a subset: O(log n)), and the levels compose from the bottom up, since a parent's positions
index its child's output."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._inputs.checks import dataset_index, epoch_value
from .._protocol.provenance import Locatable, Position
from ._chain_state import _ChainState


class _ChainPlaces(Locatable, _ChainState):
    """``position_of``/``positions_of`` of a chain, from each level's ``_locator`` (``_chain_levels``)."""

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        # ``seed`` is not needed: each level settles one seed for all its epochs (a state's ``seeds``).
        levels = self._chain()[::-1]  # bottom first, as the rows flow
        locators = [level._locator(world) for level in levels]  # a level of draws refuses here, whatever is asked
        shards = [count for count in (level._shard_count() for level in levels) if count is not None]
        if len(shards) > 1:
            raise TypeError(
                f"{type(self).__name__}.position_of is not available for a chain of {len(shards)} DistributedSamplers: "
                "which shard of each one a process reads is not known; search the epoch instead: "
                "numpy.flatnonzero(sampler.epoch_indices(epoch) == index)"
            )
        size = self._dataset_size_or_raise()
        number, row = epoch_value(epoch), dataset_index(index, size)
        for level in levels:
            level._seed_and_fixed()  # each level's seed settled in the order epoch_indices settles them
        # (place, length of the output holding it: on the place's rank, for a level over a sharded one)
        served = [(Position(number, row), size)]
        for level, locate in zip(levels, locators, strict=True):
            above = []
            for place, n in served:
                for mine in locate(place.position, n, number):
                    rank = place.rank if mine.rank is None else mine.rank
                    above.append((mine._replace(rank=rank), level._length_on(n, rank)))
            served = above
        places = [place for place, _ in served]
        if shards:  # ranks take turns: global position rank + position·D
            places = [p._replace(global_position=p.rank + p.position * shards[0]) for p in places if p.rank is not None]
        yield from sorted(places, key=lambda p: p.position if p.global_position is None else p.global_position)
