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
        """§7.2's two stacks without the stacks: both start in index order, so each pops its indices
        from the highest down, and the one index pushed back (l, once reduced) is the next one popped
        from its stack. So a cursor per stack walks the masses down from n − 1, and the reduced l waits
        in ``pushed`` (on ``small`` or ``large``) until the next step takes it."""
        n = len(masses)
        threshold = [_FULL] * n
        alias = list(range(n))
        small = ((i, masses[i]) for i in reversed(range(n)) if masses[i] < CAPACITY)
        large = ((i, masses[i]) for i in reversed(range(n)) if masses[i] >= CAPACITY)
        pushed: tuple[int, int] | None = None  # the pushed-back l and its reduced mass
        while True:
            if pushed is not None and pushed[1] < CAPACITY:
                s, q_s = pushed
                pushed = None
            elif (popped := next(small, None)) is not None:
                s, q_s = popped
            else:
                break
            if pushed is not None:
                l, q_l = pushed
            elif (popped := next(large, None)) is not None:
                l, q_l = popped
            else:
                break
            threshold[s] = q_s
            alias[s] = l
            pushed = (l, q_l - (CAPACITY - q_s))
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
