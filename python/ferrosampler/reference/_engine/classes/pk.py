"""PK sampling: num_val uniform draws with replacement per class, classes in a given order
(spec §9; Rust: src/classes/pk.rs)."""

from __future__ import annotations

from typing import Any

from ..keystream import MAIN, Keystream
from ..limits import POSITION_LIMIT, check_integers, check_strided_span, integer_in


class ClassLayout:
    """Every class's rows back to back in ``rows``, class c at rows[offsets[c]:offsets[c + 1]]; validated."""

    __slots__ = ("num_classes", "offsets", "rows")

    def __init__(self, rows: Any, offsets: Any) -> None:
        rows = check_integers("rows", rows)
        offsets = check_integers("offsets", offsets)
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

    def check_class_order(self, class_order: list[int]) -> list[int]:
        for i, c in enumerate(class_order):
            if not 0 <= c < self.num_classes:
                raise ValueError(f"class_order[{i}] must be in [0, {self.num_classes}), got {c}")
        return class_order


def pk_draws(
    seed: int,
    epoch: int,
    rows: Any,
    offsets: Any,
    class_order: Any,
    num_val: int,
    start: int,
    count: int,
    stride: int = 1,
) -> list[int]:
    """Positions p = start + c·stride (c < count): class class_order[p // num_val], then a uniform row of it."""
    start, count, stride = check_strided_span(start, count, stride)
    num_val = integer_in("num_val", num_val, 1, POSITION_LIMIT, "2**64")
    rows = check_integers("rows", rows)
    offsets = check_integers("offsets", offsets)
    class_order = check_integers("class_order", class_order)
    layout = ClassLayout(rows, offsets)
    class_order = layout.check_class_order(class_order)
    available = len(class_order) * num_val
    # One past the last position read (start when nothing is read).
    end = start + (count - 1) * stride + 1 if count else start
    if end > available:
        raise ValueError(
            f"start + count must be <= len(class_order) * num_val = {available}, got start={start}, count={count}"
        )

    stream = Keystream.new(seed, MAIN, epoch)
    out: list[int] = []
    for position in range(start, start + count * stride, stride):
        stream.at_word(2 * position)
        c = class_order[position // num_val]
        lo = layout.offsets[c]
        size = layout.offsets[c + 1] - lo
        out.append(layout.rows[lo + ((stream.next_u64() * size) >> 64)])  # bounded(x, size)
    return out
