"""torch's SequentialSampler: 0 … len(data_source) − 1, nothing drawn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .._checks import epoch_value


class SequentialSampler:
    """Yields 0 … len(data_source) − 1; the length is read at each iter()."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)

    def set_epoch(self, epoch: int) -> None:
        epoch_value(epoch)
