"""The class-slot schedule of PKBatchSampler and MPerClassSampler (spec §19–§20), on either engine.

``pk_batch_rows`` and ``m_per_class_rows`` are the samplers' path: one engine call
(``engine.pk_batches`` / ``engine.m_per_class_units``, src/classes/pk_batches.rs and its reference twin)
per chunk of batches. ``BalancedClasses``, ``slot_rows`` and ``independent_classes`` are the same
schedule slot by slot on engine primitives, kept for callers not yet moved to the chunk functions
(tests/toolkit/test_toolkit_pk.py checks both give the same rows)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import boolean
from .._classes import ClassLabels

FEISTEL = "feistel"  # the class blocks are read at random positions: O(1) per entry (spec §5.2–§5.3)


class ClassSlots:
    """A label layout: int64 arrays for the engine, Python lists for the slot-by-slot loops."""

    def __init__(self, grouped: ClassLabels) -> None:
        self.grouped = grouped
        self.count = grouped.num_classes
        self.layout_rows = np.ascontiguousarray(grouped.rows, dtype=np.int64)
        self.layout_offsets = np.ascontiguousarray(grouped.offsets, dtype=np.int64)
        self.rows = grouped.rows.tolist()
        self.offsets = grouped.offsets.tolist()
        self.min_size = int(grouped.sizes.min())


def pk_batch_rows(
    engine: Any,
    seed: int,
    epoch: int,
    classes: ClassSlots,
    p: int,
    k: int,
    always: bool,
    start: int,
    count: int,
    stride: int = 1,
) -> np.ndarray:
    """Spec §19: global batches start + c·stride (c < count) as a (count, P·K) int64 array, one engine call.
    ``always``: every slot with replacement (else only classes of fewer than K rows)."""
    rows, offsets = classes.layout_rows, classes.layout_offsets
    flat = engine.pk_batches(seed, epoch, rows, offsets, p, k, always, start, count, stride)
    return np.asarray(flat, dtype=np.int64).reshape(count, p * k)


def m_per_class_rows(
    engine: Any,
    seed: int,
    epoch: int,
    classes: ClassSlots,
    group: int,
    m: int,
    start: int,
    count: int,
    stride: int = 1,
) -> np.ndarray:
    """Spec §20: units start + c·stride (c < count), G·m rows each, as one flat int64 array (one engine call)."""
    rows, offsets = classes.layout_rows, classes.layout_offsets
    return np.asarray(engine.m_per_class_units(seed, epoch, rows, offsets, group, m, start, count, stride), np.int64)


def class_block(engine: Any, seed: int, epoch: int, num_classes: int, t: int, lo: int, count: int) -> list[int]:
    """π_t[lo : lo + count]: entries of block t of the PK_CLASSES permutation stream."""
    start = t * num_classes + lo
    return [
        int(x) for x in engine.permutation_stream(seed, engine.PK_CLASSES, epoch, num_classes, start, count, FEISTEL)
    ]


def slot_rows(
    engine: Any,
    seed: int,
    epoch: int,
    classes: ClassSlots,
    slot_classes: list[int],
    first_slot: int,
    k: int,
    always: bool,
) -> list[int]:
    """Spec §19.2: the K rows of each class slot first_slot, first_slot + 1, …; slot j
    consumes u64 draws jK … jK + K − 1 of stream (seed, PK_ROWS, epoch)."""
    n = len(slot_classes)
    words = np.asarray(
        engine.keystream_words(seed, engine.PK_ROWS, epoch, 2 * first_slot * k, 2 * n * k), dtype=np.uint64
    )
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
        displaced: dict[int, int] = {}  # a sparse Fisher–Yates prefix of length k (spec §5.1's step)
        for position, x in enumerate(mine):
            j = position + ((x * (size - position)) >> 64)
            a_q = displaced.get(position, position)
            a_j = displaced.get(j, j)
            displaced[j] = a_q
            out.append(rows[lo + a_j])
    return out


class BalancedClasses:
    """Spec §19.1: the epoch's class slots are the effective blocks σ_0, σ_1, … cut into groups of
    P; σ_t is block π_t of the PK_CLASSES stream with its first P entries reordered so that the
    group straddling blocks t − 1 and t has P distinct classes (σ_t[i] = π_t[i] for i ≥ P).

    Random access: batch b reads P entries of one or two blocks plus, for a straddling batch, the
    head of the previous block (a chain of d ≤ P / gcd(C, P) heads, d = 0 when C ≥ 2P − 1), each
    O(P) with the Feistel permutation; heads are cached, so iterating costs O(P) per batch."""

    def __init__(self, engine: Any, seed: int, epoch: int, num_classes: int, p: int) -> None:
        self._engine, self._seed, self._epoch = engine, seed, epoch
        self.count, self.p = num_classes, p
        self._heads: dict[int, list[int]] = {}

    def _pi(self, t: int, lo: int, count: int) -> list[int]:
        return class_block(self._engine, self._seed, self._epoch, self.count, t, lo, count)

    def raw(self, t: int) -> list[int]:
        return self._pi(t, 0, self.count)

    def head(self, t: int) -> list[int]:
        """σ_t[0 : P]."""
        if t not in self._heads:
            chain = [t]  # σ_t's head needs σ_{t−1}'s tail, which is π_{t−1}'s unless it reaches below P
            while True:
                u = chain[-1]
                a = (u * self.count) % self.p
                if u == 0 or a == 0 or self.count - a >= self.p or (u - 1) in self._heads:
                    break
                chain.append(u - 1)
            for u in reversed(chain):
                self._heads[u] = self._fixed_head(u)
            for old in [u for u in self._heads if u < t - 1]:
                del self._heads[old]
        return self._heads[t]

    def _fixed_head(self, t: int) -> list[int]:
        c, p = self.count, self.p
        first = self._pi(t, 0, p)
        a = (t * c) % p
        if t == 0 or a == 0:
            return first
        taken = set(self.sigma(t - 1, c - a, c))  # the straddling batch's classes from block t − 1
        head: list[int] = []
        rest: list[int] = []
        for x in first:
            (head if len(head) < p - a and x not in taken else rest).append(x)
        return head + rest

    def sigma(self, t: int, lo: int, hi: int) -> list[int]:
        """σ_t[lo : hi]."""
        p = self.p
        out = self.head(t)[lo:hi] if lo < p else []
        start = max(lo, p)
        return out + (self._pi(t, start, hi - start) if hi > start else [])

    def batch(self, b: int) -> list[int]:
        c, first = self.count, b * self.p
        out: list[int] = []
        j = first
        while j < first + self.p:
            t, lo = divmod(j, c)
            hi = min(c, lo + first + self.p - j)
            out.extend(self.sigma(t, lo, hi))
            j += hi - lo
        return out


def independent_classes(engine: Any, seed: int, epoch: int, num_classes: int, p: int, unit: int) -> list[int]:
    """Spec §20: unit u's classes, the first P entries of block u of the PK_CLASSES stream."""
    return class_block(engine, seed, epoch, num_classes, unit, 0, p)


def within_class(value: Any, classes: ClassSlots, k: int) -> bool:
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
