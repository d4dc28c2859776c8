"""The epoch counter every random sampler keeps, stepped under a lock (spec §10)."""

from __future__ import annotations

import threading
from typing import Any

from . import _limits
from ._checks import epoch_value, seed_value
from ._seeding import draw_seed


class _LockedState:
    """State guarded by ``self._lock``; pickles and deep-copies without the lock (which
    cannot be copied) and gives each copy its own."""

    _lock: threading.Lock

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
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

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration produces (then it counts up by itself)."""
        self.epoch = epoch_value(epoch)

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
