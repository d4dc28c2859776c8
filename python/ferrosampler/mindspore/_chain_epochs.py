"""A chain's epochs: the top's epoch counter drives every level; whole epochs, iteration, and the seekable
epoch the DistributedSamplerWrapper reads (spec §15)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from .._inputs.checks import epoch_value
from .._protocol.epoch import Affine, Epoch, Gathered, Seeked, SequentialEpoch, Whole
from .._protocol.iteration import CHUNK, chunk_bounds, flatten, int64, positioned_chunks
from .._protocol.progress import Place, Progress, serve
from ._chain_levels import _ChainLevels


class _ChainEpochs(_ChainLevels):
    """Epochs of a chain: each level's positions computed by the engine, gathered through the levels below."""

    def epoch_indices(self, epoch: int | None = None) -> npt.NDArray[np.int64]:
        """One whole epoch of row ids as an int64 array, computed by the engine.

        Args:
            epoch: None for the next epoch (what iterating would yield, the rest of a resumed
                epoch after ``load_state_dict``; the counter moves on), or an int in [0, 2**56)
                for that epoch, with no side effect.

        Returns:
            ``len(self)`` row ids (fewer after a mid-epoch resume).

        Raises:
            ValueError: The dataset size is not known yet, or ``epoch`` is out of range.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> sampler = RandomSampler(num_samples=4, seed=1, dataset_size=10)
            >>> first = sampler.epoch_indices(0)
            >>> first.dtype, len(first), sampler.epoch
            (dtype('int64'), 4, 0)
            >>> list(sampler) == first.tolist()
            True
        """
        size = self._dataset_size_or_raise()
        if epoch is not None:
            return self._chain_rows(epoch_value(epoch), size)
        epoch_number, start = self._begin(self._take_resume(counts_epochs=True))
        return self._chain_rows(epoch_number, size, start)

    def _begin(self, resume: Place | None) -> tuple[int, int]:
        """(epoch, first position) of an epoch that starts now: a loaded state's place, else the next epoch."""
        return (self._next_epoch(), 0) if resume is None else (resume.epoch, resume.position)

    def _chain_rows(self, epoch: int, dataset_size: int, start: int = 0) -> np.ndarray:
        """Positions [start, len) of this level's epoch; the levels below are computed whole, by the engine."""
        if self._child is None:
            n, rows = dataset_size, None
        else:
            rows = self._child._chain_rows(epoch, dataset_size)
            n = len(rows)
        seed, fixed = self._seed_and_fixed()
        k = self._length(n)
        positions = int64(self._positions(seed, self._stream_epoch(epoch, fixed), n, k, min(start, k)))
        return positions if rows is None else rows[positions]

    def __iter__(self) -> Iterator[int]:
        """The next epoch's row ids (the counter moves at the first ``next()``).

        Returns:
            An iterator over ``len(self)`` ints.

        Raises:
            ValueError: The dataset size is not known (raised at the first ``next()``).

        Examples:
            >>> from ferrosampler.mindspore import SequentialSampler
            >>> list(SequentialSampler(start_index=2, num_samples=3, dataset_size=10))
            [2, 3, 4]
        """
        # A C-level chain over chunk lists; the epoch counter moves at the first next(), not at iter().
        return flatten(self._chunks(self._take_resume(counts_epochs=True)))

    def _chunks(self, resume: Place | None) -> Iterator[Iterator[int]]:
        size = self._dataset_size_or_raise()
        epoch, start = self._begin(resume)
        rows = self._chain_rows(epoch, size, start)
        length = start + len(rows)
        progress = self._cursor = Progress(None, epoch, serve(length, start))

        def rows_at(position: int, count: int) -> np.ndarray:
            return rows[position - start : position - start + count]

        yield from positioned_chunks(progress, rows_at, chunk_bounds(start, length, CHUNK), prefetch=False)

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        """The chain's epoch: the top's epoch (counter stepped, a loaded state taken, as iterating does) drives
        every level; each level is read through its ``_seek``/``_affine`` hooks."""
        size = self._dataset_size_or_raise()
        number, _ = self._begin(self._take_resume(counts_epochs=True))
        return self._level_epoch(number, size)

    def _level_epoch(self, number: int, size: int) -> Epoch:
        # The child first, then this level's seed, as _chain_rows settles them (a drawn seed's order).
        child, below, rows = self._child, None, None
        n = size if child is None else child._chain_length(size)
        k = self._length(n)
        affine = self._affine(n, k)
        if child is not None and affine is not None:
            below = child._level_epoch(number, size)
        elif child is not None:
            rows = int64(child._chain_rows(number, size))  # a shuffling parent reads its child anywhere: computed whole
        seed, fixed = self._seed_and_fixed()
        if affine is not None:
            return Affine(below if below is not None else SequentialEpoch(n, None, number), k, *affine)
        self._weights_for_new_epoch()  # this epoch's weights, once, before any of its positions
        stream = self._stream_epoch(number, fixed)
        epoch_read: Epoch
        if self._seekable():

            def fetch(first: int, stride: int, count: int) -> Any:
                return int64(self._seek(seed, stream, n, k, first, stride, count))

            block = k if self._fisher_yates_read() else None  # one call: the prefix up to the largest offset read
            epoch_read = Seeked(k, None, number, fetch, block=block, how="regenerated" if block else "seeked")
        else:
            epoch_read = Whole(int64(self._seek(seed, stream, n, k, 0, 1, k)), None, number)
        return epoch_read if rows is None else Gathered(epoch_read, rows)
