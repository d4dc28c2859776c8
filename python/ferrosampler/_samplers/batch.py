"""torch's BatchSampler: another sampler's indices grouped into lists of batch_size."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .._checks import boolean, positive_integer, sized_length
from .._iteration import int64
from .._state import check_state, fingerprint, make_state
from .._torch_compat import SamplerBase


class BatchSampler(SamplerBase):
    """Groups another sampler's indices into lists of batch_size (torch semantics).

    ``state_dict()`` carries the inner sampler's state (spec §13); an inner sampler without
    ``state_dict`` (not a ferrosampler one) is resumed by skipping the indices its new
    iterator yields up to the saved position, which costs a pass over them."""

    _state_kind = "torch.BatchSampler"

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        self.sampler = sampler
        self.batch_size = positive_integer("batch_size", batch_size)
        self.drop_last = boolean("drop_last", drop_last)
        self._handed_out = 0  # inner indices taken by the live iterator (for an inner sampler without state)
        self._skip = 0

    def __iter__(self) -> Iterator[list[Any]]:
        # The inner iterator now (it draws nothing before its first next()), so a loaded state binds to it.
        return self._batches(iter(self.sampler))

    def _batches(self, iterator: Iterator[Any]) -> Iterator[list[Any]]:
        skip, self._skip = self._skip, 0
        if skip:
            next(itertools.islice(iterator, skip - 1, skip), None)  # a foreign inner sampler: skipped, not seeked
        self._handed_out = skip
        if self.drop_last:
            # zip pulls the tail out of the inner iterator too, as torch does.
            for full in zip(*[iterator] * self.batch_size, strict=False):
                self._handed_out += self.batch_size
                yield list(full)
            return
        while batch := list(itertools.islice(iterator, self.batch_size)):
            self._handed_out += len(batch)
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

    def _fingerprint(self) -> str:
        return fingerprint(self._state_kind, self.batch_size, self.drop_last)

    def state_dict(self) -> dict[str, Any]:
        """The inner sampler's state under ``sampler`` (None if it has none); epoch and position are its."""
        inner = self.sampler.state_dict() if hasattr(self.sampler, "state_dict") else None
        epoch = inner["epoch"] if inner is not None else getattr(self.sampler, "epoch", 0)
        position = inner["position"] if inner is not None else self._handed_out
        return make_state(
            self._state_kind, fingerprint=self._fingerprint(), epoch=epoch, position=position, sampler=inner
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        check_state(state, self._state_kind, self._fingerprint())
        inner = state.get("sampler")
        if hasattr(self.sampler, "load_state_dict"):
            if inner is None:
                raise ValueError("state['sampler'] is None, but the inner sampler has a state to restore")
            self.sampler.load_state_dict(inner)
        else:
            self._skip = state["position"]
