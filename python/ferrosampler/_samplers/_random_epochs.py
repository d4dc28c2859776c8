"""The base of the torch-compatible random samplers: seed, epoch and chunked generation (spec §10)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import _core
from .._checks import epoch_value
from .._epochs import _EpochCounter
from .._iteration import CHUNK, int64, yield_ints
from .._seeding import draw_seed, split_seed_and_generator


class _RandomEpochs(_EpochCounter):
    """Seed and epoch bookkeeping shared by the random samplers (spec §10)."""

    _engine: Any = _core

    def __init__(self, seed: Any, generator: Any) -> None:
        self._seed, self._torch_generator = split_seed_and_generator(seed, generator)
        self.generator = generator
        self._start_epochs()

    @property
    def seed(self) -> int | None:
        """The fixed seed, or None when each epoch draws one."""
        return self._seed

    def _next_key(self) -> tuple[int, int]:
        """The (seed, epoch) of an epoch that starts now; a fixed seed moves to the next epoch."""
        if self._seed is None:
            return draw_seed(self._torch_generator), self.epoch
        return self._seed, self._next_epoch()

    def _key(self, epoch: int | None) -> tuple[int, int]:
        if epoch is None:
            return self._next_key()
        if self._seed is None:
            raise ValueError("epoch_indices(epoch=...) needs a fixed seed; construct the sampler with seed=")
        return self._seed, epoch_value(epoch)

    def _shape(self) -> tuple[int, int]:
        """(population n, epoch length), read once at the start of an epoch, as torch does."""
        raise NotImplementedError

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> np.ndarray:
        """Positions [start, start + count) of epoch (seed, epoch) over a population of n."""
        raise NotImplementedError

    def _chunk(self, n: int) -> int:
        return CHUNK

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """One whole epoch as an int64 array (no per-index Python work). Without ``epoch``
        this is the next epoch, exactly what iterating would yield; with it (fixed seed
        only) it is that epoch, with no side effect."""
        n, length = self._shape()
        seed, epoch_number = self._key(epoch)
        return int64(self._generate(seed, epoch_number, n, 0, length))

    def __iter__(self) -> Iterator[int]:
        # Nothing happens until the first next(), as in torch (DataLoader draws its base seed first).
        n, length = self._shape()
        seed, epoch = self._next_key()
        step = self._chunk(n)
        for start in range(0, length, step):
            yield from yield_ints(int64(self._generate(seed, epoch, n, start, min(step, length - start))))
