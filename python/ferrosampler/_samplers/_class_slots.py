"""The class layout of PKBatchSampler and MPerClassSampler and their engine calls (spec §19–§20).

``pk_batch_rows`` and ``m_per_class_rows`` make one engine call (``engine.pk_batches`` /
``engine.m_per_class_units``: src/classes/pk_batches.rs and its reference twin) per chunk of batches."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import boolean
from .._classes import ClassLabels


class ClassSlots:
    """A label layout as the engine reads it: rows grouped by class and the classes' offsets, int64."""

    def __init__(self, grouped: ClassLabels) -> None:
        self.grouped = grouped
        self.count = grouped.num_classes
        self.layout_rows = np.ascontiguousarray(grouped.rows, dtype=np.int64)
        self.layout_offsets = np.ascontiguousarray(grouped.offsets, dtype=np.int64)
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
