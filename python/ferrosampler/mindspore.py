"""mindspore.dataset-compatible samplers on the ferrosampler engine.

The seven classes take MindSpore's signatures and follow its documented semantics
(the MindSpore 2.10 behaviour reference): which indices, how many, padding, order
rules, ``num_samples`` conventions, chaining and validation messages. Concrete random orders
come from the ferrosampler engine (docs/spec.md), not from MindSpore's ``std::mt19937``.

Every sampler also takes keyword-only ``seed=None`` and ``dataset_size=None`` and has
``set_epoch(e)``, ``set_dataset_size(n)``, ``epoch_indices(epoch=None)`` (the whole epoch as an
int64 array) and ``__len__`` (the number of indices an epoch emits).

Dataset size
    Inside a MindSpore pipeline the size comes from the pipeline: the classes subclass
    ``mindspore.dataset.Sampler`` and receive MindSpore's ``_handshake``. Standalone (or in a
    torch DataLoader) it comes from ``dataset_size=`` / ``set_dataset_size(n)``, or, for a
    PKSampler, from ``len(labels)``. Anything that needs an unknown size raises ValueError.

Seeds and epochs
    ``seed=`` wins. Otherwise a sampler reads ``mindspore.dataset.config.get_seed()`` the first
    time it produces an epoch (MindSpore reads it when the pipeline builds its sampler); the
    default config seed 5489 means "random" in MindSpore, so it is replaced by one draw of
    ``ferrosampler._seeding.draw_seed()``, which is also the source when MindSpore is not
    installed. DistributedSampler instead captures ``get_seed() + 1`` at construction, 5489 + 1
    without MindSpore, so all shards agree without any seed set (quirk 4).
    Each epoch advances the sampler's own epoch counter at the first ``next()`` (or per
    ``epoch_indices()`` call, or per epoch the pipeline fetches), since MindSpore prefetches
    epochs and a ``set_epoch`` between epochs comes too late. Epoch e uses stream epoch e,
    except WeightedRandomSampler under a user-fixed seed (every epoch identical, quirk 10)
    and RandomSampler with ``reshuffle_each_epoch = False``.

Chaining
    ``parent.add_child(child)``: the child runs first on the dataset, the parent indexes the
    child's output (``parent(child(dataset))``), to any depth. The chain is run here, not by
    MindSpore: ``parse()`` hands the pipeline the chain's final row ids. ``child_sampler`` is
    kept too, because ``Dataset.use_sampler`` reads it to drop the top of a chain. The top
    sampler's epoch drives every level of its chain.

Deliberate differences from MindSpore 2.10
    - Parse-time checks (num_shards, shard_id, offset, shuffle mode, num_val, weights
      content, negative start_index) raise their RuntimeError at construction.
    - Data-dependent checks (start_index vs N, subset ids vs N, len(weights) vs N) raise
      their RuntimeError at the handshake / ``set_dataset_size`` / first use, never mid-epoch.
    - ``SubsetSampler([])`` and ``SubsetRandomSampler([])`` raise ValueError (MindSpore
      segfaults); ``num_samples=0`` keeps every subset index, as 0 means "all" everywhere
      (MindSpore truncates to an empty list and crashes).
    - ``offset < -1`` raises ValueError (MindSpore silently drops rows).
    - ``len()`` of a SequentialSampler is the emitted count, never negative.
    - A DistributedSampler child counts its real shard length (MindSpore reports N and fails).
    - ``add_child`` of anything but a sampler of this module raises TypeError (MindSpore:
      accidental AttributeError); a cycle raises ValueError; a PKSampler cannot be a parent
      (RuntimeError; MindSpore ignores its child).
    - Non-finite weights raise RuntimeError (MindSpore has undefined results).
    - PKSampler takes per-row class labels from ``labels=`` and so works with
      GeneratorDataset, which refuses MindSpore's own PKSampler.
    - Epoch e is a fresh draw keyed by (seed, e), not a reshuffle of epoch e-1.
    - A dataset size must be at least 1 (an empty epoch only fails later in MindSpore) and at
      most 2**63 - 1; every integer argument must fit int64 and an epoch must have at most
      2**63 - 1 indices (ValueError naming the argument; MindSpore overflows in C++).
    - A weight must be a real number convertible to float64 (MindSpore accepts complex
      numbers and fails later).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from enum import Enum
from numbers import Complex, Number, Real
from typing import Any

import numpy as np

from . import _core
from ._checks import EPOCH_LIMIT, epoch_value, positive_integer, seed_value
from ._samplers import _int64, _LockedState, _yield_ints
from ._seeding import draw_seed

try:
    import mindspore._c_dataengine as _cde
    import mindspore.dataset as _ms_dataset
except ImportError:
    _ms_dataset = None

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_MINDSPORE_DEFAULT_SEED = 5489  # GetSeed() turns this config value into a random seed


if _ms_dataset is not None:
    Shuffle = _ms_dataset.Shuffle
    _SamplerBase: Any = _ms_dataset.Sampler
else:

    class Shuffle(str, Enum):  # type: ignore[no-redef]
        """mindspore.dataset.Shuffle, for use without MindSpore installed."""

        FALSE = "false"
        ADAPTIVE = "adaptive"
        GLOBAL = "global"
        PARTIAL = "partial"
        FILES = "files"
        INFILE = "infile"

    class _SamplerBase:  # type: ignore[no-redef]
        """The attributes mindspore.dataset.Sampler.__init__ sets, without MindSpore."""

        def __init__(self, num_samples: int | None = None) -> None:
            self.num_samples = num_samples
            self.dataset_size = 0
            self.child_sampler: Any = None


def _num_samples(value: Any) -> int | None:
    if value is not None:
        if not isinstance(value, int):
            raise TypeError(f"num_samples must be integer but was: {value}.")
        if value < 0 or value > _INT64_MAX:
            raise ValueError(f"num_samples exceeds the boundary between 0 and {_INT64_MAX}(INT64_MAX)!")
    return value


def _integer(name: str, value: Any) -> int:
    if not isinstance(value, int):
        raise TypeError(f"{name} must be integer but was: {value}.")
    return _within_int64(name, value)


def _within_int64(name: str, value: int) -> int:
    """MindSpore hands integer arguments to C++ as int64; beyond that they would overflow there."""
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError(f"{name} must be in [-2**63, 2**63 - 1] (int64), but got {name}={value}")
    return value


def _boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a boolean value but was: {value}.")
    return value


def _capped(num_samples: int | None, available: int) -> int:
    """MindSpore's cap: None or 0 means all, larger values are silently cut."""
    return min(num_samples, available) if num_samples else available


def _config_seed() -> int | None:
    return None if _ms_dataset is None else _ms_dataset.config.get_seed()


def _resolve_seed(explicit: int | None) -> tuple[int, bool]:
    """(engine seed, whether the user fixed it) for a sampler with no seed captured yet."""
    if explicit is not None:
        return explicit, True
    config = _config_seed()
    if config is not None and config != _MINDSPORE_DEFAULT_SEED:
        return config, True
    return draw_seed(), False


class _ChainedSampler(_LockedState, _SamplerBase):
    """Seed, epoch, dataset size and chain bookkeeping shared by the seven samplers.

    A subclass defines ``_length(n)`` (validates against the n rows it indexes and returns
    the epoch's count) and ``_positions(seed, epoch, n, k)`` (k positions into those rows)."""

    _engine: Any = _core

    def __init__(self, num_samples: int | None, seed: Any, dataset_size: Any) -> None:
        # 0 ("all" to MindSpore) keeps Sampler.__init__ from calling len() before the size is known.
        super().__init__(0)
        self.num_samples = num_samples
        self._explicit_seed = None if seed is None else seed_value("seed", seed)
        self._seed: tuple[int, bool] | None = None
        self._child: _ChainedSampler | None = None
        self.epoch = 0
        self._lock = threading.Lock()
        if dataset_size is not None:
            self.set_dataset_size(dataset_size)

    # -- MindSpore chaining API -------------------------------------------------------------

    def add_child(self, sampler: Any) -> None:
        """The child runs first on the dataset; this sampler then indexes the child's output."""
        if sampler is None:
            return
        if not isinstance(sampler, _ChainedSampler):
            raise TypeError(
                f"add_child expects a ferrosampler.mindspore sampler, got an object of type {type(sampler).__name__}"
            )
        if self._child is not None:
            raise RuntimeError("Cannot add child sampler, this sampler already has a child.")
        if any(member is self for member in sampler._chain()):
            raise ValueError("add_child would make the sampler chain a cycle")
        self._child = sampler
        self.child_sampler = sampler  # what Dataset.use_sampler reads
        if self._known_dataset_size():
            len(self)  # the chain's data-dependent checks, now that they can run

    def get_child(self) -> _ChainedSampler | None:
        return self._child

    def get_num_samples(self) -> int | None:
        """The configured cap as MindSpore computes it (§6.4); ``len()`` is the emitted count."""
        own = self._own_num_samples()
        if self._child is None:
            return own
        child = self._child.get_num_samples()
        if own is not None and child is not None:
            return min(own, child)
        return own if own is not None else child

    def _own_num_samples(self) -> int | None:
        return self.num_samples

    def is_shuffled(self) -> bool:
        return self._child.is_shuffled() if self._child is not None else self._shuffles_itself()

    def is_sharded(self) -> bool:
        return self._child.is_sharded() if self._child is not None else False

    def _shuffles_itself(self) -> bool:
        return True

    def get_shuffle_mode(self) -> Any:
        return Shuffle.GLOBAL

    def _chain(self) -> list[_ChainedSampler]:
        """This sampler and its descendants, top first."""
        members: list[_ChainedSampler] = []
        sampler: _ChainedSampler | None = self
        while sampler is not None:
            members.append(sampler)
            sampler = sampler._child
        return members

    # -- MindSpore pipeline protocol --------------------------------------------------------

    def parse(self) -> Any:
        """Hands the pipeline a view that yields this chain's final row ids (see _PipelineView)."""
        return _cde.PreBuiltSamplerObj(0, _PipelineView(self))

    def __bool__(self) -> bool:
        # MindSpore tests `if self.sampler:`; without this, truth would call len() before the size is known.
        return True

    # -- dataset size -----------------------------------------------------------------------

    def set_dataset_size(self, dataset_size: int) -> None:
        """The number of rows of the dataset under the chain; checks the chain against it."""
        size = _dataset_size(dataset_size)
        self._chain_length(size)
        self.dataset_size = size

    def _implied_dataset_size(self) -> int:
        return 0

    def _known_dataset_size(self) -> int:
        for sampler in self._chain():
            size = sampler.dataset_size or sampler._implied_dataset_size()
            if size:
                return size
        return 0

    def _dataset_size_or_raise(self) -> int:
        size = self._known_dataset_size()
        if not size:
            raise ValueError(
                f"{type(self).__name__} needs the dataset size: use it in a MindSpore dataset, "
                "pass dataset_size=, or call set_dataset_size(n)"
            )
        return size

    def __len__(self) -> int:
        return self._chain_length(self._dataset_size_or_raise())

    def _chain_length(self, dataset_size: int) -> int:
        n = dataset_size if self._child is None else self._child._chain_length(dataset_size)
        return self._length(n)

    # -- seeds and epochs -------------------------------------------------------------------

    def _seed_and_fixed(self) -> tuple[int, bool]:
        with self._lock:
            if self._seed is None:
                self._seed = _resolve_seed(self._explicit_seed)
            return self._seed

    def _stream_epoch(self, epoch: int, seed_fixed: bool) -> int:
        return epoch

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration produces (then it counts up by itself)."""
        self.epoch = epoch_value(epoch)

    def _next_epoch(self) -> int:
        with self._lock:
            epoch = self.epoch
            self.epoch = (epoch + 1) % EPOCH_LIMIT
        return epoch

    # -- indices ----------------------------------------------------------------------------

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """One whole epoch of row ids as int64. Without ``epoch`` it is the next epoch (what
        iterating would yield, and the counter moves on); with it, that epoch, no side effect."""
        size = self._dataset_size_or_raise()
        epoch_number = self._next_epoch() if epoch is None else epoch_value(epoch)
        return self._chain_rows(epoch_number, size)

    def _chain_rows(self, epoch: int, dataset_size: int) -> np.ndarray:
        if self._child is None:
            n, rows = dataset_size, None
        else:
            rows = self._child._chain_rows(epoch, dataset_size)
            n = len(rows)
        seed, fixed = self._seed_and_fixed()
        positions = _int64(self._positions(seed, self._stream_epoch(epoch, fixed), n, self._length(n)))
        return positions if rows is None else rows[positions]

    def __iter__(self) -> Iterator[int]:
        # A generator: the epoch counter moves at the first next(), not at iter().
        yield from _yield_ints(self.epoch_indices())

    def _length(self, n: int) -> int:
        raise NotImplementedError

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> Any:
        raise NotImplementedError


def _dataset_size(value: Any) -> int:
    size = positive_integer("dataset_size", value)
    # Explicit, whatever positive_integer bounds: row ids are int64 and len() is index-sized.
    if size > _INT64_MAX:
        raise ValueError(f"dataset_size must be at most 2**63 - 1, but got dataset_size={size}")
    return size


class _PipelineView:
    """What MindSpore's C++ sampler drives (it calls these five methods by name).

    MindSpore asks ``get_num_samples()`` for the exact epoch length, while the public
    ``get_num_samples()`` must report the configured cap, so the pipeline talks to this view.
    It is built by ``parse()`` on the pipeline's own deep copy of the sampler."""

    def __init__(self, sampler: _ChainedSampler) -> None:
        self._sampler = sampler

    def _handshake(self, dataset_size: int) -> None:
        self._sampler.set_dataset_size(dataset_size)

    def get_num_samples(self) -> int:
        return len(self._sampler)

    def get_indices(self) -> np.ndarray:
        return self._sampler.epoch_indices()

    def _get_batch_sizes(self) -> list[int]:
        return []  # not a batch sampler

    def reset(self) -> None:
        """The next get_indices() is the next epoch already."""


class SequentialSampler(_ChainedSampler):
    """[s, s+1, …, s+k−1] with s = start_index or 0 and k = min(num_samples or ∞, N − s)."""

    def __init__(
        self,
        start_index: int | None = None,
        num_samples: int | None = None,
        *,
        seed: Any = None,
        dataset_size: Any = None,
    ) -> None:
        if start_index is not None:
            start_index = _integer("start_index", start_index)
        num_samples = _num_samples(num_samples)  # MindSpore's init checks come before its parse checks
        if start_index is not None and start_index < 0:
            raise RuntimeError(
                f"SequentialSampler: start_index_ must be greater than or equal to 0, but got: {start_index}"
            )
        self.start_index = start_index
        super().__init__(num_samples, seed, dataset_size)

    def _start(self) -> int:
        return int(self.start_index or 0)

    def _length(self, n: int) -> int:
        start = self._start()
        if start >= n:
            raise RuntimeError(
                "Invalid parameter, start_index must be less than num_rows, "
                f"but got start_index: {start}, num_rows: {n}."
            )
        return _capped(self.num_samples, n - start)

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> np.ndarray:
        return np.arange(self._start(), self._start() + k, dtype=np.int64)

    def _shuffles_itself(self) -> bool:
        return False

    def get_shuffle_mode(self) -> Any:
        return Shuffle.FALSE


class SubsetSampler(_ChainedSampler):
    """The given ids in the given order, duplicates kept, truncated to num_samples at init."""

    def __init__(
        self, indices: Any, num_samples: int | None = None, *, seed: Any = None, dataset_size: Any = None
    ) -> None:
        num_samples = _num_samples(num_samples)
        self.indices = _subset_indices(type(self).__name__, indices, num_samples)
        self._ids = np.array([int(i) for i in self.indices], dtype=np.int64)
        super().__init__(num_samples, seed, dataset_size)

    def _own_num_samples(self) -> int | None:
        if self.num_samples is None:
            return len(self.indices)
        return min(len(self.indices), self.num_samples)

    def _length(self, n: int) -> int:
        out_of_bound = (self._ids < 0) | (self._ids >= n)
        if out_of_bound.any():
            bad = self._ids[np.argmax(out_of_bound)]
            raise RuntimeError(f"Sample ID ({bad}) is out of bound, expected range [0, {n - 1}]")
        return len(self._ids)

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> np.ndarray:
        return self._ids

    def _shuffles_itself(self) -> bool:
        return False

    def get_shuffle_mode(self) -> Any:
        return Shuffle.FALSE


def _subset_indices(sampler_name: str, indices: Any, num_samples: int | None) -> list[Any]:
    if isinstance(indices, int):
        indices = [indices]
    elif isinstance(indices, str) or not _is_iterable(indices):
        raise TypeError(f"Unsupported sampler object of type ({type(indices)})")
    listed = list(indices) if not num_samples else [i for i, _ in zip(indices, range(num_samples), strict=False)]
    for position, item in enumerate(listed):
        if not isinstance(item, (int, np.integer)):
            raise TypeError(
                "SubsetSampler: Type of indices element must be int, "
                f"but got list[{position}]: {item}, type: {type(item)}."
            )
        _within_int64(f"indices[{position}]", int(item))
    if not listed:
        raise ValueError(f"{sampler_name}: indices must not be empty (MindSpore crashes on an empty subset)")
    return listed


def _is_iterable(obj: Any) -> bool:
    try:
        iter(obj)
    except TypeError:
        return False
    return True


class SubsetRandomSampler(SubsetSampler):
    """A uniform permutation of the (truncated) ids each epoch: all of them, duplicates kept."""

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> np.ndarray:
        order = _int64(self._engine.permutation_stream(seed, self._engine.MAIN, epoch, k, 0, k))
        return self._ids[order]

    def _shuffles_itself(self) -> bool:
        return True

    def get_shuffle_mode(self) -> Any:
        return Shuffle.GLOBAL


class RandomSampler(_ChainedSampler):
    """The first k = min(num_samples or N, N) of a permutation (spec §5), or k uniform draws
    with replacement (spec §4): MindSpore caps num_samples at N in both modes."""

    def __init__(
        self,
        replacement: bool = False,
        num_samples: int | None = None,
        shuffle: Any = Shuffle.GLOBAL,
        *,
        seed: Any = None,
        dataset_size: Any = None,
    ) -> None:
        self.replacement = _boolean("replacement", replacement)
        num_samples = _num_samples(num_samples)
        if shuffle not in (Shuffle.ADAPTIVE, Shuffle.GLOBAL, Shuffle.PARTIAL, Shuffle.FILES, Shuffle.INFILE):
            raise TypeError(f"shuffle must be valid shuffle mode but was: {shuffle}.")
        if shuffle is not Shuffle.GLOBAL:
            raise RuntimeError(f"The shuffle mode: {shuffle} is not supported with current dataset.")
        self.shuffle = shuffle
        self.deterministic = False
        self.reshuffle_each_epoch = True
        super().__init__(num_samples, seed, dataset_size)

    def _stream_epoch(self, epoch: int, seed_fixed: bool) -> int:
        return epoch if self.reshuffle_each_epoch else 0

    def _length(self, n: int) -> int:
        return _capped(self.num_samples, n)

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> Any:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, 0, k)
        return self._engine.permutation_stream(seed, self._engine.MAIN, epoch, n, 0, k)

    def get_shuffle_mode(self) -> Any:
        return self.shuffle


class DistributedSampler(_ChainedSampler):
    """Shard ``shard_id`` of ``num_shards`` over one permutation shared by all shards.

    offset −1: positions D·c + k (mod N) for c < ceil(N/D), padding wraps to the start.
    offset ≥ 0: rows j with (j + offset) mod D == k, no padding; an empty shard emits [0].
    Both capped per shard by num_samples. Key: ``seed=``, else the config seed + 1 captured
    here (MindSpore's rule), so every shard shares the permutation without any seed set."""

    def __init__(
        self,
        num_shards: int,
        shard_id: int,
        shuffle: Any = True,
        num_samples: int | None = None,
        offset: int = -1,
        *,
        seed: Any = None,
        dataset_size: Any = None,
    ) -> None:
        self.num_shards = _integer("num_shards", num_shards)
        self.shard_id = _integer("shard_id", shard_id)
        if not isinstance(shuffle, bool) and shuffle not in tuple(Shuffle):
            raise TypeError(f"shuffle must be a boolean value or valid shuffle mode but was: {shuffle}.")
        num_samples = _num_samples(num_samples)
        offset = _integer("offset", offset)
        if isinstance(shuffle, bool):
            shuffle = Shuffle.GLOBAL if shuffle else Shuffle.FALSE
        if shuffle not in (Shuffle.FALSE, Shuffle.GLOBAL):
            raise RuntimeError(f"The shuffle mode: {shuffle} is not supported with current dataset.")
        if self.num_shards <= 0:
            raise RuntimeError(f"DistributedSampler: num_shards must be greater than 0, but got: {self.num_shards}")
        if not 0 <= self.shard_id < self.num_shards:
            raise RuntimeError(
                f"DistributedSampler: shard_id must be in range [0, {self.num_shards}), but got: {self.shard_id}"
            )
        self.shuffle = shuffle
        self.offset = _checked_offset(offset, self.num_shards)
        config = _config_seed()
        self.seed = config if config is not None else _MINDSPORE_DEFAULT_SEED
        super().__init__(num_samples, seed, dataset_size)
        # MindSpore hands config seed + 1 to C++ (quirk 4): fixed, so shards agree.
        self._seed = (self._explicit_seed, True) if self._explicit_seed is not None else (self.seed + 1, True)

    def set_offset(self, offset: int) -> DistributedSampler:
        self.offset = _checked_offset(_integer("offset", offset), self.num_shards)
        return self

    def _first_row_and_count(self, n: int) -> tuple[int, int]:
        """First position read by this shard and how many positions it owns (before the cap)."""
        if self.offset == -1:
            return self.shard_id, -(-n // self.num_shards)
        first = (self.shard_id - self.offset) % self.num_shards
        return first, max(0, -(-(n - first) // self.num_shards))

    def _length(self, n: int) -> int:
        owned = _capped(self.num_samples, self._first_row_and_count(n)[1])
        return owned or 1  # an empty offset shard emits the dummy [0] (quirk 1)

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> Any:
        first, owned = self._first_row_and_count(n)
        if owned == 0:
            return [0]
        shuffled = self.shuffle == Shuffle.GLOBAL
        return self._engine.strided_permutation(seed, epoch, n, shuffled, first, self.num_shards, k)

    def _shuffles_itself(self) -> bool:
        return self.shuffle != Shuffle.FALSE

    def is_sharded(self) -> bool:
        return self._child.is_sharded() if self._child is not None else self.num_shards > 1

    def get_shuffle_mode(self) -> Any:
        return self.shuffle


def _checked_offset(offset: int, num_shards: int) -> int:
    if offset > num_shards:
        raise RuntimeError(
            f"DistributedSampler: offset must be no more than num_shards({num_shards}), but got: {offset}"
        )
    if offset < -1:
        raise ValueError(f"DistributedSampler: offset must be -1 or in [0, num_shards], but got: {offset}")
    return offset


class WeightedRandomSampler(_ChainedSampler):
    """k = min(num_samples or N, N) indices of [0, len(weights)) with P(i) ∝ weights[i]:
    alias draws with replacement (spec §7), successive sampling without (spec §8) followed
    by the zero-weight indices in ascending order. Under a user-fixed seed every epoch is
    the same (MindSpore reseeds identically each epoch)."""

    def __init__(
        self,
        weights: Any,
        num_samples: int | None = None,
        replacement: bool = True,
        *,
        seed: Any = None,
        dataset_size: Any = None,
    ) -> None:
        if not isinstance(weights, list):
            weights = [weights]  # MindSpore's wrapping: a tuple or ndarray then fails the element check
        for position, weight in enumerate(weights):
            if not _is_real_number(weight):
                raise TypeError(
                    f"type of weights element must be number, but got w[{position}]: {weight}, type: {type(weight)}."
                )
        num_samples = _num_samples(num_samples)
        self.replacement = _boolean("replacement", replacement)
        self.weights = weights
        self._weight_values = _checked_weights(weights)
        self._table = self._engine.WeightTable(self._weight_values)
        self._zero_weight_ids = np.flatnonzero(self._weight_values == 0)
        super().__init__(num_samples, seed, dataset_size)

    def _stream_epoch(self, epoch: int, seed_fixed: bool) -> int:
        return 0 if seed_fixed else epoch

    def _length(self, n: int) -> int:
        if len(self.weights) > n:
            raise RuntimeError(
                "Invalid parameter, size of sample weights must be less than or equal to num of data, otherwise "
                f"might cause generated id out of bound or other errors, but got weight size: {len(self.weights)}, "
                f"num of data: {n}"
            )
        k = _capped(self.num_samples, n)
        if not self.replacement and len(self.weights) < k:
            raise RuntimeError(
                "Invalid parameter, without replacement, weight size must be greater than or equal to num_samples, "
                f"but got weight size: {len(self.weights)}, num_samples: {k}"
            )
        return k

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> Any:
        if self.replacement:
            return self._table.alias_draws(seed, epoch, 0, k)
        drawn = self._table.without_replacement(seed, epoch, min(k, self._table.nonzero))
        # Zero weights have key +inf in MindSpore's Efraimidis–Spirakis: last, by index.
        return np.concatenate([_int64(drawn), self._zero_weight_ids[: k - len(drawn)]])


def _is_real_number(value: Any) -> bool:
    """MindSpore's ``isinstance(w, Number)``, minus complex numbers, which have no weight order.
    A Number outside the tower (Decimal) is not Complex and stays accepted."""
    return isinstance(value, Number) and (isinstance(value, Real) or not isinstance(value, Complex))


def _checked_weights(weights: list[Any]) -> np.ndarray:
    """MindSpore's parse-time weight checks, plus finiteness (the engine's requirement)."""
    if not weights:
        raise RuntimeError("WeightedRandomSampler: weights vector must not be empty")
    values = _float64_weights(weights)
    negative = np.flatnonzero(values < 0)
    if negative.size:
        position = negative[0]
        raise RuntimeError(
            "WeightedRandomSampler: weights vector must not contain negative numbers, "
            f"got: weights[{position}] = {values[position]:f}"
        )
    if not values.any():
        raise RuntimeError("WeightedRandomSampler: elements of weights vector must not be all zero")
    non_finite = np.flatnonzero(~np.isfinite(values))
    if non_finite.size:
        position = non_finite[0]
        raise RuntimeError(
            f"WeightedRandomSampler: weights vector must contain finite numbers, got: weights[{position}] = "
            f"{values[position]}"
        )
    return values


def _float64_weights(weights: list[Any]) -> np.ndarray:
    try:
        return np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        # Only on failure, element by element, to name the weight that does not convert.
        position = next((i for i, weight in enumerate(weights) if not _converts_to_float64(weight)), None)
        if position is None:
            raise
        raise ValueError(
            f"WeightedRandomSampler: weights[{position}] cannot be converted to float64, "
            f"got: weights[{position}] = {_printable(weights[position])}"
        ) from None


def _converts_to_float64(value: Any) -> bool:
    try:
        np.float64(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _printable(value: Any) -> str:
    try:
        return repr(value)
    except ValueError:
        if not isinstance(value, int):
            raise
        return f"<int of {value.bit_length()} bits>"  # beyond Python's digit limit for str(int)


class PKSampler(_ChainedSampler):
    """num_val draws with replacement from every class, classes in ascending label order
    (shuffled once, for all epochs, when shuffle=True). Class labels come from ``labels=``:
    one label per dataset row, or a function ``row -> label`` that reads them from the
    dataset once its size is known (e.g. ``labels=lambda i: source[i][1]``). A PKSampler can
    be a chain's child, not its parent."""

    def __init__(
        self,
        num_val: int,
        num_class: Any = None,
        shuffle: bool = False,
        class_column: str = "label",
        num_samples: int | None = None,
        *,
        labels: Any = None,
        seed: Any = None,
        dataset_size: Any = None,
    ) -> None:
        self.num_val = _integer("num_val", num_val)
        if num_class is not None:
            raise NotImplementedError("Not supported to specify num_class for PKSampler.")
        self.shuffle = _boolean("shuffle", shuffle)
        if not isinstance(class_column, str):
            raise TypeError(f"class_column must be a str value but was: {class_column}.")
        num_samples = _num_samples(num_samples)
        if self.num_val <= 0:
            raise RuntimeError(f"PKSampler: num_val must be greater than 0, but got: {self.num_val}")
        self.class_column = class_column
        self._label_of = labels if callable(labels) else None
        self._classes = None if labels is None or self._label_of is not None else _ClassRows(labels)
        super().__init__(num_samples, seed, dataset_size)
        if self._classes is not None:
            len(self)  # labels= fix the epoch length: check it now

    def add_child(self, sampler: Any) -> None:
        if sampler is not None:
            raise RuntimeError("PKSampler cannot have a child sampler: its labels= describe the dataset's own rows")

    def _implied_dataset_size(self) -> int:
        return 0 if self._classes is None else self._classes.num_rows

    def _labelled_classes(self, n: int) -> _ClassRows:
        if self._label_of is not None and (self._classes is None or self._classes.num_rows != n):
            self._classes = _ClassRows([self._label_of(row) for row in range(n)])  # once per dataset size
        if self._classes is None:
            raise ValueError(
                "PKSampler needs the class of every row: pass labels= (one label per dataset row, "
                "or a function row -> label)"
            )
        return self._classes

    def _length(self, n: int) -> int:
        classes = self._labelled_classes(n)
        if classes.num_rows != n:
            raise ValueError(f"PKSampler: labels has {classes.num_rows} entries but the dataset has {n} rows")
        count = _capped(self.num_samples, self.num_val * classes.num_classes)
        if count > _INT64_MAX:
            raise ValueError(
                f"PKSampler: an epoch of num_val * classes = {self.num_val} * {classes.num_classes} indices is more "
                f"than 2**63 - 1; pass num_samples to cap it"
            )
        return count

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> Any:
        classes = self._labelled_classes(n)
        count = classes.num_classes
        if self.shuffle:  # block 0 of the CLASS_ORDER stream at epoch 0: the same order every epoch
            class_order = _int64(self._engine.permutation_stream(seed, self._engine.CLASS_ORDER, 0, count, 0, count))
        else:
            class_order = np.arange(count, dtype=np.int64)
        return self._engine.pk_draws(seed, epoch, classes.rows, classes.offsets, class_order, self.num_val, 0, k)

    def _shuffles_itself(self) -> bool:
        return self.shuffle

    def get_shuffle_mode(self) -> Any:
        return Shuffle.FALSE


class _ClassRows:
    """Rows grouped by class, classes in ascending label order, rows ascending in a class."""

    def __init__(self, labels: Any) -> None:
        values = np.asarray(labels)
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(f"labels must be a non-empty 1-D array-like, got shape {values.shape}")
        _, class_of_row = np.unique(values, return_inverse=True)
        self.num_rows = len(values)
        self.rows = np.argsort(class_of_row, kind="stable").astype(np.int64)
        sizes = np.bincount(class_of_row)
        self.num_classes = len(sizes)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


__all__ = [
    "DistributedSampler",
    "PKSampler",
    "RandomSampler",
    "SequentialSampler",
    "Shuffle",
    "SubsetRandomSampler",
    "SubsetSampler",
    "WeightedRandomSampler",
]
