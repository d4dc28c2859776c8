"""An epoch as a sampler opens it, and the strategies that read its positions first, first + stride, ….

Every sampler implements ``_open_epoch(seed, epoch) -> Epoch`` in its own file: it starts its next epoch
exactly as iterating it would (same seed, same counter step), or, when ``epoch`` is given (a resume), that
epoch with that seed. ``open_epoch`` calls the hook; an object without it (a foreign sampler) is
materialised. How an epoch is read (``Epoch.how``; docs/spec.md §15 has the table):

- ``"seeked"``: only the positions asked for are computed, by strided engine calls;
- ``"regenerated"``: the engine computes more than the positions asked for and they are sliced out (a
  Fisher–Yates block's prefix, weighted sampling without replacement, MPerClassSampler's units, a MindSpore
  level above a shuffling child);
- ``"materialised"``: a foreign iterable is ``list()``-ed once per epoch.

A batch sampler's epoch is its batches: batch j of BatchSampler is inner positions j·B … j·B + B − 1, so a
seekable inner epoch is read column by column (positions j·B + o, stride·B).

A sampler with a fixed seed also implements ``_epoch_at(epoch) -> Epoch``: epoch ``epoch`` as iterating it
would yield it (this rank's share, for a sharded sampler), with no side effect at all — no counter stepped, no
seed drawn, no pending weights applied, no loaded state used up — so random-access readers (``ferrosampler.grain``)
can read any position of any epoch, from any thread, as often as they like. Its ``seed`` is the sampler's fixed
seed (None for a sampler that draws nothing). ``epoch_at`` calls it; a sampler that cannot (no fixed seed) raises
ValueError, an object without the hook TypeError.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .iteration import CHUNK, int64


def open_epoch(sampler: Any, seed: int | None = None, epoch: int | None = None) -> Epoch:
    """The sampler's next epoch, or (resume) the epoch with this seed and epoch number."""
    if epoch is not None and hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)  # a counting sampler then starts this epoch, and counts on from it
    opener = getattr(sampler, "_open_epoch", None)
    if opener is not None:
        opened: Epoch = opener(seed, epoch)
        return opened
    return Materialised(list(sampler), None, getattr(sampler, "epoch", None))


def epoch_at(sampler: Any, epoch: int) -> Epoch:
    """Epoch ``epoch`` of a sampler with a fixed seed, read without any side effect (its ``_epoch_at`` hook)."""
    reader = getattr(sampler, "_epoch_at", None)
    if reader is None:
        raise TypeError(
            f"{type(sampler).__name__} cannot be read at an epoch without side effects: pass a ferrosampler "
            "torch-side sampler (RandomSampler, SubsetRandomSampler, WeightedRandomSampler, DistributedSampler, "
            "DistributedSamplerWrapper, BatchSampler, …) with a fixed seed"
        )
    opened: Epoch = reader(epoch)
    return opened


class Epoch:
    """One epoch of an inner sampler: its length, the seed it used (None if none or not recorded), its epoch
    number (None if it has none), how it is read, and strided reads."""

    how = "seeked"

    def __init__(self, length: int, seed: int | None, epoch: int | None) -> None:
        self.length, self.seed, self.epoch = length, seed, epoch

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        """Chunks (arrays or lists) of positions first + j·stride for j < count, all < length."""
        raise NotImplementedError


class Materialised(Epoch):
    # Foreign samplers and samplers with only epoch_indices(): the whole epoch, held once, sliced.
    how = "materialised"

    def __init__(self, values: Any, seed: int | None, epoch: int | None) -> None:
        super().__init__(len(values), seed, epoch)
        self._values = values

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for done in range(0, count, CHUNK):
            start = first + done * stride
            yield self._values[start : start + min(CHUNK, count - done) * stride : stride]


class Whole(Materialised):
    # An epoch the engine computes whole (not seekable by stride), once per epoch, then sliced.
    how = "regenerated"


class Deferred(Epoch):
    """An epoch the engine computes whole, at its first read (once, whichever thread reads first), then sliced:
    ``_epoch_at`` of samplers whose draws are sequential, so that opening an epoch costs nothing."""

    how = "regenerated"

    def __init__(self, length: int, seed: int | None, epoch: int | None, compute: Callable[[], Any]) -> None:
        super().__init__(length, seed, epoch)
        self._compute, self._values = compute, None
        self._lock = threading.Lock()

    def values(self) -> Any:
        if self._values is None:
            with self._lock:
                if self._values is None:
                    self._values = self._compute()
        return self._values

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        values = self.values()
        for done in range(0, count, CHUNK):
            start = first + done * stride
            yield values[start : start + min(CHUNK, count - done) * stride : stride]


class SequentialEpoch(Epoch):
    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for done in range(0, count, CHUNK):
            start = first + done * stride
            yield np.arange(start, start + min(CHUNK, count - done) * stride, stride, dtype=np.int64)


def pieces(first: int, stride: int, count: int, block: int | None) -> Iterator[tuple[int, int]]:
    """(first position, count) of the engine calls for a strided read: CHUNK positions each, or, for Fisher–Yates
    (``block`` = the block length), calls that end at block ends, so no block's prefix is computed twice."""
    done = 0
    while done < count:
        position = first + done * stride
        size = min(CHUNK, count - done)
        if block is not None:
            end = ((position + (size - 1) * stride) // block + 1) * block
            size = min(count - done, (end - position + stride - 1) // stride)
        yield position, size
        done += size


class Seeked(Epoch):
    """An epoch read by ``fetch(first, stride, count)``, which computes exactly those positions."""

    def __init__(
        self,
        length: int,
        seed: int | None,
        epoch: int | None,
        fetch: Callable[[int, int, int], Any],
        *,
        block: int | None = None,
        chunk: int = CHUNK,
        how: str = "seeked",
    ) -> None:
        super().__init__(length, seed, epoch)
        self._fetch, self._block, self._chunk, self.how = fetch, block, chunk, how

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        if self._chunk != CHUNK:
            for done in range(0, count, self._chunk):
                size = min(self._chunk, count - done)
                # One position has no stride; a world's stride may pass the engine's 2**64 bound.
                yield self._fetch(first + done * stride, stride if size > 1 else 1, size)
            return
        for position, size in pieces(first, stride, count, self._block):
            yield self._fetch(position, stride if size > 1 else 1, size)


# -- composed epochs --------------------------------------------------------------------------------------------


def collect(chunks: Iterator[Any]) -> Any:
    """A read's chunks as one int64 array (engine outputs) or one list (values passed through)."""
    parts = list(chunks)
    if all(isinstance(part, np.ndarray) for part in parts):
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return [value for part in parts for value in as_list(part)]


def as_list(values: Any) -> list[Any]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


class Affine(Epoch):
    """Positions (offset + p·scale) mod inner.length of another epoch, for p < length: a shard of an inner
    wrapper, a MindSpore SequentialSampler or unshuffled DistributedSampler over its child."""

    def __init__(self, inner: Epoch, length: int, offset: int, scale: int) -> None:
        super().__init__(length, inner.seed, inner.epoch)
        self._inner, self._offset, self._scale = inner, offset, scale
        self.how = inner.how

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        m = self._inner.length
        if count <= 0:
            return
        position, step = (self._offset + first * self._scale) % m, (stride * self._scale) % m
        if step == 0:
            yield as_list(collect(self._inner.read(position, 1, 1))) * count
            return
        while count > 0:  # runs that do not wrap past the inner epoch's end
            run = min(count, (m - position + step - 1) // step)
            yield from self._inner.read(position, step, run)
            position, count = (position + run * step) % m, count - run


class Gathered(Epoch):
    """rows[p] for the positions p another epoch yields (a MindSpore parent over a child computed whole)."""

    how = "regenerated"

    def __init__(self, positions: Epoch, rows: np.ndarray) -> None:
        super().__init__(positions.length, positions.seed, positions.epoch)
        self._positions, self._rows = positions, rows

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for chunk in self._positions.read(first, stride, count):
            yield self._rows[int64(chunk)]


class Batched(Epoch):
    """A BatchSampler's epoch: batch j is positions j·B … min(j·B + B, L) − 1 of the inner epoch (L of them);
    ``drop_last`` drops a short last batch."""

    def __init__(self, inner: Epoch, batch_size: int, drop_last: bool) -> None:
        total, b = inner.length, batch_size
        super().__init__(total // b if drop_last else -(-total // b), inner.seed, inner.epoch)
        self._inner, self._b = inner, b
        self.how = inner.how

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        per = max(1, CHUNK // self._b)
        for done in range(0, count, per):
            yield self._batches(first + done * stride, stride, min(per, count - done))

    def _batches(self, j0: int, stride: int, count: int) -> list[list[Any]]:
        inner, b, total = self._inner, self._b, self._inner.length
        last = j0 + (count - 1) * stride
        if inner.how != "seeked":  # the inner epoch is computed in spans anyway: read the span once, cut it
            low = j0 * b
            flat = as_list(collect(inner.read(low, 1, min(total, last * b + b) - low)))
            return [flat[(j0 + i * stride) * b - low : (j0 + i * stride) * b - low + b] for i in range(count)]
        full = count - ((last + 1) * b > total)  # only the epoch's last batch can be short
        out: list[list[Any]] = []
        if full and b <= full:  # column o is positions j·B + o of the batches j: one strided read each
            columns = [collect(inner.read(j0 * b + o, stride * b, full)) for o in range(b)]
            if all(isinstance(column, np.ndarray) for column in columns):
                out = np.stack(columns, axis=1).tolist()
            else:
                out = [list(row) for row in zip(*map(as_list, columns), strict=True)]
        elif full:  # few batches of many positions: one contiguous read each
            out = [as_list(collect(inner.read((j0 + i * stride) * b, 1, b))) for i in range(full)]
        if full < count:
            out.append(as_list(collect(inner.read(last * b, 1, total - last * b))))
        return out
