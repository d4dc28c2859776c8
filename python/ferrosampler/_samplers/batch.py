"""torch's BatchSampler: another sampler's indices grouped into lists of batch_size."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator, Mapping, Sized
from typing import Any

import numpy as np
import numpy.typing as npt

from .._inputs.checks import boolean, positive_integer, sized_length
from .._protocol.describe import safe_repr
from .._protocol.epoch import Batched, Epoch, epoch_at, open_epoch
from .._protocol.iteration import batches, chunk_source, int64
from .._protocol.provenance import Locatable, Position, locate
from .._protocol.state import check_state, fingerprint, make_state
from .._protocol.torch_compat import BatchSamplerBase


class BatchSampler(Locatable, BatchSamplerBase):
    """torch's BatchSampler: another sampler's indices grouped into lists of ``batch_size``.

    ``state_dict()`` carries the inner sampler's state (spec §13); an inner sampler without
    ``state_dict`` (not a ferrosampler one) is resumed by skipping the indices its new
    iterator yields up to the saved position, which costs a pass over them.

    Args:
        sampler: The inner sampler, or any iterable of indices (with ``len()`` for ``len(self)``).
        batch_size: Indices per batch, a positive int.
        drop_last: Drop the last batch if it is shorter than ``batch_size``.

    Raises:
        ValueError: ``batch_size`` is not positive.
        ArgumentTypeError: ``batch_size`` is not an int or ``drop_last`` not a bool.

    Examples:
        >>> from ferrosampler import BatchSampler, RandomSampler, SequentialSampler
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False))
        [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
        >>> batches = list(BatchSampler(RandomSampler(range(10), seed=2), batch_size=4, drop_last=True))
        >>> [len(batch) for batch in batches], len(set().union(*batches))
        ([4, 4], 8)
    """

    _state_kind = "torch.BatchSampler"

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        self.sampler = sampler
        self.batch_size = positive_integer("batch_size", batch_size)
        self.drop_last = boolean("drop_last", drop_last)
        self._handed_out = 0  # inner indices taken by the live iterator (for an inner sampler without state)
        self._skip = 0

    def __iter__(self) -> Iterator[list[int]]:
        """The inner sampler's next epoch in batches.

        Returns:
            An iterator over lists of ``batch_size`` indices (the last one shorter unless ``drop_last``).

        Examples:
            >>> from ferrosampler import BatchSampler
            >>> next(iter(BatchSampler(range(7), batch_size=3, drop_last=False)))
            [0, 1, 2]
        """
        # The inner iterator now (it draws nothing before its first next()), so a loaded state binds to it.
        return self._batches(iter(self.sampler))

    def _batches(self, iterator: Iterator[int]) -> Iterator[list[int]]:
        skip, self._skip = self._skip, 0
        if skip:
            next(itertools.islice(iterator, skip - 1, skip), None)  # a foreign inner sampler: skipped, not seeked
        self._handed_out = skip
        chunks = chunk_source(iterator) if not skip else None
        if chunks is not None:  # a ferrosampler sampler: batches cut from its engine chunks, C-level
            for batch in batches(chunks, self.batch_size, self.drop_last):
                self._handed_out += len(batch)
                yield batch
            return
        if self.drop_last:
            # zip pulls the tail out of the inner iterator too, as torch does.
            for full in zip(*[iterator] * self.batch_size, strict=False):
                self._handed_out += self.batch_size
                yield list(full)
            return
        while batch := list(itertools.islice(iterator, self.batch_size)):
            self._handed_out += len(batch)
            yield batch

    def __repr__(self) -> str:
        """The inner sampler's repr, ``batch_size`` and ``drop_last``.

        Examples:
            >>> from ferrosampler import BatchSampler, RandomSampler
            >>> BatchSampler(RandomSampler(range(10), seed=2), batch_size=4, drop_last=True)
            BatchSampler(sampler=RandomSampler(n=10, ..., seed=2, ...), batch_size=4, drop_last=True)
        """
        inner = safe_repr(self.sampler)
        return f"{type(self).__name__}(sampler={inner}, batch_size={self.batch_size}, drop_last={self.drop_last})"

    def __len__(self) -> int:
        """The number of batches: ``len(sampler) / batch_size``, rounded down with ``drop_last``, else up.

        Raises:
            ArgumentTypeError: The inner sampler has no ``len()``.

        Examples:
            >>> from ferrosampler import BatchSampler
            >>> len(BatchSampler(range(10), 4, drop_last=False)), len(BatchSampler(range(10), 4, drop_last=True))
            (3, 2)
        """
        length = sized_length("sampler", self.sampler)
        if self.drop_last:
            return length // self.batch_size
        return (length + self.batch_size - 1) // self.batch_size

    def set_epoch(self, epoch: int) -> None:
        """Pass the epoch on to the inner sampler (if it has ``set_epoch``).

        Args:
            epoch: The epoch, checked by the inner sampler.

        Examples:
            >>> from ferrosampler import BatchSampler, RandomSampler
            >>> inner = RandomSampler(range(6), seed=1)
            >>> batches = BatchSampler(inner, 3, drop_last=False)
            >>> batches.set_epoch(2)
            >>> inner.epoch
            2
        """
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)

    def epoch_indices(self, epoch: int | None = None) -> npt.NDArray[np.int64]:
        """The epoch's indices in batch order, flat (a tail dropped by ``drop_last`` excluded).

        Args:
            epoch: Passed to the inner sampler's ``epoch_indices``; an inner sampler without it is
                iterated instead (and ``epoch`` ignored).

        Returns:
            An int64 array of ``len(self) * batch_size`` indices at most; reshape it to batches.

        Examples:
            >>> from ferrosampler import BatchSampler, RandomSampler
            >>> batches = BatchSampler(RandomSampler(range(10), seed=2), batch_size=4, drop_last=True)
            >>> flat = batches.epoch_indices(0)
            >>> flat.reshape(-1, 4).tolist() == list(batches)
            True
        """
        if hasattr(self.sampler, "epoch_indices"):
            flat = int64(self.sampler.epoch_indices(epoch))
        else:
            flat = np.fromiter(self.sampler, dtype=np.int64)
        if self.drop_last:
            flat = flat[: len(flat) // self.batch_size * self.batch_size]
        return flat

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        # Inner position q is batch q div B, offset q mod B; drop_last leaves out the positions past the last batch.
        b, end = self.batch_size, len(self) * self.batch_size
        for place in locate(self.sampler, index, epoch, seed, world):
            if place.offset is not None:
                raise TypeError("BatchSampler.position_of needs an inner sampler of indices, got a batch sampler")
            if place.position < end:
                yield place._replace(position=place.position // b, offset=place.position % b)

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        return Batched(open_epoch(self.sampler, seed, epoch), self.batch_size, self.drop_last)

    def _epoch_at(self, epoch: int) -> Epoch:
        return Batched(epoch_at(self.sampler, epoch), self.batch_size, self.drop_last)

    def _identity(self) -> dict[str, Any]:
        return {"sampler": self.sampler, "batch_size": self.batch_size, "drop_last": self.drop_last}

    def _fingerprint(self) -> str:
        return fingerprint(self._state_kind, self.batch_size, self.drop_last)

    def state_dict(self) -> dict[str, Any]:
        """The progress as a small JSON-serialisable dict (spec §13).

        Returns:
            ``kind``, ``spec_version``, ``fingerprint`` (of batch_size and drop_last), the inner
            sampler's ``epoch`` and ``position`` (in indices, not batches), and its own
            ``state_dict()`` under ``sampler`` (None if it has none).

        Examples:
            >>> from ferrosampler import BatchSampler, RandomSampler
            >>> batches = BatchSampler(RandomSampler(range(10), seed=2), batch_size=4, drop_last=False)
            >>> first = next(iter(batches))
            >>> state = batches.state_dict()
            >>> state["position"], state["sampler"]["kind"]
            (4, 'torch.RandomSampler')
        """
        inner = self.sampler.state_dict() if hasattr(self.sampler, "state_dict") else None
        epoch = inner["epoch"] if inner is not None else getattr(self.sampler, "epoch", 0)
        position = inner["position"] if inner is not None else self._handed_out
        return make_state(
            self._state_kind, fingerprint=self._fingerprint(), epoch=epoch, position=position, sampler=inner
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resume from a ``state_dict()``: the next iteration yields the rest of the saved epoch's batches.

        Args:
            state: A dict from ``state_dict()`` of a BatchSampler with the same parameters.

        Raises:
            ValueError: ``state`` is not such a dict (the message names the field), or it has no
                inner state but the inner sampler needs one.

        Examples:
            >>> from ferrosampler import BatchSampler, RandomSampler
            >>> batches = BatchSampler(RandomSampler(range(10), seed=2), batch_size=4, drop_last=False)
            >>> iterator = iter(batches)
            >>> first = next(iterator)
            >>> resumed = BatchSampler(RandomSampler(range(10), seed=2), batch_size=4, drop_last=False)
            >>> resumed.load_state_dict(batches.state_dict())
            >>> list(resumed) == list(iterator)
            True
        """
        check_state(state, self._state_kind, self._fingerprint())
        inner = state.get("sampler")
        if hasattr(self.sampler, "load_state_dict"):
            if inner is None:
                raise ValueError("state['sampler'] is None, but the inner sampler has a state to restore")
            for name in ("epoch", "position"):  # state_dict() copies them from the inner state: they must agree
                if not isinstance(inner, Mapping) or inner.get(name) != state[name]:
                    seen = inner.get(name) if isinstance(inner, Mapping) else inner
                    raise ValueError(f"state[{name!r}] is {state[name]!r}, but state['sampler'][{name!r}] is {seen!r}")
            self.sampler.load_state_dict(inner)
        else:  # a foreign inner sampler is skipped forward, as far as its length
            sized = isinstance(self.sampler, Sized)
            limit = sized_length("sampler", self.sampler) if sized else sys.maxsize
            if state["position"] > limit:
                raise ValueError(f"state['position'] must be at most {limit} (the inner sampler's length)")
            self._skip = state["position"]
