"""Where a live iterator is (for state_dict), and the resume point load_state_dict leaves (spec §21).

The class-imbalance samplers resume elastically by spec §14's rule: a state records the global position
consumed (``Serving.consumed``, shared with DistributedSampler), so a world of any size serves the rest."""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from .._inputs import limits as _limits
from .._protocol.sharded import Serving, check_order_fields, saved_world, serve
from .._protocol.state import check_epoch_seed, check_state, make_state


class Place(NamedTuple):
    """An epoch's resume point: the global position consumed and, for a sampler whose global positions are
    units of several outputs (MPerClassSampler), the outputs of each rank's first unit already handed out and
    the epoch's global length (None: the sampler's own, ``_global_length()``)."""

    epoch: int
    seed: int | None
    position: int
    offset: int = 0
    length: int | None = None


class Progress:
    """Counts what an epoch's iterator has handed out, at C level: the items come from list
    iterators, so the count is the chunk's start plus what its iterator has yielded. ``place()`` turns
    the count into the global position (and offset) a state records."""

    def __init__(self, seed: int | None, epoch: int, serving: Serving, grain: int = 1, skip: int = 0) -> None:
        self.seed, self.epoch = seed, epoch
        self.serving, self._grain, self._skip = serving, grain, skip
        self._start, self._size = 0, 0
        self._items: Any = iter(())

    def run(self, chunks: Iterator[tuple[int, list[Any]]]) -> Iterator[Any]:
        """``chunks``: (index of the chunk's first output in this rank's share, its outputs)."""
        for start, items in chunks:
            self._start, self._size, self._items = start, len(items), iter(items)
            yield from self._items

    def handed_out(self) -> int:
        return int(self._start + self._size - operator.length_hint(self._items))

    def place(self) -> Place:
        whole, offset = divmod(self._skip + self.handed_out(), self._grain)
        position = self.serving.consumed(whole)
        # whole < count implies position < n (spec §14), so an offset never outlives its epoch.
        return Place(self.epoch, self.seed, position, offset if whole < self.serving.size else 0, self.serving.n)


class Resumable:
    """state_dict / load_state_dict for a sampler defining ``_state_kind``, ``_fingerprint()`` (without the
    world), ``_order_fields()`` (its scalar order parameters, recorded and checked by name),
    ``_global_length()``, ``num_replicas``, ``rank`` and whose iterators are built with ``_begin``/``_take_place``
    and ``_serving``. ``_grain`` is how many outputs one global position holds (MPerClassSampler's units)."""

    _state_kind = ""
    _grain = 1
    _live: Progress | None = None
    _resume_place: Place | None = None
    num_replicas: int
    rank: int

    def _fingerprint(self) -> str:
        raise NotImplementedError

    def _order_fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def _global_length(self) -> int:
        """The global length of an epoch this world starts (spec §21's ``n``)."""
        raise NotImplementedError

    def _world_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"num_replicas": self.num_replicas, "rank": self.rank}
        if hasattr(self, "drop_last"):
            fields["drop_last"] = self.drop_last
        return fields

    def _place_fields(self, place: Place) -> dict[str, Any]:
        """Fields of a place beyond epoch, position and seed (MPerClassSampler: offset, units)."""
        return {}

    def _loaded_place(self, state: Mapping[str, Any], epoch: int, seed: int | None) -> Place:
        """The place a checked state resumes (MPerClassSampler overrides it for its offset and units)."""
        return Place(epoch, seed, state["position"])

    def _serving(self, place: Place | None) -> tuple[Serving, int]:
        """This rank's share of an epoch starting at ``place`` (None: a fresh one) and the outputs its first
        global position skips."""
        if place is None:
            return serve(self._global_length(), 0, self.num_replicas, self.rank, self._drop_last()), 0
        n = self._global_length() if place.length is None else place.length
        return serve(n, place.position, self.num_replicas, self.rank, self._drop_last()), place.offset

    def _drop_last(self) -> bool:
        return bool(getattr(self, "drop_last", False))

    def _live_place(self, idle: Place) -> Place:
        if self._resume_place is not None:
            return self._resume_place
        progress = self._live
        if progress is not None:
            return progress.place()
        return idle

    def _state(self, idle: Place) -> dict[str, Any]:
        place = self._live_place(idle)
        return make_state(
            self._state_kind, fingerprint=self._fingerprint(), epoch=place.epoch, position=place.position,
            epoch_seed=place.seed, **self._place_fields(place), **self._world_fields(), **self._order_fields(),
        )  # fmt: skip

    def _length_of(self, state: Mapping[str, Any]) -> int:
        """The saved epoch's global length (the bound of its position)."""
        return self._global_length()

    def _load(self, state: Mapping[str, Any], fixed_seed: int | None) -> Place:
        check_order_fields(state, self._state_kind, self._order_fields())
        check_state(state, self._state_kind, self._fingerprint())
        saved_world(state)
        length = self._length_of(state)
        if state["position"] > length:
            raise ValueError(f"state['position'] must be at most the epoch length {length}, got {state['position']}")
        seed = check_epoch_seed(state)
        if fixed_seed is not None and seed not in (None, fixed_seed):
            raise ValueError(f"state['epoch_seed'] is {seed}, but this sampler's seed is {fixed_seed}")
        if state["epoch"] >= _limits.EPOCH_LIMIT:
            raise ValueError(f"state['epoch'] must be below 2**56, got {state['epoch']}")
        place = self._loaded_place(state, state["epoch"], fixed_seed if fixed_seed is not None else seed)
        if place.seed is None and (place.position > 0 or place.offset > 0):
            raise ValueError("state['epoch_seed'] is needed to resume an unseeded sampler mid-epoch")
        self._resume_place, self._live = place, None
        return place

    def _keep_place_for(self, epoch: int) -> None:
        """set_epoch to another epoch than the loaded state's drops the loaded position."""
        if self._resume_place is not None and self._resume_place.epoch != epoch:
            self._resume_place = None

    def _take_place(self) -> Place | None:
        place, self._resume_place = self._resume_place, None
        return place

    def _begin(self) -> Place:
        """Where the epoch that starts now begins: the loaded place, else position 0 of the next key.
        A fixed seed's counter moves past a resumed epoch, as it would have after an uninterrupted one."""
        place = self._take_place()
        if place is None:
            seed, epoch = self._next_key()  # type: ignore[attr-defined]  # from _SeededEpochs
            return Place(epoch, seed, 0)
        if self._seed is not None:  # type: ignore[attr-defined]
            self.epoch = (place.epoch + 1) % _limits.EPOCH_LIMIT
        return place
