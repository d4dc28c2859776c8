"""torch's SubsetRandomSampler: the given values in a uniform permutation each epoch (spec §5)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .._checks import ArgumentTypeError, permutation_value, sized_length
from .._iteration import CHUNK
from ._random_epochs import _RandomEpochs


class SubsetRandomSampler(_RandomEpochs):
    """Yields indices[j] for j in a uniform permutation of range(len(indices)); values
    pass through unchanged, as in torch. ``permutation=`` as in RandomSampler; resume
    (spec §13) seeks in O(1) with Feistel, the engine recomputes the prefix with Fisher–Yates."""

    _state_kind = "torch.SubsetRandomSampler"

    def __init__(
        self, indices: Sequence[Any], generator: Any = None, *, seed: int | None = None, permutation: str = "feistel"
    ) -> None:
        sized_length("indices", indices)
        self.indices = indices
        self.permutation = permutation_value(permutation)
        super().__init__(seed, generator)

    def __len__(self) -> int:
        return len(self.indices)

    def _shape(self) -> tuple[int, int]:
        return len(self.indices), len(self.indices)

    def _chunk(self, n: int) -> int:
        return CHUNK if self.permutation == "feistel" else max(1, n)

    def _order_parameters(self) -> tuple[Any, ...]:
        return len(self.indices), self.permutation

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> Any:
        return self._engine.permutation_stream(
            seed, self._engine.MAIN, epoch, n, start, count, permutation=self.permutation
        )

    def _wrap(self, positions: Iterator[int]) -> Iterator[Any]:
        return map(self.indices.__getitem__, positions)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """The epoch's values as int64; iteration yields them unconverted, as torch does."""
        values = np.asarray(self.indices)
        fits = values.dtype.kind == "i" or (values.dtype.kind == "u" and (not len(values) or values.max() < 2**63))
        if values.ndim != 1 or (len(values) and not fits):
            raise ArgumentTypeError(
                f"epoch_indices() needs integer indices, got an array of dtype {values.dtype} "
                f"and shape {values.shape}; iterate the sampler to get the values as they are"
            )
        return values.astype(np.int64)[super().epoch_indices(epoch)]
