"""The raw class blocks (spec §19.1, §20): π_t, block t of the class permutations of stream
(s, PK_CLASSES, e), C classes each (Rust: src/classes/blocks.rs)."""

from __future__ import annotations

from ..keystream import PK_CLASSES
from ..permutation import Bijection


class Blocks:
    """The raw blocks π_t of stream (s, PK_CLASSES, e), C classes each."""

    def __init__(self, seed: int, epoch: int, classes: int) -> None:
        self.seed, self.epoch, self.classes = seed, epoch, classes
        self._cached: dict[int, Bijection] = {}

    def bijection(self, t: int) -> Bijection:
        if t not in self._cached:
            if len(self._cached) >= 2:
                del self._cached[min(self._cached)]
            self._cached[t] = Bijection.for_block(self.seed, PK_CLASSES, self.epoch, self.classes, t)
        return self._cached[t]

    def class_block(self, t: int, lo: int, count: int) -> list[int]:
        """π_t[lo : lo + count] (lo + count <= C)."""
        bijection = self.bijection(t)
        return [bijection.apply(offset) for offset in range(lo, lo + count)]
