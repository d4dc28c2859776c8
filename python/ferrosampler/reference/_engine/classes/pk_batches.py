"""PK batches (spec §19.4), and the validated call they share with m-per-class units (§20): the class slots
of a batch (or unit) and the K rows of each slot (Rust: src/classes/pk_batches.rs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .balanced import BalancedClasses
from .blocks import Blocks
from .slot_rows import SlotRows

if TYPE_CHECKING:
    from .layout import ClassLayout

DRAW_LIMIT = 1 << 63  # slot draws (and class-block positions) stay below 2**63: every word read is below 2**64

BALANCED = "balanced"  # spec §19.1: the effective blocks σ_0, σ_1, … cut into groups of P
INDEPENDENT = "independent"  # spec §20: unit u is π_u's first P entries


def pk_batches(
    seed: int,
    epoch: int,
    layout: ClassLayout,
    p: int,
    k: int,
    replacement: bool,
    start: int,
    count: int,
    stride: int,
) -> list[int]:
    """PKBatchSampler's batches start + c·stride (c < count), P·K rows each, flat: the P slots of the
    balanced schedule (§19.1), each slot's K rows (§19.2). ``replacement``: every slot draws with
    replacement; otherwise a slot draws without replacement when its class has >= K rows. The arguments
    are converted (``ClassLayout.pk_batches``)."""
    unit = Unit(layout, BALANCED, ("p", p), ("k", k), replacement, (start, count, stride))
    return unit.fill(seed, epoch, start, count, stride)


class Unit:
    """A validated call: P slots of K rows per batch."""

    def __init__(
        self,
        layout: ClassLayout,
        schedule: str,
        p_arg: tuple[str, int],
        k_arg: tuple[str, int],
        replacement: bool,
        span: tuple[int, int, int],
    ) -> None:
        (p_name, p), (k_name, k), (start, count, stride) = p_arg, k_arg, span
        classes = layout.num_classes
        if p > classes:
            raise ValueError(f"{p_name} must be <= the number of classes ({classes}), got {p_name}={p}")
        if count > 0:
            last = start + (count - 1) * stride  # the last batch read; its last draw is (b + 1)·P·K − 1
            if (last + 1) * p * k > DRAW_LIMIT:
                raise ValueError(
                    f"(b + 1) * {p_name} * {k_name} must be <= 2**63 for the last b = start + (count - 1) * stride, "
                    f"got b={last}, {p_name}={p}, {k_name}={k}"
                )
            # Unit u reads block u of the class permutations: positions below (u + 1)·C.
            if schedule == INDEPENDENT and (last + 1) * classes > DRAW_LIMIT:
                raise ValueError(
                    "(b + 1) * (number of classes) must be <= 2**63 for the last b = start + (count - 1) * stride, "
                    f"got b={last}, classes={classes}"
                )
        self.layout, self.schedule = layout, schedule
        self.classes, self.p, self.k, self.replacement = classes, p, k, replacement

    def fill(self, seed: int, epoch: int, start: int, count: int, stride: int) -> list[int]:
        """count batches of P·K rows, in order (Rust fills chunks on threads, each with its own schedule)."""
        balanced = BalancedClasses(seed, epoch, self.classes, self.p)
        blocks = Blocks(seed, epoch, self.classes)
        rows = SlotRows(seed, epoch, self.layout, self.k, self.replacement)
        out: list[int] = []
        for index in range(count):
            b = start + index * stride
            batch_classes = balanced.batch(b) if self.schedule == BALANCED else blocks.class_block(b, 0, self.p)
            out.extend(rows.slot_rows(batch_classes, b * self.p))
        return out
