"""Walker/Vose alias table with integer thresholds, and its draws (spec §7.2–7.3; Rust: src/weights/alias.rs)."""

from __future__ import annotations

from ..keystream import MAIN, Keystream
from ..limits import check_span
from .masses import CAPACITY

_FULL = CAPACITY - 1  # a full column's stored threshold (it aliases itself, so it draws as 2^32)


class AliasTable:
    """Accept column j when the coin word is below threshold[j], else take alias[j]; a full
    column stores 2^32 − 1 and aliases itself, which draws the same as a threshold of 2^32."""

    __slots__ = ("alias", "threshold")

    def __init__(self, threshold: list[int], alias: list[int]) -> None:
        self.threshold = threshold
        self.alias = alias

    @classmethod
    def build(cls, masses: list[int]) -> AliasTable:
        n = len(masses)
        q = list(masses)
        threshold = [_FULL] * n
        alias = list(range(n))
        small = [i for i in range(n) if q[i] < CAPACITY]
        large = [i for i in range(n) if q[i] >= CAPACITY]
        while small and large:
            s = small.pop()
            l = large.pop()
            threshold[s] = q[s]
            alias[s] = l
            q[l] -= CAPACITY - q[s]
            if q[l] < CAPACITY:
                small.append(l)
            else:
                large.append(l)
        # Exact arithmetic: every leftover has q = C exactly, a full column.
        return cls(threshold, alias)

    def __len__(self) -> int:
        return len(self.threshold)

    def columns(self) -> tuple[list[int], list[int]]:
        """Thresholds (2^32 for a full column, as the spec writes them) and aliases."""
        threshold = [
            CAPACITY if t == _FULL and a == j else t
            for j, (t, a) in enumerate(zip(self.threshold, self.alias, strict=True))
        ]
        return threshold, list(self.alias)

    def draws(self, seed: int, epoch: int, start: int, count: int) -> list[int]:
        """Draws [start, start + count) of the epoch: position i consumes words 3i, 3i+1 (x) and 3i+2 (coin)."""
        start, count = check_span(start, count)
        n = len(self.threshold)
        threshold, alias = self.threshold, self.alias
        stream = Keystream.new(seed, MAIN, epoch).at_word(3 * start)
        out: list[int] = []
        for _ in range(count):
            x = stream.next_u64()
            coin = stream.next_u32()
            j = (x * n) >> 64  # bounded(x, n)
            out.append(j if coin < threshold[j] else alias[j])
        return out
