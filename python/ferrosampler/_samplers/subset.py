"""torch's SubsetRandomSampler: the given values in a uniform permutation each epoch (spec §5)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .._checks import ArgumentTypeError, sized_length
from .._iteration import int64
from ._random_epochs import _RandomEpochs


class SubsetRandomSampler(_RandomEpochs):
    """Yields indices[j] for j in a uniform permutation of range(len(indices)); values
    pass through unchanged, as in torch."""

    def __init__(self, indices: Sequence[Any], generator: Any = None, *, seed: int | None = None) -> None:
        sized_length("indices", indices)
        self.indices = indices
        super().__init__(seed, generator)

    def __len__(self) -> int:
        return len(self.indices)

    def _shape(self) -> tuple[int, int]:
        return len(self.indices), len(self.indices)

    def _chunk(self, n: int) -> int:
        return max(1, n)

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> np.ndarray:
        return self._engine.permutation_stream(seed, self._engine.MAIN, epoch, n, start, count)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """The epoch's values as int64; iteration yields them unconverted, as torch does."""
        values = np.asarray(self.indices)
        fits = values.dtype.kind == "i" or (values.dtype.kind == "u" and (not len(values) or values.max() < 2**63))
        if values.ndim != 1 or (len(values) and not fits):
            raise ArgumentTypeError(
                f"epoch_indices() needs integer indices, got an array of dtype {values.dtype} "
                f"and shape {values.shape}; iterate the sampler to get the values as they are"
            )
        return int64(values)[super().epoch_indices(epoch)]

    def __iter__(self) -> Iterator[Any]:
        values = self.indices
        for position in super().__iter__():
            yield values[position]
