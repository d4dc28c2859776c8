"""Walker/Vose alias table with integer thresholds, and its draws (spec §7.2–7.3; Rust: src/weights/alias.rs)."""

from __future__ import annotations

from ..keystream import MAIN, Keystream
from ..limits import check_strided_span
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

    def draws(self, seed: int, epoch: int, start: int, count: int, stride: int = 1) -> list[int]:
        """Draws start + c·stride (c < count): position i consumes words 3i, 3i+1 (x) and 3i+2 (coin)."""
        start, count, stride = check_strided_span(start, count, stride)
        stream = Keystream.new(seed, MAIN, epoch)
        out: list[int] = []
        for c in range(count):
            stream.at_word(3 * (start + c * stride))
            out.append(self.draw(stream))
        return out

    def draw(self, stream: Keystream) -> int:
        """One draw: a u64 picks the column, a u32 coin accepts it or takes its alias."""
        x = stream.next_u64()
        coin = stream.next_u32()
        j = (x * len(self.threshold)) >> 64  # bounded(x, n)
        return j if coin < self.threshold[j] else self.alias[j]
