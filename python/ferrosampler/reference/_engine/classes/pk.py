"""PK sampling: num_val uniform draws with replacement per class, classes in a given order
(spec §9; Rust: src/classes/pk.rs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..keystream import MAIN, Keystream

if TYPE_CHECKING:
    from .layout import ClassLayout


def pk_draws(
    seed: int,
    epoch: int,
    layout: ClassLayout,
    class_order: list[int],
    num_val: int,
    start: int,
    count: int,
    stride: int,
) -> list[int]:
    """Positions p = start + c·stride (c < count): class class_order[p // num_val], then a uniform row of it.
    The arguments are converted (``ClassLayout.pk_draws``); these are the core's checks, in its order."""
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
