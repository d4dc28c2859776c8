"""torch's SequentialSampler: 0 … len(data_source) − 1, nothing drawn."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .._checks import arange, epoch_value, sized_length
from .._iteration import EpochCursor, flatten
from .._state import check_state, fingerprint, make_state
from .._torch_compat import SamplerBase


class SequentialSampler(SamplerBase):
    """Yields 0 … len(data_source) − 1; the length is read at each iter(). ``state_dict`` records
    the live iterator's position and ``set_epoch``'s epoch (spec §13); nothing is drawn."""

    _state_kind = "torch.SequentialSampler"

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source
        self.epoch = 0
        self._cursor: EpochCursor | None = None
        self._resume_position: int | None = None

    def __iter__(self) -> Iterator[int]:
        length = sized_length("data_source", self.data_source)
        start, self._resume_position = self._resume_position or 0, None
        cursor = EpochCursor(None, self.epoch, length, start)
        chunk = cursor.enter(start, length - start, iter(range(start, length)))
        self._cursor = cursor
        return flatten(_single_chunk(cursor, chunk))

    def __len__(self) -> int:
        return sized_length("data_source", self.data_source)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        if epoch is not None:
            epoch_value(epoch)
        return arange(0, sized_length("data_source", self.data_source))

    def set_epoch(self, epoch: int) -> None:
        value = epoch_value(epoch)
        if value != self.epoch:
            self._resume_position = None
        self.epoch = value

    def _position(self) -> int:
        if self._resume_position is not None:
            return self._resume_position
        return 0 if self._cursor is None else self._cursor.position()

    def state_dict(self) -> dict[str, Any]:
        """kind, spec version, fingerprint (the length), epoch (as set by set_epoch), position."""
        return make_state(
            self._state_kind,
            fingerprint=fingerprint(self._state_kind, len(self.data_source)),
            epoch=self.epoch,
            position=self._position(),
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration starts at the saved position."""
        length = len(self.data_source)
        check_state(state, self._state_kind, fingerprint(self._state_kind, length), length=length)
        self.epoch, self._resume_position, self._cursor = state["epoch"], state["position"], None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_cursor": None}


def _single_chunk(cursor: EpochCursor, chunk: Iterator[int]) -> Iterator[Iterator[int]]:
    yield chunk
    cursor.done = True
