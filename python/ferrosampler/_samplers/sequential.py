"""torch's SequentialSampler: 0 … len(data_source) − 1, nothing drawn."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sized
from typing import Any

import numpy as np
import numpy.typing as npt

from .._inputs.checks import arange, epoch_value, sized_length
from .._protocol.describe import describe, safe_len
from .._protocol.epoch import Epoch, SequentialEpoch
from .._protocol.iteration import flatten
from .._protocol.progress import Progress, serve
from .._protocol.state import check_state, fingerprint, make_state
from .._protocol.torch_compat import SamplerBase


class SequentialSampler(SamplerBase):
    """torch's SequentialSampler: yields 0 … len(data_source) − 1, nothing drawn.

    The length is read at each ``iter()``. ``state_dict`` records the live iterator's position
    and ``set_epoch``'s epoch (spec §13), so a resumed run continues where it stopped.

    Args:
        data_source: The dataset; only its ``len()`` is read.

    Examples:
        >>> from ferrosampler import SequentialSampler
        >>> list(SequentialSampler(range(5)))
        [0, 1, 2, 3, 4]
        >>> len(SequentialSampler("abc"))
        3
    """

    _state_kind = "torch.SequentialSampler"

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source
        self.epoch = 0
        self._cursor: Progress | None = None
        self._resume_position: int | None = None

    def __iter__(self) -> Iterator[int]:
        """0 … len(data_source) − 1, or the rest of the epoch after ``load_state_dict``.

        Returns:
            An iterator over ints.

        Raises:
            TypeError: ``data_source`` has no ``len()``.

        Examples:
            >>> from ferrosampler import SequentialSampler
            >>> next(iter(SequentialSampler(range(3))))
            0
        """
        length = sized_length("data_source", self.data_source)
        start, self._resume_position = self._resume_position or 0, None
        progress = self._cursor = Progress(None, self.epoch, serve(length, start))
        return flatten(progress.chunks([(0, range(start, length))]))

    def __repr__(self) -> str:
        """``SequentialSampler(n=...)``; ``n='?'`` when ``len(data_source)`` fails.

        Examples:
            >>> from ferrosampler import SequentialSampler
            >>> SequentialSampler(range(5))
            SequentialSampler(n=5)
        """
        return describe(self, n=safe_len(self.data_source))

    def __len__(self) -> int:
        """``len(data_source)``.

        Examples:
            >>> from ferrosampler import SequentialSampler
            >>> len(SequentialSampler(range(12)))
            12
        """
        return sized_length("data_source", self.data_source)

    def epoch_indices(self, epoch: int | None = None) -> npt.NDArray[np.int64]:
        """0 … len(data_source) − 1 as an int64 array (every epoch is the same).

        Args:
            epoch: Validated (an int in [0, 2**56)) for symmetry with the random samplers; the order is the same.

        Returns:
            ``numpy.arange(len(data_source))``.

        Examples:
            >>> from ferrosampler import SequentialSampler
            >>> SequentialSampler(range(4)).epoch_indices().tolist()
            [0, 1, 2, 3]
        """
        if epoch is not None:
            epoch_value(epoch)
        return arange(0, sized_length("data_source", self.data_source))

    def set_epoch(self, epoch: int) -> None:
        """Record the epoch (for ``state_dict``); the order is the same in every epoch.

        Args:
            epoch: An int in [0, 2**56). A different epoch than a loaded state's drops its position.

        Raises:
            ValueError: ``epoch`` is out of range.
            ArgumentTypeError: ``epoch`` is not an integer.

        Examples:
            >>> from ferrosampler import SequentialSampler
            >>> sampler = SequentialSampler(range(3))
            >>> sampler.set_epoch(4)
            >>> sampler.state_dict()["epoch"], list(sampler)
            (4, [0, 1, 2])
        """
        value = epoch_value(epoch)
        if value != self.epoch:
            self._resume_position = None
        self.epoch = value

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        return SequentialEpoch(sized_length("data_source", self.data_source), None, self.epoch)

    def _epoch_at(self, epoch: int) -> Epoch:
        return SequentialEpoch(sized_length("data_source", self.data_source), None, epoch_value(epoch))

    def _identity(self) -> dict[str, Any]:
        return {"n": safe_len(self.data_source)}

    def _position(self) -> int:
        if self._resume_position is not None:
            return self._resume_position
        return 0 if self._cursor is None else self._cursor.place().position

    def state_dict(self) -> dict[str, Any]:
        """The progress as a small JSON-serialisable dict (spec §13).

        Returns:
            ``kind``, ``spec_version``, ``fingerprint`` (of the length), ``epoch`` (as set by
            ``set_epoch``) and ``position`` (indices the live iterator has handed out).

        Examples:
            >>> from ferrosampler import SequentialSampler
            >>> sampler = SequentialSampler(range(5))
            >>> iterator = iter(sampler)
            >>> next(iterator), next(iterator)
            (0, 1)
            >>> sampler.state_dict()["position"]
            2
        """
        return make_state(
            self._state_kind,
            fingerprint=fingerprint(self._state_kind, len(self.data_source)),
            epoch=self.epoch,
            position=self._position(),
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resume from a ``state_dict()``: the next iteration starts at the saved position.

        Args:
            state: A dict from ``state_dict()`` of a SequentialSampler over a dataset of the same length.

        Raises:
            ValueError: ``state`` is not such a dict; the message names the mismatched field.

        Examples:
            >>> from ferrosampler import SequentialSampler
            >>> sampler = SequentialSampler(range(5))
            >>> iterator = iter(sampler)
            >>> _ = next(iterator), next(iterator)
            >>> resumed = SequentialSampler(range(5))
            >>> resumed.load_state_dict(sampler.state_dict())
            >>> list(resumed)
            [2, 3, 4]
        """
        length = len(self.data_source)
        check_state(state, self._state_kind, fingerprint(self._state_kind, length), length=length)
        self.epoch, self._resume_position, self._cursor = state["epoch"], state["position"], None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_cursor": None}
