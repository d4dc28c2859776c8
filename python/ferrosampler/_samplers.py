"""torch.utils.data-compatible samplers on the ferrosampler engine.

Each random sampler turns (seed, epoch) into one epoch of indices through one engine
function; ``_engine`` is the Rust extension here and the pure-Python reference in
``ferrosampler.reference``, so both build identical objects from identical arguments.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import _core
from ._checks import (
    EPOCH_LIMIT,
    SEED_MODULUS,
    ArgumentTypeError,
    boolean,
    epoch_value,
    integer,
    positive_integer,
    sized_length,
)
from ._seeding import draw_seed, split_seed_and_generator

# Indices cross from numpy to Python ints a chunk at a time, never all at once.
_CHUNK = 1 << 16


def _yield_ints(indices: np.ndarray) -> Iterator[int]:
    for start in range(0, len(indices), _CHUNK):
        yield from indices[start : start + _CHUNK].tolist()


def _int64(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


class _LockedState:
    """State guarded by ``self._lock``; pickles and deep-copies without the lock (which
    cannot be copied) and gives each copy its own."""

    _lock: threading.Lock

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


class _RandomEpochs(_LockedState):
    """Seed and epoch bookkeeping shared by the random samplers (spec §10)."""

    _engine: Any = _core

    def __init__(self, seed: Any, generator: Any) -> None:
        self._seed, self._torch_generator = split_seed_and_generator(seed, generator)
        self.generator = generator
        self.epoch = 0
        self._lock = threading.Lock()

    @property
    def seed(self) -> int | None:
        """The fixed seed, or None when each epoch draws one."""
        return self._seed

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch_value(epoch)

    def _next_key(self) -> tuple[int, int]:
        """The (seed, epoch) of an epoch that starts now; a fixed seed moves to the next epoch."""
        if self._seed is None:
            return draw_seed(self._torch_generator), self.epoch
        with self._lock:
            epoch = self.epoch
            self.epoch = (epoch + 1) % EPOCH_LIMIT
        return self._seed, epoch

    def _key(self, epoch: int | None) -> tuple[int, int]:
        if epoch is None:
            return self._next_key()
        if self._seed is None:
            raise ValueError("epoch_indices(epoch=...) needs a fixed seed; construct the sampler with seed=")
        return self._seed, epoch_value(epoch)

    def _shape(self) -> tuple[int, int]:
        """(population n, epoch length), read once at the start of an epoch, as torch does."""
        raise NotImplementedError

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> np.ndarray:
        """Positions [start, start + count) of epoch (seed, epoch) over a population of n."""
        raise NotImplementedError

    def _chunk(self, n: int) -> int:
        return _CHUNK

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """One whole epoch as an int64 array (no per-index Python work). Without ``epoch``
        this is the next epoch, exactly what iterating would yield; with it (fixed seed
        only) it is that epoch, with no side effect."""
        n, length = self._shape()
        seed, epoch_number = self._key(epoch)
        return _int64(self._generate(seed, epoch_number, n, 0, length))

    def __iter__(self) -> Iterator[int]:
        # Nothing happens until the first next(), as in torch (DataLoader draws its base seed first).
        n, length = self._shape()
        seed, epoch = self._next_key()
        step = self._chunk(n)
        for start in range(0, length, step):
            yield from _yield_ints(_int64(self._generate(seed, epoch, n, start, min(step, length - start))))


class SequentialSampler:
    """Yields 0 … len(data_source) − 1; the length is read at each iter()."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)

    def set_epoch(self, epoch: int) -> None:
        epoch_value(epoch)


class RandomSampler(_RandomEpochs):
    """Uniform permutations (blocks of len(data_source), spec §5) or uniform draws with
    replacement (spec §4)."""

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
        *,
        seed: int | None = None,
    ) -> None:
        self.replacement = boolean("replacement", replacement)
        self.data_source = data_source
        self._num_samples = None if num_samples is None else positive_integer("num_samples", num_samples)
        if self._num_samples is None:
            positive_integer("num_samples", sized_length("data_source", data_source))
        super().__init__(seed, generator)

    @property
    def num_samples(self) -> int:
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __len__(self) -> int:
        return self.num_samples

    def _shape(self) -> tuple[int, int]:
        n = len(self.data_source)
        if n == 0:
            raise ValueError("data_source is empty: RandomSampler needs at least one element")
        return n, self.num_samples

    def _chunk(self, n: int) -> int:
        if self.replacement:
            return _CHUNK
        return n * max(1, _CHUNK // n)  # whole blocks, so no permutation is computed twice

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> np.ndarray:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, start, count)
        return self._engine.permutation_stream(seed, self._engine.MAIN, epoch, n, start, count)


class SubsetRandomSampler(_RandomEpochs):
    """Yields indices[j] for j in a uniform permutation of range(len(indices)); values
    pass through unchanged, as in torch."""

    def __init__(self, indices: Sequence[Any], generator: Any = None, *, seed: int | None = None) -> None:
        sized_length("indices", indices)
        self.indices = indices
        super().__init__(seed, generator)

    def __len__(self) -> int:
        return len(self.indices)

    def _shape(self) -> tuple[int, int]:
        return len(self.indices), len(self.indices)

    def _chunk(self, n: int) -> int:
        return max(1, n)

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> np.ndarray:
        return self._engine.permutation_stream(seed, self._engine.MAIN, epoch, n, start, count)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """The epoch's values as int64; iteration yields them unconverted, as torch does."""
        values = np.asarray(self.indices)
        fits = values.dtype.kind == "i" or (values.dtype.kind == "u" and (not len(values) or values.max() < 2**63))
        if values.ndim != 1 or (len(values) and not fits):
            raise ArgumentTypeError(
                f"epoch_indices() needs integer indices, got an array of dtype {values.dtype} "
                f"and shape {values.shape}; iterate the sampler to get the values as they are"
            )
        return _int64(values)[super().epoch_indices(epoch)]

    def __iter__(self) -> Iterator[Any]:
        values = self.indices
        for position in super().__iter__():
            yield values[position]


class WeightedRandomSampler(_RandomEpochs):
    """P(i) ∝ weights[i]: integer alias table with replacement (spec §7), exact
    successive sampling without (spec §8). Weights are validated and snapshotted here."""

    def __init__(
        self,
        weights: Any,
        num_samples: int,
        replacement: bool = True,
        generator: Any = None,
        *,
        seed: int | None = None,
    ) -> None:
        self.num_samples = positive_integer("num_samples", num_samples)
        self.replacement = boolean("replacement", replacement)
        self.weights = _weights_array(weights)
        self._table = self._engine.WeightTable(self.weights)
        if not self.replacement and self.num_samples > self._table.nonzero:
            raise ValueError(
                f"num_samples should be at most the number of non-zero weights ({self._table.nonzero}) "
                f"when replacement=False, but got num_samples={self.num_samples}"
            )
        super().__init__(seed, generator)

    def __len__(self) -> int:
        return self.num_samples

    def _shape(self) -> tuple[int, int]:
        return len(self.weights), self.num_samples

    def _chunk(self, n: int) -> int:
        return _CHUNK if self.replacement else self.num_samples

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> np.ndarray:
        if self.replacement:
            return self._table.alias_draws(seed, epoch, start, count)
        return self._table.without_replacement(seed, epoch, count)


def _weights_array(weights: Any) -> np.ndarray:
    if isinstance(weights, (str, bytes)):
        raise ArgumentTypeError(f"weights must be a 1-D sequence of numbers, got weights={weights!r}")
    try:
        raw = np.asarray(weights)
        if raw.dtype.kind not in "biuf":
            raise TypeError(f"dtype {raw.dtype}")
        array = raw.astype(np.float64, copy=True)  # a snapshot: later edits to the input do not count
    except (TypeError, ValueError) as error:
        raise ArgumentTypeError(f"weights must be a 1-D sequence of numbers ({error})") from None
    if array.ndim != 1:
        raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(array.shape)}")
    array.flags.writeable = False
    return array


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
        length = len(self.sampler)
        if self.drop_last:
            return length // self.batch_size
        return (length + self.batch_size - 1) // self.batch_size

    def set_epoch(self, epoch: int) -> None:
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """The epoch's indices in batch order (a tail dropped by drop_last excluded)."""
        if hasattr(self.sampler, "epoch_indices"):
            flat = _int64(self.sampler.epoch_indices(epoch))
        else:
            flat = np.fromiter(self.sampler, dtype=np.int64)
        if self.drop_last:
            flat = flat[: len(flat) // self.batch_size * self.batch_size]
        return flat


class DistributedSampler:
    """torch's DistributedSampler: one permutation shared by all ranks, keyed by
    (seed + epoch) mod 2**64; rank r reads positions r, r + W, … (spec §6). Only the
    rank's own share is returned."""

    _engine: Any = _core

    def __init__(
        self,
        dataset: Any,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            world_size, world_rank = _distributed_world()
            num_replicas = world_size if num_replicas is None else num_replicas
            rank = world_rank if rank is None else rank
        self.num_replicas = positive_integer("num_replicas", num_replicas)
        self.rank = integer("rank", rank)
        if not 0 <= self.rank < self.num_replicas:
            raise ValueError(f"Invalid rank {self.rank}, rank should be in the interval [0, {self.num_replicas - 1}]")
        self.shuffle = boolean("shuffle", shuffle)
        self.seed = integer("seed", seed)
        self.drop_last = boolean("drop_last", drop_last)
        self.dataset = dataset
        self.epoch = 0
        self._dataset_length = sized_length("dataset", dataset)
        n, w = self._dataset_length, self.num_replicas
        self.num_samples = n // w if self.drop_last else (n + w - 1) // w
        self.total_size = self.num_samples * w

    def set_epoch(self, epoch: int) -> None:
        self.epoch = integer("epoch", epoch)

    def __len__(self) -> int:
        return self.num_samples

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        n = len(self.dataset)
        if n != self._dataset_length:
            raise ValueError(
                f"len(dataset) changed from {self._dataset_length} at construction to {n}; "
                "build a new DistributedSampler for the new dataset"
            )
        key = (self.seed + (self.epoch if epoch is None else integer("epoch", epoch))) % SEED_MODULUS
        return _int64(
            self._engine.strided_permutation(key, 0, n, self.shuffle, self.rank, self.num_replicas, self.num_samples)
        )

    def __iter__(self) -> Iterator[int]:
        # Eager, as torch: the order is fixed when iter() is called.
        return _yield_ints(self.epoch_indices())


def _distributed_world() -> tuple[int, int]:
    try:
        import torch.distributed as dist
    except ImportError:
        raise RuntimeError("Requires distributed package to be available") from None
    if not dist.is_available():
        raise RuntimeError("Requires distributed package to be available")
    if not dist.is_initialized():
        raise ValueError("Default process group has not been initialized, please make sure to call init_process_group.")
    return dist.get_world_size(), dist.get_rank()
