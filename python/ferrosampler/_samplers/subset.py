"""torch's SubsetRandomSampler: the given values in a uniform permutation each epoch (spec §5)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .._inputs.checks import (
    ArgumentTypeError,
    Permutation,
    epoch_value,
    indexable,
    integer,
    permutation_value,
    sized_length,
)
from .._protocol.describe import safe_len
from .._protocol.iteration import CHUNK
from .._protocol.provenance import Position, ValueSlots, block_positions
from .._protocol.state import fingerprint
from ._random_epochs import _RandomEpochs

if TYPE_CHECKING:
    import torch


class SubsetRandomSampler(_RandomEpochs):
    """torch's SubsetRandomSampler: ``indices[j]`` for j in a uniform permutation of
    ``range(len(indices))`` each epoch (spec §5); the values pass through unchanged, as in torch.

    Resume (spec §13) seeks in O(1) with Feistel; with Fisher–Yates the engine recomputes the
    prefix itself.

    Args:
        indices: The values to permute (any sequence; ``epoch_indices()`` needs integers).
        generator: A ``torch.Generator``, an int (a fixed seed) or None, as in RandomSampler.
        seed: A fixed seed in [-2**63, 2**64), as in RandomSampler.
        permutation: ``"feistel"`` (default) or ``"fisher-yates"`` (spec v1 output).

    Raises:
        ValueError: ``permutation`` is unknown, or both ``seed`` and ``generator`` are given.
        ArgumentTypeError: ``indices`` has no ``len()``, or a wrong-typed seed or generator.

    Examples:
        >>> from ferrosampler import SubsetRandomSampler
        >>> sampler = SubsetRandomSampler([10, 20, 30, 40], seed=1)
        >>> len(sampler), sorted(sampler)
        (4, [10, 20, 30, 40])
        >>> list(SubsetRandomSampler(["a", "b", "c"], seed=2)) == list(SubsetRandomSampler(["a", "b", "c"], seed=2))
        True
    """

    _state_kind = "torch.SubsetRandomSampler"

    def __init__(
        self,
        indices: Sequence[int],
        generator: torch.Generator | int | None = None,
        *,
        seed: int | None = None,
        permutation: Permutation = "feistel",
    ) -> None:
        sized_length("indices", indices)
        self.indices = indexable("indices", indices)
        self.permutation = permutation_value(permutation)
        super().__init__(seed, generator)

    def __len__(self) -> int:
        """``len(indices)``: every value, once per epoch.

        Examples:
            >>> from ferrosampler import SubsetRandomSampler
            >>> len(SubsetRandomSampler(range(100, 110), seed=0))
            10
        """
        return len(self.indices)

    def _repr_fields(self) -> dict[str, Any]:
        return {"n": safe_len(self.indices), "permutation": self.permutation}

    def _identity(self) -> dict[str, Any]:
        return {**super()._identity(), "values": values_digest(self.indices)}

    def _shape(self) -> tuple[int, int]:
        return len(self.indices), len(self.indices)

    def _chunk(self, n: int) -> int:
        return CHUNK if self.permutation == "feistel" else max(1, n)

    def _order_parameters(self) -> tuple[Any, ...]:
        return len(self.indices), self.permutation

    def _block(self, n: int) -> int | None:
        return n if self.permutation == "fisher-yates" else None

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> Any:
        return self._engine.permutation_stream(
            seed, self._engine.MAIN, epoch, n, start, count, stride=stride, permutation=self.permutation
        )

    def _wrap(self, positions: Iterator[int]) -> Iterator[int]:
        return map(self.indices.__getitem__, positions)

    def _values(self, positions: npt.NDArray[np.int64]) -> list[Any]:
        values = self.indices
        return [values[position] for position in positions.tolist()]

    def epoch_indices(self, epoch: int | None = None) -> npt.NDArray[np.int64]:
        """The epoch's values as an int64 array; iteration yields them unconverted, as torch does.

        Args:
            epoch: None for the next epoch (what iterating would yield), or an epoch number
                (fixed seed only, no side effect), as in ``RandomSampler.epoch_indices``.

        Returns:
            ``indices`` permuted, as int64.

        Raises:
            ArgumentTypeError: ``indices`` are not 1-D integers that fit int64.
            ValueError: ``epoch`` is given without a fixed seed, or out of range.

        Examples:
            >>> from ferrosampler import SubsetRandomSampler
            >>> sampler = SubsetRandomSampler([7, 3, 9], seed=4)
            >>> sampler.epoch_indices(0).tolist() == list(sampler)
            True
            >>> sorted(sampler.epoch_indices(5).tolist())
            [3, 7, 9]
        """
        result: npt.NDArray[np.int64] = self._integer_values("epoch_indices")[super().epoch_indices(epoch)]
        return result

    def _integer_values(self, method: str) -> npt.NDArray[np.int64]:
        """``indices`` as int64, or ArgumentTypeError: ``method`` needs integer values."""
        values = np.asarray(self.indices)
        fits = values.dtype.kind == "i" or (values.dtype.kind == "u" and (not len(values) or values.max() < 2**63))
        if values.ndim != 1 or (len(values) and not fits):
            raise ArgumentTypeError(
                f"{method}() needs integer indices, got an array of dtype {values.dtype} "
                f"and shape {values.shape}; iterate the sampler to get the values as they are"
            )
        return values.astype(np.int64)

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        # Every j with indices[j] == index, each at position π⁻¹(j) of the one permutation block (spec §25.3).
        value, epoch = integer("index", index), epoch_value(epoch)
        seed = self._epoch_seed(seed)
        slots = self._slots_of(value)
        if slots:
            n = len(self.indices)
            for position in block_positions(self._engine, seed, epoch, n, n, slots, self.permutation):
                yield Position(epoch, position)

    _lookup: tuple[int, int, ValueSlots] | None = None

    def _slots_of(self, value: int) -> list[int]:
        """The j with indices[j] == value, ascending: the values sorted once (at the first call and again if
        ``indices`` is replaced), then a binary search per call."""
        lookup = self._lookup
        if lookup is None or lookup[0] != id(self.indices) or lookup[1] != len(self.indices):
            values = self._integer_values("position_of")
            lookup = self._lookup = (id(self.indices), len(values), ValueSlots(values))
        return lookup[2].of(value)


def values_digest(values: Sequence[Any]) -> str:
    """A digest of a subset's values: a range by its bounds, integers by their bytes, others value by value."""
    if isinstance(values, range):
        return fingerprint("range", values.start, values.stop, values.step)
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):  # ragged or exotic values
        array = None
    if array is not None and array.ndim == 1 and array.dtype.kind in "iu":
        return fingerprint(array.astype(np.int64))
    return fingerprint([repr(value) for value in values])
