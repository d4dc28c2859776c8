"""The class-imbalance toolkit: DistributedWeightedSampler, PKBatchSampler, MPerClassSampler
(toolkit spec §T.3–§T.5), composed from the spec-v1 engine functions of ``_engine``
(the Rust extension here; the pure-Python reference in ``ferrosampler._toolkit_reference``)."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import _core
from ._balanced import ClassLabels, FromLabelsMixin, class_labels
from ._checks import (
    EPOCH_LIMIT,
    INT64_MAX,
    ArgumentTypeError,
    boolean,
    epoch_value,
    integer,
    positive_integer,
    seed_value,
)
from ._seeding import draw_seed

__all__ = ["PK_CLASSES", "PK_ROWS", "DistributedWeightedSampler", "MPerClassSampler", "PKBatchSampler"]

# Stream purposes (spec §2) added by the toolkit; MAIN = 0 and CLASS_ORDER = 1 exist.
PK_CLASSES = 2  # class permutation blocks of PKBatchSampler / MPerClassSampler
PK_ROWS = 3  # within-class draws, K u64 draws per class slot

_CHUNK = 1 << 16
_PER_POSITION_STRIDE = 64  # TODO(engine): strided alias draws — from this stride on, one call per position


def _world(num_replicas: Any, rank: Any, required: bool) -> tuple[int, int]:
    """(num_replicas, rank): given, else from torch.distributed; without an initialised
    process group, (1, 0) unless ``required``."""
    if num_replicas is None or rank is None:
        world_size, world_rank = 1, 0
        initialised = False
        try:
            import torch.distributed as dist

            initialised = dist.is_available() and dist.is_initialized()
        except ImportError:
            pass
        if initialised:
            world_size, world_rank = dist.get_world_size(), dist.get_rank()
        elif required:
            raise ValueError(
                "Default process group has not been initialized, please make sure to call init_process_group "
                "(or pass num_replicas= and rank=)."
            )
        num_replicas = world_size if num_replicas is None else num_replicas
        rank = world_rank if rank is None else rank
    replicas = positive_integer("num_replicas", num_replicas)
    number = integer("rank", rank)
    if not 0 <= number < replicas:
        raise ValueError(f"Invalid rank {number}, rank should be in the interval [0, {replicas - 1}]")
    return replicas, number


def strided_alias_draws(table: Any, seed: int, epoch: int, first: int, stride: int, count: int) -> np.ndarray:
    """Positions first, first + stride, … (count of them) of §7.3's alias draws."""
    # TODO(engine): strided alias draws — a Rust function computing only these positions.
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if stride >= _PER_POSITION_STRIDE:
        return np.array([int(table.alias_draws(seed, epoch, first + c * stride, 1)[0]) for c in range(count)])
    parts = []
    per_call = max(1, _CHUNK // stride)
    for c0 in range(0, count, per_call):
        c1 = min(count, c0 + per_call)
        run = np.asarray(table.alias_draws(seed, epoch, first + c0 * stride, (c1 - c0 - 1) * stride + 1))
        parts.append(run[::stride])
    return np.concatenate(parts).astype(np.int64)


class _EpochKeys:
    """Spec §10's seed and epoch rule: a fixed seed advances the epoch at each iterator's
    first next(); seed=None draws a fresh seed per epoch (torch's global generator when
    torch is imported, else ``ferrosampler.manual_seed``'s source)."""

    def __init__(self, seed: Any) -> None:
        self._seed = None if seed is None else seed_value("seed", seed)
        self.epoch = 0
        self._lock = threading.Lock()

    @property
    def seed(self) -> int | None:
        return self._seed

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch_value(epoch)

    def next_key(self) -> tuple[int, int]:
        if self._seed is None:
            return draw_seed(None), self.epoch
        with self._lock:
            epoch = self.epoch
            self.epoch = (epoch + 1) % EPOCH_LIMIT
        return self._seed, epoch

    def key(self, epoch: int | None) -> tuple[int, int]:
        if epoch is None:
            return self.next_key()
        if self._seed is None:
            raise ValueError("epoch= needs a fixed seed; construct the sampler with seed=")
        return self._seed, epoch_value(epoch)

    def __getstate__(self) -> dict[str, Any]:
        return {"_seed": self._seed, "epoch": self.epoch}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


# ---------------------------------------------------------------------------------------------
# §T.3 DistributedWeightedSampler


class DistributedWeightedSampler(FromLabelsMixin):
    """One global weighted draw per epoch — ``num_samples`` positions of
    ``WeightedRandomSampler(weights, num_samples, replacement, seed=seed)`` at epoch
    ``epoch`` — split across ranks as torch's DistributedSampler splits its permutation:
    rank r reads positions r, r + R, … (padding wraps to the start; ``drop_last`` drops the
    tail instead), so the ranks' union is the global draw. The epoch changes only through
    ``set_epoch`` (all ranks must call it alike). With replacement a rank computes only its
    own positions; without, every rank computes the exact global sample (spec §8:
    O(len(weights) + num_samples · log len(weights)) per rank per epoch)."""

    _engine: Any = _core

    def __init__(
        self,
        weights: Any,
        num_samples: int | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        replacement: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        self.num_replicas, self.rank = _world(num_replicas, rank, required=True)
        self.replacement = boolean("replacement", replacement)
        self.drop_last = boolean("drop_last", drop_last)
        self.seed = seed_value("seed", seed)
        self.weights = _weights_snapshot(weights)
        self._table = self._engine.WeightTable(self.weights)
        total = len(self.weights) if num_samples is None else num_samples
        self.global_num_samples = positive_integer("num_samples", total)
        if not self.replacement and self.global_num_samples > self._table.nonzero:
            raise ValueError(
                f"num_samples should be at most the number of non-zero weights ({self._table.nonzero}) "
                f"when replacement=False, but got num_samples={self.global_num_samples}"
            )
        g, w = self.global_num_samples, self.num_replicas
        self.num_samples = g // w if self.drop_last else -(-g // w)  # per rank, as torch names it
        self.total_size = self.num_samples * w
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch_value(epoch)

    def __len__(self) -> int:
        return self.num_samples

    def global_indices(self, epoch: int | None = None) -> np.ndarray:
        """The whole global draw of the epoch (every rank's union, before padding)."""
        e = self.epoch if epoch is None else epoch_value(epoch)
        g = self.global_num_samples
        if self.replacement:
            return np.asarray(self._table.alias_draws(self.seed, e, 0, g), dtype=np.int64)
        return np.asarray(self._table.without_replacement(self.seed, e, g), dtype=np.int64)

    def rank_indices(self, start: int = 0, count: int | None = None, epoch: int | None = None) -> np.ndarray:
        """This rank's outputs start … start + count − 1 (seekable with replacement)."""
        e = self.epoch if epoch is None else epoch_value(epoch)
        start = integer("start", start)
        count = self.num_samples - start if count is None else integer("count", count)
        if start < 0 or count < 0 or start + count > self.num_samples:
            raise ValueError(f"start={start}, count={count} is outside this rank's {self.num_samples} indices")
        g, w, r = self.global_num_samples, self.num_replicas, self.rank
        if not self.replacement:
            positions = (r + w * np.arange(start, start + count, dtype=np.int64)) % g
            return self.global_indices(e)[positions]
        # Rank outputs c with r + c·w < g are a strided run; at most one padded output wraps.
        inside = max(0, min(start + count, -(-(g - r) // w) if r < g else 0) - start)
        run = strided_alias_draws(self._table, self.seed, e, r + start * w, w, inside)
        wrapped = [(r + c * w) % g for c in range(start + inside, start + count)]
        tail = [int(self._table.alias_draws(self.seed, e, p, 1)[0]) for p in wrapped]
        return np.concatenate([run, np.asarray(tail, dtype=np.int64)]).astype(np.int64)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        return self.rank_indices(0, None, epoch)

    def __iter__(self) -> Iterator[int]:
        epoch = self.epoch  # fixed when iter() is called, as torch's DistributedSampler
        if not self.replacement:
            yield from self.rank_indices(0, None, epoch).tolist()
            return
        for start in range(0, self.num_samples, _CHUNK):
            yield from self.rank_indices(start, min(_CHUNK, self.num_samples - start), epoch).tolist()


def _weights_snapshot(weights: Any) -> np.ndarray:
    if isinstance(weights, (str, bytes)):
        raise ArgumentTypeError(f"weights must be a 1-D sequence of numbers, got weights={weights!r}")
    try:
        raw = np.asarray(weights)
        if raw.dtype.kind not in "biuf":
            raise TypeError(f"dtype {raw.dtype}")
        array = raw.astype(np.float64, copy=True)
    except (TypeError, ValueError) as error:
        raise ArgumentTypeError(f"weights must be a 1-D sequence of numbers ({error})") from None
    if array.ndim != 1:
        raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(array.shape)}")
    array.flags.writeable = False
    return array


# ---------------------------------------------------------------------------------------------
# §T.4 class slots: which class fills each slot, and which rows


class _Classes:
    """The labels' layout as Python lists (fast scalar access in the slot loops)."""

    def __init__(self, grouped: ClassLabels) -> None:
        self.grouped = grouped
        self.count = grouped.num_classes
        self.rows = grouped.rows.tolist()
        self.offsets = grouped.offsets.tolist()
        self.min_size = int(grouped.sizes.min())


def slot_rows(
    engine: Any,
    seed: int,
    epoch: int,
    classes: _Classes,
    slot_classes: list[int],
    first_slot: int,
    k: int,
    always: bool,
) -> list[int]:
    """Spec §T.4.3: the K rows of each class slot first_slot, first_slot + 1, …; slot j
    consumes u64 draws jK … jK + K − 1 of stream (seed, PK_ROWS, epoch)."""
    n = len(slot_classes)
    words = np.asarray(engine.keystream_words(seed, PK_ROWS, epoch, 2 * first_slot * k, 2 * n * k), dtype=np.uint64)
    draws = (words[0::2] | (words[1::2] << np.uint64(32))).tolist()
    rows, offsets = classes.rows, classes.offsets
    out: list[int] = []
    for i, c in enumerate(slot_classes):
        lo = offsets[c]
        size = offsets[c + 1] - lo
        mine = draws[i * k : (i + 1) * k]
        if always or size < k:  # with replacement
            out.extend(rows[lo + ((x * size) >> 64)] for x in mine)
            continue
        displaced: dict[int, int] = {}  # sparse Fisher–Yates prefix of length k (spec §5's step)
        for q, x in enumerate(mine):
            j = q + ((x * (size - q)) >> 64)
            a_q = displaced.get(q, q)
            a_j = displaced.get(j, j)
            displaced[j] = a_q
            out.append(rows[lo + a_j])
    return out


class BalancedClasses:
    """Spec §T.4.1: the epoch's class slots are the effective blocks σ_0, σ_1, … cut into
    groups of P; σ_t is block t of the PK_CLASSES permutation stream with its head
    reordered so that the group straddling blocks t − 1 and t has P distinct classes."""

    def __init__(self, engine: Any, seed: int, epoch: int, num_classes: int, p: int) -> None:
        self._engine, self._seed, self._epoch = engine, seed, epoch
        self.count, self.p = num_classes, p
        self._sigma: dict[int, list[int]] = {}

    def raw(self, t: int) -> list[int]:
        c = self.count
        return [int(x) for x in self._engine.permutation_stream(self._seed, PK_CLASSES, self._epoch, c, t * c, c)]

    def _fix(self, t: int) -> list[int]:
        c, p = self.count, self.p
        a = (t * c) % p
        block = self.raw(t)
        if t == 0 or a == 0:
            return block
        previous = self._sigma.get(t - 1)
        tail = (previous if previous is not None else self.raw(t - 1))[c - a :]  # σ = π from position P on
        taken = set(tail)
        head: list[int] = []
        rest: list[int] = []
        for x in block:
            (head if len(head) < p - a and x not in taken else rest).append(x)
        return head + rest

    def sigma(self, t: int) -> list[int]:
        if t not in self._sigma:
            chain = [t]
            while True:  # σ_t needs σ_{t−1}'s tail; it equals π_{t−1}'s when c − a ≥ P
                u = chain[-1]
                a = (u * self.count) % self.p
                if u == 0 or a == 0 or self.count - a >= self.p or (u - 1) in self._sigma:
                    break
                chain.append(u - 1)
            for u in reversed(chain):
                self._sigma[u] = self._fix(u)
            for old in [u for u in self._sigma if u < t - 1]:
                del self._sigma[old]
        return self._sigma[t]

    def batch(self, b: int) -> list[int]:
        c, first = self.count, b * self.p
        return [self.sigma(j // c)[j % c] for j in range(first, first + self.p)]


def independent_classes(engine: Any, seed: int, epoch: int, num_classes: int, p: int, unit: int) -> list[int]:
    """Spec §T.5: unit u's classes, the first P entries of block u of the PK_CLASSES stream."""
    return [int(x) for x in engine.permutation_stream(seed, PK_CLASSES, epoch, num_classes, unit * num_classes, p)]


# ---------------------------------------------------------------------------------------------
# §T.4 PKBatchSampler


def _within_class(value: Any, classes: _Classes, k: int) -> bool:
    """True: always with replacement; else with replacement only for classes of < K rows
    (None), or never (False: every class needs K rows)."""
    if value is None:
        return False
    mode = boolean("replacement_within_class", value)
    if not mode and classes.min_size < k:
        small = int(np.argmin(classes.grouped.sizes))
        raise ValueError(
            f"replacement_within_class=False needs at least k={k} rows in every class, but class "
            f"{classes.grouped.classes[small]!r} has {classes.min_size}; pass replacement_within_class=None "
            "to draw small classes with replacement"
        )
    return mode


class PKBatchSampler:
    """Batches of exactly P distinct classes × K rows (class by class), for ``batch_sampler=``.
    Over an epoch every class fills ⌊B·P/C⌋ or ⌈B·P/C⌉ slots (spec §T.4.1); rows are drawn
    without replacement inside a batch when the class has ≥ K rows. Distributed: global
    batch b goes to rank b mod R; batches are never repeated across ranks in an epoch."""

    _engine: Any = _core

    def __init__(
        self,
        labels: Any,
        p: int,
        k: int,
        *,
        num_batches: int | None = None,
        replacement_within_class: bool | None = None,
        drop_last: bool = False,
        seed: int | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        num_rows: int | None = None,
    ) -> None:
        self.classes = _Classes(class_labels(labels, num_rows=num_rows))
        self.p = positive_integer("p", p)
        self.k = positive_integer("k", k)
        if self.p > self.classes.count:
            raise ValueError(f"p={self.p} classes per batch, but the labels have only {self.classes.count} classes")
        self._always = _within_class(replacement_within_class, self.classes, self.k)
        n = self.classes.grouped.num_rows
        default = max(-(-self.classes.count // self.p), n // (self.p * self.k))
        self.num_batches = default if num_batches is None else positive_integer("num_batches", num_batches)
        self.drop_last = boolean("drop_last", drop_last)
        self.num_replicas, self.rank = _world(num_replicas, rank, required=False)
        if self.num_replicas > 1 and seed is None:
            raise ValueError("seed=None with num_replicas > 1: pass seed= so that every rank draws the same epoch")
        self._keys = _EpochKeys(seed)
        b, w = self.num_batches, self.num_replicas
        self._per_rank = b // w if self.drop_last else -(-b // w)
        if self._per_rank == 0:
            raise ValueError(f"drop_last=True leaves no batch: num_batches={b} < num_replicas={w}")
        if self._per_rank * w * self.p * self.k > INT64_MAX:
            raise ValueError("num_batches * p * k must be below 2**63")

    @property
    def seed(self) -> int | None:
        return self._keys.seed

    def set_epoch(self, epoch: int) -> None:
        self._keys.set_epoch(epoch)

    def __len__(self) -> int:
        return self._per_rank

    def _batches(self, seed: int, epoch: int, first: int, count: int) -> Iterator[list[int]]:
        schedule = BalancedClasses(self._engine, seed, epoch, self.classes.count, self.p)
        for c in range(first, first + count):
            b = self.rank + c * self.num_replicas
            slots = schedule.batch(b)
            yield slot_rows(self._engine, seed, epoch, self.classes, slots, b * self.p, self.k, self._always)

    def batch(self, b: int, epoch: int | None = None) -> list[int]:
        """Global batch ``b`` of an epoch (fixed seed; no side effect; O(C + P·K))."""
        seed, e = self._keys.key(self._keys.epoch if epoch is None else epoch)
        schedule = BalancedClasses(self._engine, seed, e, self.classes.count, self.p)
        b = integer("b", b)
        return slot_rows(self._engine, seed, e, self.classes, schedule.batch(b), b * self.p, self.k, self._always)

    def epoch_batches(self, epoch: int | None = None) -> np.ndarray:
        """This rank's batches of the epoch, shape (len(self), p·k); without ``epoch`` the
        next epoch, exactly what iterating would yield."""
        seed, e = self._keys.key(epoch)
        rows = list(self._batches(seed, e, 0, self._per_rank))
        return np.asarray(rows, dtype=np.int64).reshape(self._per_rank, self.p * self.k)

    def __iter__(self) -> Iterator[list[int]]:
        seed, epoch = self._keys.next_key()
        yield from self._batches(seed, epoch, 0, self._per_rank)


# ---------------------------------------------------------------------------------------------
# §T.5 MPerClassSampler


class MPerClassSampler:
    """pytorch-metric-learning's MPerClassSampler, seeded and spec-defined: m rows of each
    class in turn. With ``batch_size`` every consecutive ``batch_size`` indices hold m rows
    of each of batch_size/m distinct classes, drawn afresh per batch; without it the classes
    come in whole shuffled passes. Rows are distinct within a class's m unless the class
    has fewer than m rows. ``len()`` is exact (see the spec for the differences)."""

    _engine: Any = _core

    def __init__(
        self,
        labels: Any,
        m: int,
        batch_size: int | None = None,
        length_before_new_iter: int = 100000,
        *,
        seed: int | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        num_rows: int | None = None,
    ) -> None:
        self.classes = _Classes(class_labels(labels, num_rows=num_rows))
        self.m_per_class = positive_integer("m", m)
        length = positive_integer("length_before_new_iter", length_before_new_iter)
        count = self.classes.count
        self.batch_size = None if batch_size is None else positive_integer("batch_size", batch_size)
        if self.batch_size is None:
            self.group = count  # classes per unit: a whole pass
            unit = self.m_per_class * count
            self.list_size = length - length % unit if unit < length else length
        else:
            if self.batch_size % self.m_per_class:
                raise ValueError(f"m={self.m_per_class} must divide batch_size={self.batch_size} without remainder")
            if self.m_per_class * count < self.batch_size:
                raise ValueError(
                    f"m * (number of classes) = {self.m_per_class} * {count} must be >= batch_size={self.batch_size}"
                )
            if length < self.batch_size:
                raise ValueError(f"length_before_new_iter={length} must be >= batch_size={self.batch_size}")
            self.group = self.batch_size // self.m_per_class
            self.list_size = length - length % self.batch_size
        self.length_before_new_iter = length
        self.num_replicas, self.rank = _world(num_replicas, rank, required=False)
        if self.num_replicas > 1 and seed is None:
            raise ValueError("seed=None with num_replicas > 1: pass seed= so that every rank draws the same epoch")
        self._keys = _EpochKeys(seed)
        self._units = math.ceil(self.list_size / (self.group * self.m_per_class))

    @property
    def seed(self) -> int | None:
        return self._keys.seed

    def set_epoch(self, epoch: int) -> None:
        self._keys.set_epoch(epoch)

    def __len__(self) -> int:
        return self.list_size

    def _unit_classes(self, seed: int, epoch: int, unit: int) -> list[int]:
        if self.batch_size is None:  # a whole pass: block u itself (σ_u = π_u when P = C)
            return BalancedClasses(self._engine, seed, epoch, self.classes.count, self.group).raw(unit)
        return independent_classes(self._engine, seed, epoch, self.classes.count, self.group, unit)

    def _indices(self, seed: int, epoch: int) -> Iterator[list[int]]:
        left = self.list_size
        for c in range(self._units):
            u = self.rank + c * self.num_replicas
            slots = self._unit_classes(seed, epoch, u)
            rows = slot_rows(self._engine, seed, epoch, self.classes, slots, u * self.group, self.m_per_class, False)
            yield rows[:left]
            left -= len(rows)

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        seed, e = self._keys.key(epoch)
        return np.asarray([i for unit in self._indices(seed, e) for i in unit], dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        seed, epoch = self._keys.next_key()
        for unit in self._indices(seed, epoch):
            yield from unit
