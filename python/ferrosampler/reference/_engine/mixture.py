"""Weighted mixtures of datasets: the plan, slot streams, block orders and passes (spec §23;
Rust: src/mixture/mod.rs, whose bulk path src/mixture/blocks.rs has no twin: same output)."""

from __future__ import annotations

import bisect
import itertools
import math
from typing import Any

from .keystream import MIXTURE_ITEMS, MIXTURE_ORDER, Keystream
from .limits import POSITION_LIMIT, check_epoch, check_strided_span, check_u64, integer, integer_in
from .permutation.feistel import Bijection, Feistel, bit_width
from .weights.masses import decompose, floor_log2, real_weights

BLOCK = 1024  # B: positions per block of a phase (§23.4)
ORDER_DRAWS = 128  # u64 draws of the order stream reserved per block
TABLE_MAX = 128  # a block this short is a materialised Fisher–Yates table (§5.3's rule)
MASS_BITS = 47  # the largest mass of a phase is in [2**47, 2**48): the masses sum below 2**64
SOURCES_LIMIT = 1 << 16
SIZE_LIMIT = 1 << 48
INDEX_LIMIT = 1 << 63  # the sizes sum to at most 2**63: global indices are int64
NUM_SAMPLES_LIMIT = 1 << 62
PHASES_LIMIT = 1 << 32
RUN_LIMIT = 1 << 64  # (epoch + 1) · num_samples: every slot, occurrence and item position is below 2**64


def _phase_name(phase: int, phases: int) -> str:
    return "weights" if phases == 1 else f"weights phase {phase}"


def _weight_name(phase: int, phases: int, s: int) -> str:
    return f"weights[{s}]" if phases == 1 else f"weights phase {phase} [{s}]"


def check_sizes(sizes: list[int]) -> list[int]:
    """§23.1's size checks, in order."""
    if not sizes:
        raise ValueError("sizes must not be empty")
    if len(sizes) > SOURCES_LIMIT:
        raise ValueError(f"sizes must have at most 2**16 entries, got {len(sizes)}")
    for s, n in enumerate(sizes):
        if not 1 <= n <= SIZE_LIMIT:
            raise ValueError(f"sizes[{s}] must be in [1, 2**48], got {n}")
    total = 0
    for n in sizes:
        total += n
    if total > INDEX_LIMIT:
        raise ValueError(f"sizes must sum to at most 2**63, got {total}")
    return sizes


def check_starts(starts: list[int], num_samples: int) -> list[int]:
    """§23.1's phase checks, in order: at least one, fewer than 2**32, from 0, increasing, before N."""
    if not starts:
        raise ValueError("starts must not be empty")
    if len(starts) >= PHASES_LIMIT:
        raise ValueError(f"starts must have fewer than 2**32 entries, got {len(starts)}")
    if starts[0] != 0:
        raise ValueError(f"weights phase 0 must start at 0, got start={starts[0]}")
    for i in range(1, len(starts)):
        if starts[i] <= starts[i - 1]:
            raise ValueError(
                f"weights phase {i} must start after phase {i - 1} (start={starts[i - 1]}), got start={starts[i]}"
            )
    for i, start in enumerate(starts):
        if start >= num_samples:
            raise ValueError(f"weights phase {i} must start before num_samples={num_samples}, got start={start}")
    return starts


def phase_masses(row: list[float], phase: int, phases: int) -> list[int]:
    """§23.2: one phase's weights, checked (the first bad one named), as exact integer masses."""
    largest = 0.0
    for s, w in enumerate(row):
        if not (math.isfinite(w) and w >= 0.0):
            raise ValueError(f"{_weight_name(phase, phases, s)} = {w!r}: a weight must be finite and non-negative")
        largest = max(largest, w)
    if largest == 0.0:
        raise ValueError(f"{_phase_name(phase, phases)} are all zero: at least one must be positive")
    top = floor_log2(largest)
    return [mass(w, top) for w in row]


def mass(w: float, top: int) -> int:
    """⌊w · 2^(47 − top)⌋ by shifting the significand, at least 1 for w > 0."""
    if w == 0.0:
        return 0
    m, e = decompose(w)
    shift = e + MASS_BITS - top
    scaled = m << shift if shift >= 0 else m >> -shift
    return max(scaled, 1)


def tree_depth(sources: int) -> int:
    """D = ⌈log2 S⌉: the tree's depth (0 for one source)."""
    return bit_width(sources - 1)


def slot_source(prefix: list[int], g: int) -> tuple[int, int]:
    """§23.3: the source of slot g of the stream whose mass prefix sums are ``prefix``, and its index among
    that source's slots."""
    lo, hi = 0, len(prefix) - 1
    while hi - lo >= 2:
        mid = lo + (hi - lo) // 2
        left, total = prefix[mid] - prefix[lo], prefix[hi] - prefix[lo]
        sent = g * left // total  # a(g)
        if (g + 1) * left // total > sent:
            g, hi = sent, mid
        else:
            g, lo = g - sent, mid
    return lo, g


def slot_count(prefix: list[int], s: int, slots: int) -> int:
    """§23.3: how many of slots 0 … slots − 1 hold source s."""
    lo, hi = 0, len(prefix) - 1
    while hi - lo >= 2:
        mid = lo + (hi - lo) // 2
        left, total = prefix[mid] - prefix[lo], prefix[hi] - prefix[lo]
        sent = slots * left // total if total else 0  # a zero-mass node receives no slot: slots = 0 here
        if s < mid:
            slots, hi = sent, mid
        else:
            slots, lo = slots - sent, mid
    return slots


def slot_select(prefix: list[int], s: int, j: int) -> int:
    """§23.9 step 4: the slot g holding source s's j-th slot (slot_source(g) = (s, j)), up s's path from its leaf:
    the j-th left-goer of a node is its arrival ⌈(j+1)·T/L⌉ − 1, the j-th right-goer ⌊j·T/R⌋."""
    path = []  # (left mass, total, s in the left child) from the root down
    lo, hi = 0, len(prefix) - 1
    while hi - lo >= 2:
        mid = lo + (hi - lo) // 2
        left, total = prefix[mid] - prefix[lo], prefix[hi] - prefix[lo]
        path.append((left, total, s < mid))
        lo, hi = (lo, mid) if s < mid else (mid, hi)
    g = j
    for left, total, went_left in reversed(path):
        g = -(-(g + 1) * total // left) - 1 if went_left else g * total // (total - left)
    return g


def block_order(seed: int, epoch: int, tau: int, length: int) -> Bijection:
    """§23.4 step 2: π_{e,τ}, a permutation of [0, length), from u64 draws 128τ … 128τ + 127 of the order
    stream: a Fisher–Yates table up to 128, else the Feistel network walked into [0, length)."""
    stream = Keystream.new(seed, MIXTURE_ORDER, epoch).at_word(2 * ORDER_DRAWS * tau)
    if length <= TABLE_MAX:
        a = list(range(length))
        for q in range(length):
            j = q + ((stream.next_u64() * (length - q)) >> 64)  # q + bounded(draw, length - q)
            a[q], a[j] = a[j], a[q]
        return Bijection(length, a, None)
    keys = [stream.next_u64() for _ in range(8)]
    return Bijection(length, None, Feistel(max(bit_width(length - 1), 2), keys))


class MixturePlan:
    """A validated mixture (§23.1): sources, phases and their masses; ``draws`` reads positions of an epoch."""

    __slots__ = ("_first_blocks", "_prefixes", "depth", "num_samples", "offsets", "sizes", "starts", "weights")

    BLOCK = BLOCK
    sizes: list[int]
    offsets: list[int]
    starts: list[int]
    weights: list[float]
    num_samples: int
    depth: int

    def __init__(self, sizes: Any, starts: Any, weights: Any, num_samples: Any) -> None:
        # Conversions first (TypeError), then §23.1's checks in order.
        sizes, starts = _integers("sizes", sizes), _integers("starts", starts)
        values = real_weights(weights)
        num_samples = integer("num_samples", num_samples)
        sizes = check_sizes(sizes)
        num_samples = integer_in("num_samples", num_samples, 1, NUM_SAMPLES_LIMIT + 1, "2**62 + 1")
        starts = check_starts(starts, num_samples)
        phases, sources = len(starts), len(sizes)
        if len(values) != phases * sources:
            raise ValueError(
                f"weights must hold len(starts) * len(sizes) = {phases * sources} values, got {len(values)}"
            )
        self._prefixes: list[list[int]] = []
        for i in range(phases):
            masses = phase_masses(values[i * sources : (i + 1) * sources], i, phases)
            prefix = [0]
            for m in masses:
                prefix.append(prefix[-1] + m)
            self._prefixes.append(prefix)
        self.sizes, self.starts, self.num_samples = sizes, starts, num_samples
        self.weights = values
        self.offsets = [0]
        for n in sizes[:-1]:
            self.offsets.append(self.offsets[-1] + n)
        self.depth = tree_depth(sources)
        self._first_blocks = [0]  # τ of each phase's first block: Σ_{h<i} ⌈ℓ_h / B⌉
        for i in range(phases - 1):
            self._first_blocks.append(self._first_blocks[-1] - (-self.phase_length(i) // BLOCK))

    @property
    def num_phases(self) -> int:
        return len(self.starts)

    def masses(self) -> list[list[int]]:
        """Each phase's integer masses (§23.2)."""
        return [[b - a for a, b in itertools.pairwise(prefix)] for prefix in self._prefixes]

    def phase_length(self, i: int) -> int:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else self.num_samples
        return end - self.starts[i]

    def slot_source(self, phase: Any, g: Any) -> tuple[int, int]:
        phase = integer_in("phase", phase, 0, len(self.starts), str(len(self.starts)))
        return slot_source(self._prefixes[phase], check_u64("g", g))

    def slot_count(self, phase: Any, source: Any, slots: Any) -> int:
        phase = integer_in("phase", phase, 0, len(self.starts), str(len(self.starts)))
        source = integer_in("source", source, 0, len(self.sizes), str(len(self.sizes)))
        slots = integer_in("slots", slots, 0, POSITION_LIMIT + 1, "2**64 + 1")
        return slot_count(self._prefixes[phase], source, slots)

    def occurrence(self, phase: int, epoch: int, s: int, j: int) -> int:
        """§23.4 step 4: source s's earlier slots over the run, every phase's stream up to this instance."""
        o = j
        for h, prefix in enumerate(self._prefixes):
            if h < phase:
                o += slot_count(prefix, s, (epoch + 1) * self.phase_length(h))
            elif h > phase:
                o += slot_count(prefix, s, epoch * self.phase_length(h))
        return o

    def draws(self, seed: Any, epoch: Any, start: Any, count: Any, stride: Any = 1) -> list[int]:
        """§23.5: positions start + c·stride (c < count) of the epoch."""
        seed, epoch = check_u64("seed", seed), check_epoch(epoch)
        start, count, stride = check_strided_span(start, count, stride)
        n = self.num_samples
        if count and start + (count - 1) * stride >= n:
            raise ValueError(
                f"start + (count - 1) * stride must be < num_samples={n}, got start={start}, count={count}, "
                f"stride={stride}"
            )
        if (epoch + 1) * n > RUN_LIMIT:
            raise ValueError(f"(epoch + 1) * num_samples must be <= 2**64, got epoch={epoch}, num_samples={n}")
        orders: dict[int, Bijection] = {}  # caches: the same values, each computed once per call
        passes: dict[tuple[int, int], Bijection] = {}
        return [self.position(seed, epoch, start + c * stride, orders, passes) for c in range(count)]

    def position(
        self, seed: int, epoch: int, p: int, orders: dict[int, Bijection], passes: dict[tuple[int, int], Bijection]
    ) -> int:
        """§23.4: position p of the epoch, alone."""
        # 1. Phase and block.
        i = bisect.bisect_right(self.starts, p) - 1
        length = self.phase_length(i)
        b, r = divmod(p - self.starts[i], BLOCK)
        block_length = min(BLOCK, length - b * BLOCK)
        tau = self._first_blocks[i] + b
        # 2. Block order.
        order = orders.get(tau)
        if order is None:
            order = orders[tau] = block_order(seed, epoch, tau, block_length)
        # 3. Slot.
        u = b * BLOCK + order.apply(r)
        s, j = slot_source(self._prefixes[i], epoch * length + u)
        # 4. Occurrence.
        o = self.occurrence(i, epoch, s, j)
        # 5. Item: position o of permutation_stream(seed, MIXTURE_ITEMS, s, n_s, ·): pass k, offset o mod n_s.
        n = self.sizes[s]
        k, offset = divmod(o, n)
        bijection = passes.get((s, k))
        if bijection is None:
            bijection = passes[s, k] = Bijection.for_block(seed, MIXTURE_ITEMS, s, n, k)
        # 6. Output.
        return self.offsets[s] + bijection.apply(offset)

    def positions(self, seed: Any, epoch: Any, index: Any) -> list[int]:
        """§23.9: the positions of the epoch that hold global index ``index``, ascending."""
        seed, epoch = check_u64("seed", seed), check_epoch(epoch)
        total = self.offsets[-1] + self.sizes[-1]
        index = integer_in("index", index, 0, total, str(total))
        if (epoch + 1) * self.num_samples > RUN_LIMIT:
            raise ValueError(
                f"(epoch + 1) * num_samples must be <= 2**64, got epoch={epoch}, num_samples={self.num_samples}"
            )
        # 1. Source and item.
        s = bisect.bisect_right(self.offsets, index) - 1
        n, item = self.sizes[s], index - self.offsets[s]
        # 2. Phase instances: the first occurrence of phase 0's instance follows every phase's earlier instances.
        base = 0
        for h, prefix in enumerate(self._prefixes):
            base += slot_count(prefix, s, epoch * self.phase_length(h))
        found = []
        for i, prefix in enumerate(self._prefixes):
            length = self.phase_length(i)
            first = slot_count(prefix, s, epoch * length)
            count = slot_count(prefix, s, (epoch + 1) * length) - first
            # 3. Occurrences: one per pass touched, where the pass puts the item.
            for k in range(base // n, (base + count - 1) // n + 1) if count else ():
                o = k * n + Bijection.for_block(seed, MIXTURE_ITEMS, s, n, k).inverse(item)
                if base <= o < base + count:
                    # 4. Slot, 5. position.
                    u = slot_select(prefix, s, first + o - base) - epoch * length
                    b, offset = divmod(u, BLOCK)
                    block_length = min(BLOCK, length - b * BLOCK)
                    order = block_order(seed, epoch, self._first_blocks[i] + b, block_length)
                    found.append(self.starts[i] + b * BLOCK + order.inverse(offset))
            base += count
        # 6. Ascending.
        return sorted(found)

    @staticmethod
    def exhausted_length(sizes: Any, weights: Any, all_sources: Any) -> int:
        """§23.7: the shortest epoch in which the first (or every) source with positive weight completes a pass."""
        plan = MixturePlan(sizes, [0], weights, 1)
        which = "all_exhausted" if all_sources else "first_exhausted"
        prefix = plan._prefixes[0]
        total, depth = prefix[-1], plan.depth
        best: int | None = None
        for s, n in enumerate(plan.sizes):
            m = prefix[s + 1] - prefix[s]
            if m == 0:
                continue
            low = max(0, (n - depth - 1) * total // m)  # slot_count(G) <= G·m/M + D: short of n at low
            high = min(-(-(n + depth) * total // m), NUM_SAMPLES_LIMIT)  # slot_count(G) >= G·m/M − D
            if best is not None and (low >= best if not all_sources else high <= best):
                continue  # cannot beat the best so far
            if slot_count(prefix, s, high) < n:
                if all_sources:
                    raise ValueError(
                        f"num_samples='{which}' would be more than 2**62 positions: source {s} completes its "
                        "first pass only after that"
                    )
                continue
            while high - low > 1:  # slot_count(low) < n <= slot_count(high)
                middle = (low + high) // 2
                if slot_count(prefix, s, middle) >= n:
                    high = middle
                else:
                    low = middle
            if best is None or (high > best if all_sources else high < best):
                best = high
        if best is None:
            raise ValueError(
                f"num_samples='{which}' would be more than 2**62 positions: source {_first_positive(prefix)} "
                "completes its first pass only after that"
            )
        return best


def _first_positive(prefix: list[int]) -> int:
    return next(s for s in range(len(prefix) - 1) if prefix[s + 1] > prefix[s])


def _integers(name: str, values: Any) -> list[int]:
    try:
        items = list(values)
    except TypeError:
        raise TypeError(f"{name} must be a 1-D sequence of integers, got {type(values).__name__}: {values!r}") from None
    return [integer(f"{name}[{i}]", value) for i, value in enumerate(items)]
