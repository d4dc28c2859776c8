"""The class-imbalance samplers' spec (docs/spec.md §18–§20) written forwards, as a test oracle.

Each ``*_literal`` function is a definition written out step by step on the reference engine
(``ferrosampler.reference._engine``): whole epochs from the start, no seeking and no caching —
slow, obviously faithful, and independent of the samplers' seekable composition
(``ferrosampler._samplers``), which the tests check against them.
"""

from __future__ import annotations

from typing import Any

from .._inputs.labels import class_labels
from . import _engine

__all__ = [
    "balanced_slots_literal",
    "distributed_weighted_literal",
    "m_per_class_literal",
    "pk_epoch_literal",
]

PK_CLASSES = _engine.PK_CLASSES
PK_ROWS = _engine.PK_ROWS


# ---------------------------------------------------------------------------------------------
# §18


def distributed_weighted_literal(
    weights: Any,
    num_samples: int,
    num_replicas: int,
    rank: int,
    replacement: bool,
    seed: int,
    epoch: int,
    drop_last: bool,
) -> list[int]:
    """torch's DistributedSampler recipe applied to the global weighted draw."""
    table = _engine.WeightTable(list(weights))
    g = num_samples
    drawn = table.alias_draws(seed, epoch, 0, g) if replacement else table.without_replacement(seed, epoch, g)
    if drop_last:
        per_rank = g // num_replicas
        padded = drawn[: per_rank * num_replicas]
    else:
        per_rank = -(-g // num_replicas)
        padding = per_rank * num_replicas - g
        padded = drawn + (drawn * (-(-padding // g)))[:padding]
    return padded[rank : per_rank * num_replicas : num_replicas]


# ---------------------------------------------------------------------------------------------
# §19


def _raw_block(seed: int, epoch: int, num_classes: int, t: int) -> list[int]:
    return _engine.permutation_stream(seed, PK_CLASSES, epoch, num_classes, t * num_classes, num_classes, "feistel")


def balanced_slots_literal(seed: int, epoch: int, num_classes: int, p: int, num_slots: int) -> list[int]:
    """σ_0 σ_1 … concatenated, built forwards from block 0 (spec §19.1)."""
    slots: list[int] = []
    t = 0
    while len(slots) < num_slots:
        block = _raw_block(seed, epoch, num_classes, t)
        a = (t * num_classes) % p
        if t > 0 and a > 0:
            straddle = set(slots[len(slots) - a :])
            head = [x for x in block if x not in straddle][: p - a]
            chosen = set(head)
            block = head + [x for x in block if x not in chosen]
        slots.extend(block)
        t += 1
    return slots[:num_slots]


def _slot_rows_literal(
    seed: int, epoch: int, rows: list[int], offsets: list[int], c: int, slot: int, k: int, always: bool
) -> list[int]:
    """Spec §19.2 with a dense Fisher–Yates array."""
    words = _engine.keystream_words(seed, PK_ROWS, epoch, 2 * slot * k, 2 * k)
    draws = [words[2 * q] | (words[2 * q + 1] << 32) for q in range(k)]
    lo, size = offsets[c], offsets[c + 1] - offsets[c]
    if always or size < k:
        return [rows[lo + _engine.bounded(x, size)] for x in draws]
    a = list(range(size))
    out = []
    for q, x in enumerate(draws):
        j = q + _engine.bounded(x, size - q)
        a[q], a[j] = a[j], a[q]
        out.append(rows[lo + a[q]])
    return out


def pk_epoch_literal(
    labels: Any,
    p: int,
    k: int,
    num_batches: int,
    seed: int,
    epoch: int,
    *,
    always: bool = False,
    num_replicas: int = 1,
    rank: int = 0,
    drop_last: bool = False,
) -> list[list[int]]:
    grouped = class_labels(labels)
    rows, offsets = grouped.rows.tolist(), grouped.offsets.tolist()
    per_rank = num_batches // num_replicas if drop_last else -(-num_batches // num_replicas)
    total = per_rank * num_replicas
    slots = balanced_slots_literal(seed, epoch, grouped.num_classes, p, total * p)
    batches = []
    for b in range(total):
        batch = []
        for j in range(b * p, b * p + p):
            batch.extend(_slot_rows_literal(seed, epoch, rows, offsets, slots[j], j, k, always))
        batches.append(batch)
    return batches[rank::num_replicas]


# ---------------------------------------------------------------------------------------------
# §20


def m_per_class_literal(
    labels: Any,
    m: int,
    batch_size: int | None,
    length_before_new_iter: int,
    seed: int,
    epoch: int,
    *,
    num_replicas: int = 1,
    rank: int = 0,
) -> list[int]:
    grouped = class_labels(labels)
    rows, offsets = grouped.rows.tolist(), grouped.offsets.tolist()
    count = grouped.num_classes
    length = length_before_new_iter
    if batch_size is None:
        group = count
        unit = m * count
        list_size = length - length % unit if unit < length else length
    else:
        group = batch_size // m
        list_size = length - length % batch_size
    out: list[int] = []
    u = rank
    while len(out) < list_size:
        block = _raw_block(seed, epoch, count, u)[:group]  # a full pass, or the first P classes
        for i, c in enumerate(block):
            out.extend(_slot_rows_literal(seed, epoch, rows, offsets, c, u * group + i, m, False))
        u += num_replicas
    return out[:list_size]
