"""The class layout of PKBatchSampler and MPerClassSampler and their engine calls (spec §19–§20).

The layout is the engine's ``ClassLayout`` (src/python/class_layout.rs and its reference twin), built and
validated once per sampler; ``pk_batch_rows`` and ``m_per_class_rows`` make one call of its
``pk_batches`` / ``m_per_class_units`` per chunk of batches, O(P·K) per batch whatever the number of rows."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._inputs.checks import boolean
from .._inputs.labels import ClassLabels


class ClassSlots:
    """A label layout as ``engine`` reads it: its ``ClassLayout`` of the rows grouped by class and the
    classes' offsets (int64), built once."""

    def __init__(self, grouped: ClassLabels, engine: Any) -> None:
        self.grouped = grouped
        self.count = grouped.num_classes
        rows = np.ascontiguousarray(grouped.rows, dtype=np.int64)
        offsets = np.ascontiguousarray(grouped.offsets, dtype=np.int64)
        self.layout = engine.ClassLayout(rows, offsets)
        self.min_size = int(grouped.sizes.min())


def pk_batch_rows(
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
    flat = classes.layout.pk_batches(seed, epoch, p, k, always, start, count, stride)
    return np.asarray(flat, dtype=np.int64).reshape(count, p * k)


def m_per_class_rows(
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
    return np.asarray(classes.layout.m_per_class_units(seed, epoch, group, m, start, count, stride), np.int64)


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
