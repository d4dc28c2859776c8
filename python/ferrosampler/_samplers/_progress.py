"""Where a live iterator is (for state_dict), and the resume point load_state_dict leaves (spec §21)."""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from .. import _limits
from .._state import check_state, make_state


class Place(NamedTuple):
    epoch: int
    seed: int | None
    position: int


class Progress:
    """Counts what an epoch's iterator has handed out, at C level: the items come from list
    iterators, so the count is the chunk's start plus what its iterator has yielded."""

    def __init__(self, seed: int | None, epoch: int, start: int) -> None:
        self.seed, self.epoch = seed, epoch
        self._start, self._size = start, 0
        self._items: Any = iter(())

    def run(self, chunks: Iterator[tuple[int, list[Any]]]) -> Iterator[Any]:
        for start, items in chunks:
            self._start, self._size, self._items = start, len(items), iter(items)
            yield from self._items

    def position(self) -> int:
        return int(self._start + self._size - operator.length_hint(self._items))


class Resumable:
    """state_dict / load_state_dict for a sampler defining ``_state_kind``, ``_fingerprint()``,
    ``_epoch_length()`` and whose iterators are built with ``_begin_epoch`` (the epoch, seed and
    first position: a loaded state's place, else what ``default`` gives)."""

    _state_kind = ""
    _live: Progress | None = None
    _resume_place: Place | None = None

    def _fingerprint(self) -> str:
        raise NotImplementedError

    def _epoch_length(self) -> int:
        raise NotImplementedError

    def _live_place(self, idle: Place) -> Place:
        if self._resume_place is not None:
            return self._resume_place
        progress = self._live
        if progress is not None:
            return Place(progress.epoch, progress.seed, progress.position())
        return idle

    def _state(self, idle: Place) -> dict[str, Any]:
        place = self._live_place(idle)
        return make_state(
            self._state_kind, fingerprint=self._fingerprint(), epoch=place.epoch, position=place.position,
            epoch_seed=place.seed,
        )  # fmt: skip

    def _load(self, state: Mapping[str, Any], fixed_seed: int | None) -> Place:
        check_state(state, self._state_kind, self._fingerprint(), length=self._epoch_length())
        seed = state.get("epoch_seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64):
            raise ValueError(f"state['epoch_seed'] must be None or an int in [0, 2**64), got {seed!r}")
        if fixed_seed is not None and seed not in (None, fixed_seed):
            raise ValueError(f"state['epoch_seed'] is {seed}, but this sampler's seed is {fixed_seed}")
        if state["epoch"] >= _limits.EPOCH_LIMIT:
            raise ValueError(f"state['epoch'] must be below 2**56, got {state['epoch']}")
        place = Place(state["epoch"], fixed_seed if fixed_seed is not None else seed, state["position"])
        if place.seed is None and place.position > 0:
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
