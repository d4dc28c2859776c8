"""Reading positions first, first + stride, … of any sampler's epoch: how DistributedSamplerWrapper shards.

``open_epoch(sampler)`` starts the inner sampler's next epoch exactly as iterating it would (same seed, same
epoch counter step) and returns an ``Epoch`` that reads strided positions of it. How each sampler type is read
(docs/spec.md §15 has the table; ``Epoch.how`` says which):

- ``"seeked"``: only the positions asked for are computed, by strided engine calls (``stride=``, spec v2):
  uniform and alias draws, Feistel permutations and shards, PK draws, PKBatchSampler's batches (one
  ``batch(b)`` each), SequentialSampler/SubsetSampler (nothing drawn);
- ``"regenerated"``: the engine computes more than this rank's positions and they are sliced out: a
  Fisher–Yates block's prefix (in Rust), weighted sampling without replacement (§8, sequential),
  MPerClassSampler's units (every unit holds every rank's positions), a MindSpore chain level above a
  shuffling child (the child is computed whole, then gathered at the parent's seeked positions);
- ``"materialised"``: anything else (a foreign iterable, an unseeded class-batch sampler) is ``list()``-ed once
  per epoch: O(epoch) per rank.

A batch sampler's epoch is its batches: batch j of BatchSampler is inner positions j·B … j·B + B − 1, so a
seekable inner epoch is read column by column (positions j·B + o, stride·B). A sampler with
``_epoch_positions(seed, epoch, first, stride, count)`` is read through that method.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ._distributed_state import share_count
from ._iteration import CHUNK, int64
from ._limits import EPOCH_LIMIT
from ._samplers import (
    BatchSampler,
    DistributedSampler,
    DistributedSamplerWrapper,
    DistributedWeightedSampler,
    MPerClassSampler,
    PKBatchSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
    _RandomEpochs,
)

BATCH_CHUNK = 256  # PKBatchSampler batches per chunk, as its own iteration
FISHER_YATES = "fisher-yates"


class Epoch:
    """One epoch of an inner sampler: its length, the seed it used (None if none or not recorded), its epoch
    number (None if it has none), how it is read, and strided reads."""

    how = "seeked"

    def __init__(self, length: int, seed: int | None, epoch: int | None) -> None:
        self.length, self.seed, self.epoch = length, seed, epoch

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        """Chunks (arrays or lists) of positions first + j·stride for j < count, all < length."""
        raise NotImplementedError


class _Materialised(Epoch):
    # Foreign samplers and samplers with only epoch_indices(): the whole epoch, held once, sliced.
    how = "materialised"

    def __init__(self, values: Any, seed: int | None, epoch: int | None) -> None:
        super().__init__(len(values), seed, epoch)
        self._values = values

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for done in range(0, count, CHUNK):
            start = first + done * stride
            yield self._values[start : start + min(CHUNK, count - done) * stride : stride]


class _Whole(_Materialised):
    # An epoch the engine computes whole (not seekable by stride), once per epoch, then sliced.
    how = "regenerated"


class _Sequential(Epoch):
    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for done in range(0, count, CHUNK):
            start = first + done * stride
            yield np.arange(start, start + min(CHUNK, count - done) * stride, stride, dtype=np.int64)


def _pieces(first: int, stride: int, count: int, block: int | None) -> Iterator[tuple[int, int]]:
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


class _Seeked(Epoch):
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
                yield self._fetch(first + done * stride, stride, min(self._chunk, count - done))
            return
        for position, size in _pieces(first, stride, count, self._block):
            yield self._fetch(position, stride, size)


class _Generated(Epoch):
    """A ferrosampler random sampler's epoch (seed, epoch) over a population of n."""

    def __init__(self, sampler: Any, seed: int, epoch: int) -> None:
        self._n, length = sampler._shape()
        super().__init__(length, seed, epoch)
        self._sampler = sampler
        self._key = (seed, epoch)
        self._seek = _seeker(sampler)
        self._block = self._n if _fisher_yates(sampler) else None
        self.how = "seeked" if self._seek is not None and self._block is None else "regenerated"

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        seed, epoch = self._key
        if self._seek is not None:
            for position, size in _pieces(first, stride, count, self._block):
                yield self._map(int64(self._seek(seed, epoch, self._n, position, size, stride)))
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


def _fisher_yates(sampler: Any) -> bool:
    return not getattr(sampler, "replacement", False) and getattr(sampler, "permutation", None) == FISHER_YATES


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


# -- composed epochs --------------------------------------------------------------------------------------------


def _collect(chunks: Iterator[Any]) -> Any:
    """A read's chunks as one int64 array (engine outputs) or one list (values passed through)."""
    parts = list(chunks)
    if all(isinstance(part, np.ndarray) for part in parts):
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return [value for part in parts for value in _as_list(part)]


def _as_list(values: Any) -> list[Any]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


class _Affine(Epoch):
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
            yield _as_list(_collect(self._inner.read(position, 1, 1))) * count
            return
        while count > 0:  # runs that do not wrap past the inner epoch's end
            run = min(count, (m - position + step - 1) // step)
            yield from self._inner.read(position, step, run)
            position, count = (position + run * step) % m, count - run


class _Gathered(Epoch):
    """rows[p] for the positions p another epoch yields (a MindSpore parent over a child computed whole)."""

    how = "regenerated"

    def __init__(self, positions: Epoch, rows: np.ndarray) -> None:
        super().__init__(positions.length, positions.seed, positions.epoch)
        self._positions, self._rows = positions, rows

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        for chunk in self._positions.read(first, stride, count):
            yield self._rows[int64(chunk)]


class _Batched(Epoch):
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
            flat = _as_list(_collect(inner.read(low, 1, min(total, last * b + b) - low)))
            return [flat[(j0 + i * stride) * b - low : (j0 + i * stride) * b - low + b] for i in range(count)]
        full = count - ((last + 1) * b > total)  # only the epoch's last batch can be short
        out: list[list[Any]] = []
        if full and b <= full:  # column o is positions j·B + o of the batches j: one strided read each
            columns = [_collect(inner.read(j0 * b + o, stride * b, full)) for o in range(b)]
            if all(isinstance(column, np.ndarray) for column in columns):
                out = np.stack(columns, axis=1).tolist()
            else:
                out = [list(row) for row in zip(*map(_as_list, columns), strict=True)]
        elif full:  # few batches of many positions: one contiguous read each
            out = [_as_list(_collect(inner.read((j0 + i * stride) * b, 1, b))) for i in range(full)]
        if full < count:
            out.append(_as_list(_collect(inner.read(last * b, 1, total - last * b))))
        return out


# -- opening each sampler type's epoch ----------------------------------------------------------------------------


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
    if isinstance(sampler, BatchSampler):
        return _Batched(open_epoch(sampler.sampler, seed, epoch), sampler.batch_size, sampler.drop_last)
    if isinstance(sampler, DistributedSamplerWrapper):
        inner = open_epoch(sampler.sampler, seed, epoch)
        length = share_count(inner.length, sampler.num_replicas, sampler.drop_last)
        return _Affine(inner, length, sampler.rank, sampler.num_replicas)
    if isinstance(sampler, DistributedSampler):
        return _open_distributed(sampler)
    if isinstance(sampler, DistributedWeightedSampler):
        return _open_distributed_weighted(sampler)
    if isinstance(sampler, PKBatchSampler):
        return _open_pk_batches(sampler)
    if isinstance(sampler, MPerClassSampler):
        number = sampler.epoch
        return _Whole(int64(sampler.epoch_indices()), None, number)  # starts the epoch as iterating does
    chain = sys.modules.get(f"{__package__}.mindspore._chain")  # loaded if the sampler can be one of them
    if chain is not None and isinstance(sampler, chain._ChainedSampler):
        return _open_chain(sampler)
    return _Materialised(list(sampler), None, getattr(sampler, "epoch", None))


def _open_distributed(sampler: DistributedSampler) -> Epoch:
    # Its epoch is this rank's share: position c is π((rank + c·W) mod n); nothing steps (set_epoch only).
    n, number = sampler._length(), sampler.epoch
    key = sampler._key(number)
    fisher_yates = sampler.shuffle and sampler.permutation == FISHER_YATES

    def fetch(first: int, stride: int, count: int) -> Any:
        return sampler._seek_share(key, n, first, stride, count)

    block = sampler.num_samples if fisher_yates else None  # one call: the prefix up to the largest offset read
    return _Seeked(sampler.num_samples, None, number, fetch, block=block, how="regenerated" if block else "seeked")


def _open_distributed_weighted(sampler: DistributedWeightedSampler) -> Epoch:
    # Its epoch is this rank's share: output c is global draw position (rank + c·W) mod g.
    iter(sampler)  # starts the epoch as iterating does (weights from set_weights take effect), computing nothing
    number = sampler.epoch
    if not sampler.replacement:  # spec §8 is sequential: the global draw is computed whole, once
        return _Whole(int64(sampler.rank_indices(0, sampler.num_samples, number)), None, number)
    w = sampler.num_replicas
    views: dict[tuple[int, int], DistributedWeightedSampler] = {}

    def fetch(first: int, stride: int, count: int) -> Any:
        # Outputs first + j·stride are global positions rank + (first mod stride)·W + (first div stride + j)·stride·W:
        # outputs of the same draw split among stride·W ranks, as rank rank + (first mod stride)·W.
        residue = first % stride
        view = views.get((stride, residue))
        if view is None:
            view = views[stride, residue] = type(sampler)(
                sampler.weights,
                num_samples=sampler.global_num_samples,
                num_replicas=stride * w,
                rank=sampler.rank + residue * w,
                replacement=True,
                seed=sampler.seed,
            )
        return view.rank_indices(first // stride, count, number)

    return _Seeked(sampler.num_samples, None, number, fetch)


def _open_pk_batches(sampler: PKBatchSampler) -> Epoch:
    # Its epoch is this rank's batches: batch c is global batch rank + c·W.
    if sampler.seed is None:  # batch(b) needs a fixed seed: the epoch (a drawn seed) is computed whole
        number = sampler.epoch
        return _Materialised(sampler.epoch_batches().tolist(), None, number)
    number = sampler.epoch
    sampler.set_epoch((number + 1) % EPOCH_LIMIT)  # a fixed seed's counter steps as iterating steps it
    w, rank = sampler.num_replicas, sampler.rank
    seed, key_epoch = sampler._key(number)

    def fetch(first: int, stride: int, count: int) -> list[list[int]]:
        batches: list[list[int]] = sampler._rows(seed, key_epoch, rank + first * w, count, stride * w).tolist()
        return batches

    return _Seeked(len(sampler), None, number, fetch, chunk=BATCH_CHUNK)


def _open_chain(sampler: Any) -> Epoch:
    """A MindSpore sampler's epoch: the top's epoch (counter stepped, a loaded state taken, as iterating does)
    drives every level; each level is read through its ``_seek``/``_affine`` hooks."""
    size = sampler._dataset_size_or_raise()
    number, _ = sampler._begin(sampler._take_resume(counts_epochs=True))
    return _chain_level(sampler, number, size)


def _chain_level(level: Any, number: int, size: int) -> Epoch:
    # The child first, then this level's seed, as _ChainedSampler._chain_rows settles them (a drawn seed's order).
    child, below, rows = level._child, None, None
    n = size if child is None else child._chain_length(size)
    k = level._length(n)
    affine = level._affine(n, k)
    if child is not None and affine is not None:
        below = _chain_level(child, number, size)
    elif child is not None:
        rows = int64(child._chain_rows(number, size))  # a shuffling parent reads its child anywhere: computed whole
    seed, fixed = level._seed_and_fixed()
    if affine is not None:
        return _Affine(below if below is not None else _Sequential(n, None, number), k, *affine)
    if hasattr(level, "_weights_for_new_epoch"):
        level._weights_for_new_epoch()  # this epoch's weights, once, before any of its positions
    stream = level._stream_epoch(number, fixed)
    epoch: Epoch
    if level._seekable():

        def fetch(first: int, stride: int, count: int) -> Any:
            return int64(level._seek(seed, stream, n, k, first, stride, count))

        block = k if level._fisher_yates_read() else None  # one call: the prefix up to the largest offset read
        epoch = _Seeked(k, None, number, fetch, block=block, how="regenerated" if block else "seeked")
    else:
        epoch = _Whole(int64(level._seek(seed, stream, n, k, 0, 1, k)), None, number)
    return epoch if rows is None else _Gathered(epoch, rows)
