"""PK batches and m-per-class units: the class slots of a batch (or unit) and the K rows of each slot
(spec §19.1–§19.4, §20; Rust: src/classes/pk_batches.rs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..bounded import bounded
from ..keystream import PK_CLASSES, PK_ROWS, Keystream
from ..permutation import Bijection

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
