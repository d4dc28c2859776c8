"""torch's SequentialSampler: 0 … len(data_source) − 1, nothing drawn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .._checks import arange, epoch_value, sized_length


class SequentialSampler:
    """Yields 0 … len(data_source) − 1; the length is read at each iter()."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        # A generator, like every sampler's iterator: threads sharing it get a clear ValueError (docs/threads.md).
        return _count_up(sized_length("data_source", self.data_source))

    def __len__(self) -> int:
        return sized_length("data_source", self.data_source)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        if epoch is not None:
            epoch_value(epoch)
        return arange(0, sized_length("data_source", self.data_source))

    def set_epoch(self, epoch: int) -> None:
        epoch_value(epoch)


def _count_up(n: int) -> Iterator[int]:
    yield from range(n)
