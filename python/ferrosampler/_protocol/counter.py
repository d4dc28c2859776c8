"""The epoch counter every random sampler keeps, stepped under a lock (spec §10)."""

from __future__ import annotations

import threading
from typing import Any

from .._inputs import limits as _limits
from .._inputs.checks import epoch_value, seed_value
from .._inputs.seeding import draw_seed
from .progress import Place, Progress, serve


class _LockedState:
    """State guarded by ``self._lock``; pickles and deep-copies without the lock (which
    cannot be copied) and without the live iterator's cursor (a copy has no live iterator)."""

    _lock: threading.Lock

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        state["_cursor"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


class _EpochCounter(_LockedState):
    """``epoch``: the epoch the next iteration produces; each epoch started moves it on by one.

    No ``__init__`` (the MindSpore family's base class has its own): call ``_start_epochs()``."""

    epoch: int

    def _start_epochs(self) -> None:
        self.epoch = 0
        self._lock = threading.Lock()
        self._resume: Place | None = None
        self._cursor: Progress | None = None

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch the next iteration produces; then the counter counts up by itself.

        After ``load_state_dict``, setting the resumed epoch keeps its position; any other drops it.

        Args:
            epoch: An int in [0, 2**56).

        Raises:
            ValueError: ``epoch`` is out of range.
            ArgumentTypeError: ``epoch`` is not an integer.

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> sampler = RandomSampler(range(10), seed=7)
            >>> sampler.set_epoch(3)
            >>> list(sampler) == sampler.epoch_indices(3).tolist(), sampler.epoch
            (True, 4)
        """
        value = epoch_value(epoch)
        with self._lock:
            if self._resume is not None and self._resume.epoch != value:
                self._resume = None
            self.epoch = value

    def _take_resume(self, counts_epochs: bool) -> Place | None:
        """The loaded position, bound to the iterator created now (at iter(), drawing nothing): it continues
        from there, and the counter (if ``counts_epochs``) moves past the resumed epoch, so an iterator
        created later, e.g. by a loader whose saved epoch had ended, starts the next epoch. Without one, the
        iterator created now opens the next epoch: a state saved from now on resumes at its start, never in
        the epoch an earlier iterator finished."""
        with self._lock:
            resume, self._resume = self._resume, None
            if resume is None:
                self._cursor = None
                return None
            if counts_epochs:
                self.epoch = (resume.epoch + 1) % _limits.EPOCH_LIMIT
            self._cursor = Progress(resume.seed, resume.epoch, serve(resume.position, resume.position))
            return resume

    def _progress(self) -> Place:
        """What state_dict() records: the pending resume, else the live iterator's place, else the next epoch."""
        cursor = self._cursor
        if self._resume is not None:
            return self._resume
        if cursor is not None:  # an ended epoch stays (e, length): a loader may still be finishing it
            return cursor.place()
        return Place(self.epoch, None, 0)

    def _set_resume(self, resume: Place) -> None:
        """Makes ``resume`` (a checked state's place) the next iterator's start."""
        with self._lock:
            self.epoch = resume.epoch
            self._resume = resume
            self._cursor = None

    def _next_epoch(self) -> int:
        """The epoch that starts now; threads iterating one sampler each get their own."""
        with self._lock:
            epoch = self.epoch
            # Read from the module at each step, so the limit has one definition.
            self.epoch = (epoch + 1) % _limits.EPOCH_LIMIT
        return epoch


class _SeededEpochs(_EpochCounter):
    """The epoch counter plus §10's seed rule for samplers without a generator= (the class-batch
    samplers): a fixed seed is used every epoch, else one is drawn at each epoch's start."""

    _seed: int | None

    def _start_seeded_epochs(self, seed: Any) -> None:
        self._seed = None if seed is None else seed_value("seed", seed)
        self._start_epochs()

    @property
    def seed(self) -> int | None:
        """The fixed seed, or None when each epoch draws one."""
        return self._seed

    def _next_key(self) -> tuple[int, int]:
        """The (seed, epoch) of an epoch that starts now; a fixed seed moves to the next epoch."""
        if self._seed is None:
            return draw_seed(None), self.epoch
        return self._seed, self._next_epoch()

    def _key(self, epoch: int | None) -> tuple[int, int]:
        if epoch is None:
            return self._next_key()
        if self._seed is None:
            raise ValueError("epoch= needs a fixed seed; construct the sampler with seed=")
        return self._seed, epoch_value(epoch)
