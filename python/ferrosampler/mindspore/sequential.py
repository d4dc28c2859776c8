"""MindSpore's SequentialSampler: consecutive row ids from start_index, nothing drawn."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .._inputs.checks import arange
from .._protocol.provenance import Position
from ._chain import _ChainedSampler
from ._checks import capped, integer, num_samples_value
from ._compat import Shuffle


class SequentialSampler(_ChainedSampler, mindspore="SequentialSampler"):
    """MindSpore's SequentialSampler: [s, s+1, …, s+k−1] with s = start_index or 0 and
    k = min(num_samples or ∞, N − s); nothing is drawn.

    Args:
        start_index: The first row id (default 0).
        num_samples: Row ids per epoch (None or 0: all from ``start_index`` on).
        seed: Accepted like every sampler of this module; unused.
        dataset_size: The row count when used outside a MindSpore pipeline.

    Raises:
        TypeError: ``start_index`` or ``num_samples`` is not an int.
        RuntimeError: ``start_index`` is negative, or not below the dataset size.

    Examples:
        >>> from ferrosampler.mindspore import SequentialSampler
        >>> list(SequentialSampler(start_index=2, num_samples=3, dataset_size=10))
        [2, 3, 4]
        >>> len(SequentialSampler(start_index=7, dataset_size=10))
        3
    """

    _repr_names = ("start_index", "num_samples")

    def __init__(
        self,
        start_index: int | None = None,
        num_samples: int | None = None,
        *,
        seed: int | None = None,
        dataset_size: int | None = None,
    ) -> None:
        if start_index is not None:
            start_index = integer("start_index", start_index)
        num_samples = num_samples_value(num_samples)  # MindSpore's init checks come before its parse checks
        if start_index is not None and start_index < 0:
            raise RuntimeError(
                f"SequentialSampler: start_index_ must be greater than or equal to 0, but got: {start_index}"
            )
        self.start_index = start_index
        super().__init__(num_samples, seed, dataset_size)

    @classmethod
    def _from_mindspore(cls, sampler: Any) -> SequentialSampler:
        return cls(sampler.start_index, sampler.num_samples)

    def _start(self) -> int:
        return int(self.start_index or 0)

    def _length(self, n: int) -> int:
        start = self._start()
        if start >= n:
            raise RuntimeError(
                "Invalid parameter, start_index must be less than num_rows, "
                f"but got start_index: {start}, num_rows: {n}."
            )
        return capped(self.num_samples, n - start)

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> np.ndarray:
        return arange(self._start() + start, self._start() + k)

    def _affine(self, n: int, k: int) -> tuple[int, int]:
        return self._start(), 1

    def _order_parameters(self) -> tuple[Any, ...]:
        return self.start_index, self.num_samples

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        def places(value: int, n: int, epoch: int) -> Iterator[Position]:
            # Row s + p at position p, for p < k.
            start, k = self._start(), self._length(n)
            if start <= value < start + k:
                yield Position(epoch, value - start)

        return places

    def _shuffles_itself(self) -> bool:
        return False

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (``Shuffle.FALSE`` here).

        Examples:
            >>> from ferrosampler.mindspore import SequentialSampler
            >>> SequentialSampler().get_shuffle_mode().name
            'FALSE'
        """
        return Shuffle.FALSE
