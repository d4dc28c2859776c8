"""The balanced class schedule (spec §19.1): the effective blocks σ_0, σ_1, … cut into groups of P
(Rust: src/classes/balanced.rs)."""

from __future__ import annotations

from .blocks import Blocks


class BalancedClasses:
    """Spec §19.1: the effective blocks σ_t, their heads σ_t[0 : P] cached (σ_t[i] = π_t[i] for i >= P)."""

    def __init__(self, seed: int, epoch: int, classes: int, p: int) -> None:
        self.blocks = Blocks(seed, epoch, classes)
        self.p = p
        self.heads: dict[int, list[int]] = {}

    def head(self, t: int) -> list[int]:
        """σ_t[0 : P]: its chain of heads back to a block whose head needs no earlier head (t = 0, a = 0 or
        C − a >= P) or is cached, computed forwards."""
        if t not in self.heads:
            c, p = self.blocks.classes, self.p
            bottom = t
            while True:
                a = (bottom * c) % p
                if bottom == 0 or a == 0 or c - a >= p or (bottom - 1) in self.heads:
                    break
                bottom -= 1
            # Forwards: σ_u's head needs σ_{u−1}'s, cached just before (or at the chain's bottom).
            for u in range(bottom, t + 1):
                self.keep(u, self.fixed_head(u))
        return self.heads[t]

    def keep(self, u: int, head: list[int]) -> None:
        """Caches σ_u's head, dropping all but the latest two."""
        self.heads[u] = head
        while len(self.heads) > 2:
            del self.heads[min(self.heads)]

    def fixed_head(self, t: int) -> list[int]:
        """σ_t's head from π_t's first P entries: the first P − a not in T = σ_{t−1}[C − a : C], then the
        rest in π_t's order."""
        c, p = self.blocks.classes, self.p
        first = self.blocks.class_block(t, 0, p)
        a = (t * c) % p
        if t == 0 or a == 0:
            return first
        taken = set(self.sigma(t - 1, c - a, c))
        head: list[int] = []
        rest: list[int] = []
        for x in first:
            (head if len(head) < p - a and x not in taken else rest).append(x)
        return head + rest

    def sigma(self, t: int, lo: int, hi: int) -> list[int]:
        """σ_t[lo : hi]."""
        p = self.p
        out = self.head(t)[lo : min(hi, p)] if lo < p else []
        start = max(lo, p)
        if hi > start:
            out += self.blocks.class_block(t, start, hi - start)
        return out

    def batch(self, b: int) -> list[int]:
        """Batch b's classes: σ over slots bP … bP + P − 1."""
        c, p = self.blocks.classes, self.p
        first = b * p
        out: list[int] = []
        j = first
        while j < first + p:
            t, lo = divmod(j, c)
            hi = min(c, lo + first + p - j)
            out += self.sigma(t, lo, hi)
            j += hi - lo
        return out
