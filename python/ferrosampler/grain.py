"""Grain adapters: the same order in JAX data pipelines as in PyTorch, from the same sampler and seed.

Grain (``pip install grain``; ``pip install 'ferrosampler[grain]'``) reads records by random access: its
``DataLoader`` asks a sampler for global index ``g`` and its ``MapDataset`` asks a source for item ``i``. Global
index ``g`` of these adapters is position ``g mod L`` of epoch ``g div L`` of a ferrosampler sampler whose epochs
have ``L`` indices, exactly as that sampler's ``epoch_indices(g div L)`` has it: the order of the PyTorch run.

- ``Sampler(sampler, num_epochs=None)``: Grain's sampler protocol, for ``grain.python.DataLoader``.
- ``IndexSource(sampler, epoch=None)``: a random-access data source of the indices, for ``grain.MapDataset``.
- ``SelectionMap(mixture)``: a ``grain.python.DatasetSelectionMap`` from a ``MixtureSampler``, for
  ``MapDataset.select_from_datasets``.

Every read goes through the sampler's side-effect-free epoch read (``_epoch_at``: no counter stepped, no seed
drawn), so any index can be read in any order, from any thread or process, as often as Grain likes: positions
are computed a block at a time and the last blocks are kept, so a record costs O(1). The sampler needs a fixed
seed (Grain needs a reproducible order). This module imports without Grain; the first adapter built without it
raises ImportError naming the extra.
"""

from __future__ import annotations

import operator
import sys
import threading
from typing import Any

import numpy as np

from ._inputs import limits as _limits
from ._inputs.checks import ArgumentTypeError, epoch_value, is_integer, positive_integer
from ._protocol.describe import order_identity
from ._protocol.epoch import Deferred, Epoch, as_list, collect, epoch_at

__all__ = ["IndexSource", "Sampler", "SelectionMap"]

NEEDS_GRAIN = "ferrosampler.grain needs the grain package: pip install 'ferrosampler[grain]' (or pip install grain)"
BLOCK = 1 << 12  # positions computed per engine read
BLOCKS_KEPT = 32  # blocks kept (a few per reader thread and shard), oldest dropped first
EPOCHS_KEPT = 4  # opened epochs kept (an epoch computed whole is computed once)


def _grain() -> Any:
    """``grain.python``, or ImportError naming the extra."""
    try:
        import grain.python as grain_python
    except ImportError as error:
        raise ImportError(NEEDS_GRAIN) from error
    return grain_python


def _index(name: str, value: Any) -> int:
    if type(value) is int:  # the common case, checked first: Grain passes ints
        return value
    if not is_integer(value):
        raise ArgumentTypeError(f"{name} must be an integer, got {value!r}")
    return operator.index(value)


class _Positions:
    """Position p of epoch e of a sampler with a fixed seed, read without side effects, a block at a time; the
    blocks and epochs read last are kept. Thread-safe: a block two threads miss at once is computed twice, with
    the same result."""

    def __init__(self, sampler: Any) -> None:
        first = epoch_at(sampler, 0)  # refuses an unseeded or foreign sampler now, not at the first record
        if first.length <= 0:
            raise ValueError(f"sampler {type(sampler).__name__} has empty epochs: there is nothing to read")
        self.sampler = sampler
        self.length: int = first.length
        self.seed: int | None = first.seed
        self._start()
        self._epochs[0] = _readable(first)

    def _start(self) -> None:
        self._lock = threading.Lock()
        self._epochs: dict[int, Epoch] = {}
        self._blocks: dict[tuple[int, int], list[Any]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"sampler": self.sampler, "length": self.length, "seed": self.seed}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._start()

    def at(self, epoch: int, position: int) -> Any:
        block = position // BLOCK
        values = self._blocks.get((epoch, block))
        if values is None:
            values = self._read(epoch, block)
        return values[position - block * BLOCK]

    def _epoch(self, epoch: int) -> Epoch:
        opened = self._epochs.get(epoch)
        if opened is None:
            opened = epoch_at(self.sampler, epoch)
            if opened.length != self.length:
                raise ValueError(
                    f"epoch {epoch} of {type(self.sampler).__name__} has {opened.length} indices, epoch 0 had "
                    f"{self.length}: the sampler's data changed since the adapter was built"
                )
            opened = _readable(opened)
            with self._lock:
                opened = self._epochs.setdefault(epoch, opened)
                while len(self._epochs) > EPOCHS_KEPT:
                    del self._epochs[next(iter(self._epochs))]
        return opened

    def _read(self, epoch: int, block: int) -> list[Any]:
        first = block * BLOCK
        values = as_list(collect(self._epoch(epoch).read(first, 1, min(BLOCK, self.length - first))))
        with self._lock:
            self._blocks[epoch, block] = values
            while len(self._blocks) > BLOCKS_KEPT:
                del self._blocks[next(iter(self._blocks))]
        return values


def _readable(epoch: Epoch) -> Epoch:
    """The epoch as blocks read it: an epoch whose reads recompute a prefix (Fisher–Yates blocks, sequential draws)
    is computed whole, once, at its first read; a seeked one computes only each block."""
    if epoch.how == "seeked" or isinstance(epoch, Deferred):
        return epoch
    return Deferred(epoch.length, epoch.seed, epoch.epoch, lambda: as_list(collect(epoch.read(0, 1, epoch.length))))


class Sampler:
    """Grain's sampler protocol over a ferrosampler sampler: ``sampler[g]`` is a ``grain.python.RecordMetadata``
    whose ``record_key`` is position ``g mod L`` of epoch ``g div L`` of ``sampler`` (``L = len(sampler)``), for
    ``grain.python.DataLoader(data_source=..., sampler=Sampler(...), shard_options=...)``.

    With ``ShardOptions(shard_index=s, shard_count=S)`` Grain's loader reads global indices ``s, s + S, …``:
    inside an epoch, positions ``s, s + S, …`` of the global order, which is DistributedSampler's rule (rank
    ``s`` of ``S``) without its padding; when ``S`` does not divide ``L`` the run goes on into the next epoch
    without padding, so the shards' positions in epoch ``e`` start at ``(s - e·L) mod S``. For exactly the
    shares of a torch ``DistributedSampler`` (padding included), wrap that sampler (rank ``s`` of ``S``) and
    give the loader ``NoSharding()`` (docs: "Same order in PyTorch and JAX").

    ``rng`` is a per-record ``numpy.random.Generator`` seeded as Grain's ``IndexSampler`` seeds it:
    ``Philox(key=seed + g)``, ``seed`` the sampler's fixed seed (mod 2**64); a SequentialSampler gives none.
    The repr names every parameter that fixes the order (the world included; weights, labels and subset values
    by a digest): Grain compares it when a checkpoint is restored, so a restore into another order is refused.

    Args:
        sampler: A ferrosampler torch-side sampler with a fixed seed: RandomSampler, SubsetRandomSampler,
            WeightedRandomSampler, DistributedSampler, DistributedSamplerWrapper, DistributedWeightedSampler,
            SequentialSampler, MPerClassSampler; a batch sampler's records are its batches (lists).
        num_epochs: How many epochs before ``IndexError``; None: as many as the epoch counter allows (2**56, or
            up to ``2**63 - 1`` indices).

    Raises:
        ImportError: Grain is not installed.
        ValueError: ``sampler`` has no fixed seed or empty epochs; ``num_epochs`` is not positive.
        TypeError: ``sampler`` is not a ferrosampler torch-side sampler.

    Examples:
        >>> import ferrosampler, ferrosampler.grain
        >>> inner = ferrosampler.RandomSampler(range(10), seed=7)
        >>> sampler = ferrosampler.grain.Sampler(inner, num_epochs=2)
        >>> len(sampler), [sampler[g].record_key for g in range(10, 20)] == inner.epoch_indices(1).tolist()
        (20, True)
        >>> sampler[20]
        Traceback (most recent call last):
        ...
        IndexError: index 20 is past the end of Sampler(RandomSampler, num_epochs=2): 20 indices
    """

    def __init__(self, sampler: Any, *, num_epochs: int | None = None) -> None:
        grain = _grain()
        self._record = grain.RecordMetadata
        self._positions = _Positions(sampler)
        self.num_epochs = None if num_epochs is None else positive_integer("num_epochs", num_epochs)
        length = self._positions.length
        epochs = _limits.EPOCH_LIMIT if self.num_epochs is None else min(self.num_epochs, _limits.EPOCH_LIMIT)
        self._end = min(length * epochs, sys.maxsize)
        self._identity = order_identity(sampler)

    @property
    def sampler(self) -> Any:
        """The ferrosampler sampler read (do not change it: the adapter's order is the one it had when built)."""
        return self._positions.sampler

    def __len__(self) -> int:
        """The number of global indices: ``num_epochs · L``, or as many as the epoch counter allows."""
        return self._end

    def __getitem__(self, index: int) -> Any:
        """The record of global index ``index``: position ``index mod L`` of epoch ``index div L``."""
        g = _index("index", index)
        if g < 0:
            raise IndexError(f"index must be >= 0, got {g}")
        if g >= self._end:
            name = type(self.sampler).__name__
            raise IndexError(
                f"index {g} is past the end of Sampler({name}, num_epochs={self.num_epochs}): {self._end} indices"
            )
        positions = self._positions
        epoch, position = divmod(g, positions.length)
        seed = positions.seed
        rng = None if seed is None else np.random.Generator(np.random.Philox(key=seed + g))
        return self._record(index=g, record_key=positions.at(epoch, position), rng=rng)

    def __repr__(self) -> str:
        return f"ferrosampler.grain.Sampler(sampler={self._identity}, num_epochs={self.num_epochs})"


class IndexSource:
    """A random-access data source of a sampler's indices (``__len__`` and a thread-safe ``__getitem__``):
    one epoch's (``epoch=e``: position ``i`` of epoch ``e``), or every epoch end to end (``epoch=None``: item
    ``i`` is position ``i mod L`` of epoch ``i div L``), for ``grain.MapDataset.source(IndexSource(...))``:
    Grain's slicing, sharding and ``ElasticIterator`` then read O(1) per item.

    Args:
        sampler: A ferrosampler torch-side sampler with a fixed seed (as for ``Sampler``).
        epoch: One epoch, an int in [0, 2**56), or None for all epochs (as many whole epochs as fit below
            2**63 items).

    Raises:
        ImportError: Grain is not installed.
        ValueError: ``sampler`` has no fixed seed or empty epochs, or ``epoch`` is out of range.
        TypeError: ``sampler`` is not a ferrosampler torch-side sampler.

    Examples:
        >>> import ferrosampler, ferrosampler.grain
        >>> inner = ferrosampler.RandomSampler(range(10), seed=7)
        >>> source = ferrosampler.grain.IndexSource(inner, epoch=3)
        >>> len(source), [source[i] for i in range(10)] == inner.epoch_indices(3).tolist()
        (10, True)
        >>> every = ferrosampler.grain.IndexSource(inner)
        >>> every[30] == source[0]
        True
    """

    def __init__(self, sampler: Any, epoch: int | None = None) -> None:
        _grain()
        self._positions = _Positions(sampler)
        self.epoch = None if epoch is None else epoch_value(epoch)
        length = self._positions.length
        self._len = length if self.epoch is not None else length * min(_limits.EPOCH_LIMIT, sys.maxsize // length)
        self._identity = order_identity(sampler)

    @property
    def sampler(self) -> Any:
        """The ferrosampler sampler read."""
        return self._positions.sampler

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: int) -> Any:
        """Position ``index`` of the epoch (``epoch=None``: of all epochs end to end); negative counts from the end."""
        i = _index("index", index)
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(f"index {index} is out of range for an IndexSource of {self._len} items")
        if self.epoch is not None:
            return self._positions.at(self.epoch, i)
        return self._positions.at(*divmod(i, self._positions.length))

    def __repr__(self) -> str:
        return f"ferrosampler.grain.IndexSource(sampler={self._identity}, epoch={self.epoch})"


class SelectionMap:
    """A ``grain.python.DatasetSelectionMap`` from a ``MixtureSampler``: ``map[i]`` is ``(s, j)``, item ``j`` of
    source ``s``, for position ``i mod L`` of epoch ``i div L`` of the mixture (``L`` its epoch length), so
    ``MapDataset.select_from_datasets(datasets, SelectionMap(mixture))`` is the mixture's first epoch and
    indices past ``len(map)`` (``.repeat()``) read the next epochs, as Grain's own datasets read them.

    Args:
        mixture: A ``MixtureSampler`` with a fixed seed (anything with ``source_of(index) -> (s, j)`` and a
            side-effect-free epoch read).

    Raises:
        ImportError: Grain is not installed.
        TypeError: ``mixture`` has no ``source_of``.
        ValueError: ``mixture`` has no fixed seed.
    """

    def __init__(self, mixture: Any) -> None:
        grain = _grain()
        _register(grain)
        if not callable(getattr(mixture, "source_of", None)):
            raise TypeError(f"mixture must be a MixtureSampler (with source_of), got {type(mixture).__name__}")
        self._positions = _Positions(mixture)
        self._end = self._positions.length * _limits.EPOCH_LIMIT
        self._identity = order_identity(mixture)

    @property
    def mixture(self) -> Any:
        """The MixtureSampler read."""
        return self._positions.sampler

    def __len__(self) -> int:
        """One epoch of the mixture."""
        return self._positions.length

    def __getitem__(self, index: int) -> tuple[int, int]:
        """(source, item in the source) at position ``index mod L`` of epoch ``index div L``."""
        i = _index("index", index)
        if not 0 <= i < self._end:
            raise IndexError(f"index must be in [0, {self._end}) (2**56 epochs of {len(self)}), got {index}")
        source, item = self.mixture.source_of(self._positions.at(*divmod(i, self._positions.length)))
        return int(source), int(item)

    def __repr__(self) -> str:
        return f"ferrosampler.grain.SelectionMap(mixture={self._identity})"


_registered = False


def _register(grain: Any) -> None:
    """Makes SelectionMap a virtual subclass of Grain's DatasetSelectionMap (isinstance checks pass)."""
    global _registered  # noqa: PLW0603  # once per process, at the first SelectionMap
    if not _registered:
        grain.DatasetSelectionMap.register(SelectionMap)
        _registered = True
