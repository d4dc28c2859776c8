"""A slot's rows (spec §19.2): the K rows of each slot of a batch (or unit), from stream (s, PK_ROWS, e)
(Rust: src/classes/slot_rows.rs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..bounded import bounded
from ..keystream import PK_ROWS, Keystream

if TYPE_CHECKING:
    from .layout import ClassLayout


class SlotRows:
    """Spec §19.2: the rows of consecutive slots, from stream (s, PK_ROWS, e)."""

    def __init__(self, seed: int, epoch: int, layout: ClassLayout, k: int, replacement: bool) -> None:
        self.seed, self.epoch, self.layout, self.k, self.replacement = seed, epoch, layout, k, replacement

    def slot_rows(self, classes: list[int], first_slot: int) -> list[int]:
        """The K rows of slots first_slot, first_slot + 1, … holding ``classes``: slot j reads u64 draws
        jK … jK + K − 1."""
        k, rows, offsets = self.k, self.layout.rows, self.layout.offsets
        stream = Keystream.new(self.seed, PK_ROWS, self.epoch).at_word(2 * first_slot * k)
        out: list[int] = []
        for c in classes:
            lo = offsets[c]
            size = offsets[c + 1] - lo
            if self.replacement or size < k:
                out.extend(rows[lo + bounded(stream.next_u64(), size)] for _ in range(k))
                continue
            displaced: dict[int, int] = {}  # a sparse Fisher–Yates prefix of length K (spec §5.1's step)
            for position in range(k):
                j = position + bounded(stream.next_u64(), size - position)
                a_q = displaced.get(position, position)
                a_j = displaced.get(j, j)
                displaced[j] = a_q
                out.append(rows[lo + a_j])
        return out
