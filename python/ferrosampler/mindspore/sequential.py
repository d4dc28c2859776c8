"""MindSpore's SequentialSampler: consecutive row ids from start_index, nothing drawn."""

from __future__ import annotations

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

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> np.ndarray:
        return arange(self._start() + start, self._start() + k)

    def _order_parameters(self) -> tuple[Any, ...]:
        return self.start_index, self.num_samples

    def _shuffles_itself(self) -> bool:
        return False

    def get_shuffle_mode(self) -> Any:
        return Shuffle.FALSE
