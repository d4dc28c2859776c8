"""MindSpore's SequentialSampler: consecutive row ids from start_index, nothing drawn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .._checks import arange
from ._chain import _ChainedSampler
from ._checks import capped, integer, num_samples_value
from ._compat import Shuffle


class SequentialSampler(_ChainedSampler):
    """[s, s+1, …, s+k−1] with s = start_index or 0 and k = min(num_samples or ∞, N − s)."""

    def __init__(
        self,
        start_index: int | None = None,
        num_samples: int | None = None,
        *,
        seed: Any = None,
        dataset_size: Any = None,
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

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> np.ndarray:
        return arange(self._start(), self._start() + k)

    def __iter__(self) -> Iterator[int]:
        if self._child is not None:
            yield from super().__iter__()
            return
        # Lazy: nothing drawn, so an epoch of any length (up to 2**63 - 1) iterates without an array.
        size = self._dataset_size_or_raise()
        self._next_epoch()
        yield from range(self._start(), self._start() + self._length(size))

    def _shuffles_itself(self) -> bool:
        return False

    def get_shuffle_mode(self) -> Any:
        return Shuffle.FALSE
