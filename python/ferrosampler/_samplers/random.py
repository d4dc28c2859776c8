"""torch's RandomSampler: uniform permutations (spec §5) or uniform draws with replacement (spec §4)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import boolean, positive_integer, sized_length
from .._iteration import CHUNK
from ._random_epochs import _RandomEpochs


class RandomSampler(_RandomEpochs):
    """Uniform permutations (blocks of len(data_source), spec §5) or uniform draws with
    replacement (spec §4)."""

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
        *,
        seed: int | None = None,
    ) -> None:
        self.replacement = boolean("replacement", replacement)
        self.data_source = data_source
        self._num_samples = None if num_samples is None else positive_integer("num_samples", num_samples)
        if self._num_samples is None:
            positive_integer("num_samples", sized_length("data_source", data_source))
        super().__init__(seed, generator)

    @property
    def num_samples(self) -> int:
        if self._num_samples is None:
            return sized_length("data_source", self.data_source)
        return self._num_samples

    def __len__(self) -> int:
        return self.num_samples

    def _shape(self) -> tuple[int, int]:
        n = sized_length("data_source", self.data_source)
        if n == 0:
            raise ValueError("data_source is empty: RandomSampler needs at least one element")
        return n, self.num_samples

    def _chunk(self, n: int) -> int:
        if self.replacement:
            return CHUNK
        if n > CHUNK:  # a huge dataset: seekable chunks of one block (Feistel reads only what it yields)
            return CHUNK
        return n * (CHUNK // n)  # whole blocks, so no permutation is computed twice

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> np.ndarray:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, start, count)
        return self._engine.permutation_stream(seed, self._engine.MAIN, epoch, n, start, count)
