"""m-per-class units (spec §20): unit u's classes are the first G entries of block π_u, each slot's m rows
by §19.2 (Rust: src/classes/m_per_class.rs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pk_batches import INDEPENDENT, Unit

if TYPE_CHECKING:
    from .layout import ClassLayout


def m_per_class_units(
    seed: int,
    epoch: int,
    layout: ClassLayout,
    group: int,
    m: int,
    start: int,
    count: int,
    stride: int,
) -> list[int]:
    """MPerClassSampler's units start + c·stride (c < count), G·m rows each, flat: unit u's classes are
    π_u's first G entries (§20), its slot i is slot u·G + i, each slot's m rows by §19.2 (without
    replacement when the class has >= m rows, else with). The arguments are converted
    (``ClassLayout.m_per_class_units``)."""
    unit = Unit(layout, INDEPENDENT, ("group", group), ("m", m), False, (start, count, stride))
    return unit.fill(seed, epoch, start, count, stride)
