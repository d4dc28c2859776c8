"""torch's BatchSampler: another sampler's indices grouped into lists of batch_size."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._checks import boolean, positive_integer, sized_length
from .._iteration import int64


class BatchSampler:
    """Groups another sampler's indices into lists of batch_size (torch semantics)."""

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        self.sampler = sampler
        self.batch_size = positive_integer("batch_size", batch_size)
        self.drop_last = boolean("drop_last", drop_last)

    def __iter__(self) -> Iterator[list[Any]]:
        iterator = iter(self.sampler)
        if self.drop_last:
            # zip pulls the tail out of the inner iterator too, as torch does.
            yield from (list(batch) for batch in zip(*[iterator] * self.batch_size, strict=False))
            return
        while batch := list(itertools.islice(iterator, self.batch_size)):
            yield batch

    def __len__(self) -> int:
        length = sized_length("sampler", self.sampler)
        if self.drop_last:
            return length // self.batch_size
        return (length + self.batch_size - 1) // self.batch_size

    def set_epoch(self, epoch: int) -> None:
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """The epoch's indices in batch order (a tail dropped by drop_last excluded)."""
        if hasattr(self.sampler, "epoch_indices"):
            flat = int64(self.sampler.epoch_indices(epoch))
        else:
            flat = np.fromiter(self.sampler, dtype=np.int64)
        if self.drop_last:
            flat = flat[: len(flat) // self.batch_size * self.batch_size]
        return flat
