"""Reading positions first, first + stride, … of any sampler's epoch: how DistributedSamplerWrapper shards.

``open_epoch(sampler)`` starts the inner sampler's next epoch exactly as iterating it would (same seed, same
epoch counter step) and returns an ``Epoch`` that reads strided positions of it. A ferrosampler sampler is
read by seeking (a strided engine call, spec v2) where its engine is seekable; otherwise its epoch is
regenerated in Rust span by span and sliced. A sampler with ``_epoch_positions(seed, epoch, first, stride,
count)`` is read through that method. Anything else is materialised once per epoch (O(epoch) per rank).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ._iteration import CHUNK, int64
from ._samplers import RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler, _RandomEpochs


class Epoch:
    """One epoch of an inner sampler: its length, the seed it used (None if none) and strided reads."""

    def __init__(self, length: int, seed: int | None, epoch: int | None) -> None:
        self.length, self.seed, self.epoch = length, seed, epoch

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        """Chunks (arrays or lists) of positions first + j·stride for j < count, all < length."""
        raise NotImplementedError


class _Materialised(Epoch):
    # Foreign samplers and samplers with only epoch_indices(): the whole epoch, held once, sliced.
    def __init__(self, values: Any, seed: int | None, epoch: int | None) -> None:
        super().__init__(len(values), seed, epoch)
        self._values = values

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for done in range(0, count, CHUNK):
            start = first + done * stride
            yield self._values[start : start + min(CHUNK, count - done) * stride : stride]


class _Sequential(Epoch):
    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for done in range(0, count, CHUNK):
            start = first + done * stride
            yield np.arange(start, start + min(CHUNK, count - done) * stride, stride, dtype=np.int64)


class _Generated(Epoch):
    """A ferrosampler random sampler's epoch (seed, epoch) over a population of n."""

    def __init__(self, sampler: Any, seed: int, epoch: int) -> None:
        self._n, length = sampler._shape()
        super().__init__(length, seed, epoch)
        self._sampler = sampler
        self._key = (seed, epoch)
        self._seek = _seeker(sampler)

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        seed, epoch = self._key
        if self._seek is not None:
            for done in range(0, count, CHUNK):
                yield self._map(
                    int64(self._seek(seed, epoch, self._n, first + done * stride, min(CHUNK, count - done), stride))
                )
            return
        yield from self._spans(seed, epoch, first, stride, count)

    def _spans(self, seed: int, epoch: int, first: int, stride: int, count: int) -> Iterator[Any]:
        # Not seekable by stride: regenerate the epoch span by span in Rust (the sampler's own chunking, so no
        # permutation block is computed twice) and keep this rank's positions.
        step = self._sampler._chunk(self._n)
        end = first + (count - 1) * stride + 1 if count else first
        position = first
        while position < end:
            span = position - position % step
            values = int64(self._sampler._generate(seed, epoch, self._n, span, min(step, self.length - span)))
            last = min(end, span + len(values))
            yield self._map(values[position - span : last - span : stride])
            position += ((last - position + stride - 1) // stride) * stride

    def _map(self, positions: np.ndarray) -> Any:
        if isinstance(self._sampler, SubsetRandomSampler):
            values = self._sampler.indices
            return [values[position] for position in positions.tolist()]
        return positions


def _seeker(sampler: Any) -> Any:
    """A strided engine read f(seed, epoch, n, start, count, stride) for a seekable sampler, else None."""
    engine = sampler._engine
    if hasattr(sampler, "_epoch_positions"):
        return lambda seed, epoch, n, start, count, stride: sampler._epoch_positions(seed, epoch, start, stride, count)
    if not hasattr(engine, "PERMUTATIONS"):
        return None  # spec-v1 engine: no stride= anywhere
    extra = {"permutation": sampler.permutation} if hasattr(sampler, "permutation") else {}
    if isinstance(sampler, RandomSampler) and sampler.replacement:
        return lambda seed, epoch, n, start, count, stride: engine.uniform_draws(
            seed, epoch, n, start, count, stride=stride
        )
    if isinstance(sampler, (RandomSampler, SubsetRandomSampler)):
        return lambda seed, epoch, n, start, count, stride: engine.permutation_stream(
            seed, engine.MAIN, epoch, n, start, count, stride=stride, **extra
        )
    if isinstance(sampler, WeightedRandomSampler) and sampler.replacement:
        table = sampler._table
        return lambda seed, epoch, n, start, count, stride: table.alias_draws(seed, epoch, start, count, stride=stride)
    return None


def open_epoch(sampler: Any, seed: int | None = None, epoch: int | None = None) -> Epoch:
    """The sampler's next epoch, or (resume) the epoch with this seed and epoch number."""
    resuming = epoch is not None
    if resuming and hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)  # a counting sampler then starts this epoch, and counts on from it
    if isinstance(sampler, SequentialSampler):
        return _Sequential(len(sampler.data_source), None, getattr(sampler, "epoch", None))
    if isinstance(sampler, _RandomEpochs):
        if seed is not None and epoch is not None and sampler.seed is None:
            return _Generated(sampler, seed, epoch)  # a drawn seed: the state's, with no counter to step
        key_seed, key_epoch = sampler._next_key()
        return _Generated(sampler, key_seed, key_epoch)
    number = getattr(sampler, "epoch", None)
    # A batch sampler's epoch_indices() is flat, but its epoch is its batches.
    if hasattr(sampler, "epoch_indices") and not hasattr(sampler, "batch_size"):
        return _Materialised(int64(sampler.epoch_indices()), None, number)
    return _Materialised(list(sampler), None, number)
