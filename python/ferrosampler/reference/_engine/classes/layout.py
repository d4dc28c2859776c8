"""ClassLayout: a validated class layout, built once, and the class-based engine units that read it —
PK draws (§9), PK batches and m-per-class units (§19.4, §20) (Rust: src/classes/mod.rs, bound as
``_core.ClassLayout`` in src/python/class_layout.rs)."""

from __future__ import annotations

from typing import Any

from ..limits import POSITION_LIMIT, check_epoch, check_int64s, check_strided_span, check_u64, integer_in
from . import m_per_class, pk, pk_batches


class ClassLayout:
    """Every class's rows back to back in ``rows``, class c at rows[offsets[c]:offsets[c + 1]]; validated."""

    __slots__ = ("num_classes", "offsets", "rows")

    def __init__(self, rows: Any, offsets: Any) -> None:
        rows = check_int64s("rows", rows)
        offsets = check_int64s("offsets", offsets)
        num_classes = len(offsets) - 1
        if num_classes < 1:
            raise ValueError(f"offsets must have at least 2 entries, got {len(offsets)}")
        if offsets[0] != 0:
            raise ValueError(f"offsets[0] must be 0, got offsets[0]={offsets[0]}")
        if offsets[-1] != len(rows):
            raise ValueError(f"offsets[{num_classes}] must equal len(rows)={len(rows)}, got {offsets[-1]}")
        for c in range(num_classes):
            if offsets[c + 1] <= offsets[c]:
                raise ValueError(
                    f"every class must have at least one row: offsets[{c + 1}]={offsets[c + 1]} "
                    f"<= offsets[{c}]={offsets[c]}"
                )
        self.rows = rows
        self.offsets = offsets
        self.num_classes = num_classes

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"ClassLayout(rows={len(self.rows)}, num_classes={self.num_classes})"

    def check_class_order(self, class_order: list[int]) -> list[int]:
        for i, c in enumerate(class_order):
            if not 0 <= c < self.num_classes:
                raise ValueError(f"class_order[{i}] must be in [0, {self.num_classes}), got {c}")
        return class_order

    def pk_draws(
        self, seed: int, epoch: int, class_order: Any, num_val: int, start: int, count: int, stride: int = 1
    ) -> list[int]:
        """§9: positions start + c·stride (c < count), position p a uniform row of class class_order[p // num_val]."""
        seed, epoch = check_u64("seed", seed), check_epoch(epoch)
        start, count, stride = check_strided_span(start, count, stride)
        num_val = integer_in("num_val", num_val, 1, POSITION_LIMIT, "2**64")
        class_order = check_int64s("class_order", class_order)
        return pk.pk_draws(seed, epoch, self, class_order, num_val, start, count, stride)

    def pk_batches(
        self, seed: int, epoch: int, p: int, k: int, replacement: Any, start: int, count: int, stride: int = 1
    ) -> list[int]:
        """§19.4: PKBatchSampler's batches start + c·stride (c < count), P·K rows each, flat."""
        seed, epoch = check_u64("seed", seed), check_epoch(epoch)
        start, count, stride = check_strided_span(start, count, stride)
        p, k = integer_in("p", p, 1, POSITION_LIMIT, "2**64"), integer_in("k", k, 1, POSITION_LIMIT, "2**64")
        return pk_batches.pk_batches(seed, epoch, self, p, k, bool(replacement), start, count, stride)

    def m_per_class_units(
        self, seed: int, epoch: int, group: int, m: int, start: int, count: int, stride: int = 1
    ) -> list[int]:
        """§20: MPerClassSampler's units start + c·stride (c < count), G·m rows each, flat."""
        seed, epoch = check_u64("seed", seed), check_epoch(epoch)
        start, count, stride = check_strided_span(start, count, stride)
        group = integer_in("group", group, 1, POSITION_LIMIT, "2**64")
        m = integer_in("m", m, 1, POSITION_LIMIT, "2**64")
        return m_per_class.m_per_class_units(seed, epoch, self, group, m, start, count, stride)
