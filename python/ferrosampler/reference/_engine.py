"""Pure-Python reference engine: docs/spec.md, step for step, with the spec's names.

Every function here has a twin of the same name and signature in the Rust extension
`ferrosampler._core`; the two must agree bit for bit. Rust returns numpy arrays, this module
returns plain lists of ints. Standard library only.
"""

from __future__ import annotations

import math
import operator

from ._chacha import Keystream

__all__ = [
    "CLASS_ORDER",
    "MAIN",
    "WeightTable",
    "bounded",
    "bounded128",
    "expand_seed",
    "integer_weights",
    "keystream_words",
    "permutation_stream",
    "pk_draws",
    "stream_id",
    "strided_permutation",
    "uniform_draws",
]

MAIN = 0
CLASS_ORDER = 1

_M32 = 0xFFFF_FFFF
_M64 = 0xFFFF_FFFF_FFFF_FFFF
_TWO32 = 1 << 32
_TWO64 = 1 << 64


# ---------------------------------------------------------------------------------------------
# Argument checks


def _int(name: str, value) -> int:
    # operator.index accepts ints and integer-like objects (numpy ints) but not floats,
    # like the Rust extension's integer extraction.
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}: {value!r}") from None


def _in_range(name: str, value, lo: int, hi: int, hi_text: str) -> int:
    """`value` as an int in [lo, hi), else ValueError naming the argument and value."""
    value = _int(name, value)
    if not lo <= value < hi:
        raise ValueError(f"{name} must be in [{lo}, {hi_text}), got {name}={value}")
    return value


def _u64(name: str, value) -> int:
    return _in_range(name, value, 0, _TWO64, "2**64")


def _span(start, count) -> tuple[int, int]:
    """(start, count) with every position below 2**64 (spec §2)."""
    start = _u64("start", start)
    count = _u64("count", count)
    if start + count >= _TWO64:
        raise ValueError(f"start + count must be < 2**64, got start={start}, count={count}")
    return start, count


def _size(name: str, value, count: int) -> int:
    """A population size n: at most 2**63 (indices are int64), and >= 1 as soon as
    something is drawn from it."""
    value = _in_range(name, value, 0, (1 << 63) + 1, "2**63 + 1")
    if count > 0 and value < 1:
        raise ValueError(f"{name} must be >= 1 when count > 0, got {name}={value}")
    return value


def _stream(seed, purpose, epoch) -> Keystream:
    return Keystream(expand_seed(seed), stream_id(purpose, epoch))


# ---------------------------------------------------------------------------------------------
# §1 Seed and key


def expand_seed(seed: int) -> list[int]:
    """The 8 ChaCha key words (state words 4..11): SplitMix64 run four times."""
    state = _u64("seed", seed)
    key: list[int] = []
    for _ in range(4):
        state = (state + 0x9E3779B97F4A7C15) & _M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        z = z ^ (z >> 31)
        key.append(z & _M32)
        key.append(z >> 32)
    return key


# ---------------------------------------------------------------------------------------------
# §2 Keystream


def stream_id(purpose: int, epoch: int) -> int:
    purpose = _in_range("purpose", purpose, 0, 256, "256")
    epoch = _in_range("epoch", epoch, 0, 1 << 56, "2**56")
    return (purpose << 56) | epoch


def keystream_words(seed: int, purpose: int, epoch: int, start: int, count: int) -> list[int]:
    """u32 words [start, start + count) of stream (seed, purpose, epoch)."""
    start, count = _span(start, count)
    return _stream(seed, purpose, epoch).words(start, count)


# ---------------------------------------------------------------------------------------------
# §3 Bounded integers


def bounded(x: int, n: int) -> int:
    """Lemire's multiply-shift without rejection: (x * n) >> 64."""
    x = _u64("x", x)
    n = _in_range("n", n, 1, _TWO64 + 1, "2**64 + 1")
    return (x * n) >> 64


def bounded128(x0: int, x1: int, r: int) -> int:
    """floor(X * R / 2**128) with X = x1 * 2**64 + x0."""
    x0 = _u64("x0", x0)
    x1 = _u64("x1", x1)
    r = _in_range("r", r, 1, _TWO64, "2**64")
    return (((x1 << 64) | x0) * r) >> 128


# ---------------------------------------------------------------------------------------------
# §4 Uniform draws (with replacement)


def uniform_draws(seed: int, epoch: int, n: int, start: int, count: int) -> list[int]:
    start, count = _span(start, count)
    n = _size("n", n, count)
    ks = _stream(seed, MAIN, epoch)
    # Position i is u64 draw number i: words 2i, 2i+1.
    ks.seek_word(2 * start)
    return [(ks.next_u64() * n) >> 64 for _ in range(count)]


# ---------------------------------------------------------------------------------------------
# §5 Permutations


def _fisher_yates_prefix(ks: Keystream, n: int, block: int, length: int) -> list[int]:
    """Block positions 0 .. length-1 of permutation block `block`.

    The array `a` is kept sparse (a dict holding only displaced entries; a missing key k
    means a[k] = k), so a prefix costs O(length) time and memory, whatever n is.
    """
    ks.seek_word(2 * block * n)
    a: dict[int, int] = {}
    out: list[int] = []
    for q in range(length):
        j = q + ((ks.next_u64() * (n - q)) >> 64)
        a_q = a.get(q, q)
        a_j = a.get(j, j)
        a[j] = a_q
        a[q] = a_j
        out.append(a_j)
    return out


def permutation_stream(seed: int, purpose: int, epoch: int, n: int, start: int, count: int) -> list[int]:
    """Positions [start, start + count) of the concatenated permutation blocks."""
    start, count = _span(start, count)
    n = _size("n", n, count)
    ks = _stream(seed, purpose, epoch)
    out: list[int] = []
    end = start + count
    p = start
    while p < end:
        b, q = divmod(p, n)
        # Run this block from the identity up to the last offset needed in it.
        last = min(n, end - b * n)
        out.extend(_fisher_yates_prefix(ks, n, b, last)[q:last])
        p = b * n + last
    return out


# ---------------------------------------------------------------------------------------------
# §6 Strided read of a permutation


def strided_permutation(seed: int, epoch: int, n: int, shuffle: bool, first: int, stride: int, count: int) -> list[int]:
    first = _u64("first", first)
    stride = _u64("stride", stride)
    count = _u64("count", count)
    n = _size("n", n, count)
    # (first + c * stride) mod n is computed exactly (spec: integers are exact unless said
    # otherwise), not with a wrapping u64 sum.
    indices = [(first + c * stride) % n for c in range(count)]
    if not shuffle or not indices:
        return indices
    perm = _fisher_yates_prefix(_stream(seed, MAIN, epoch), n, 0, max(indices) + 1)
    return [perm[i] for i in indices]


# ---------------------------------------------------------------------------------------------
# §7.1 Integer weights


def _as_weight(i: int, w) -> float:
    if isinstance(w, (str, bytes, bytearray)):
        raise TypeError(f"weights[{i}] must be a real number, got {type(w).__name__}: {w!r}")
    try:
        return float(w)
    except OverflowError:
        raise ValueError(f"weights[{i}] must be finite and non-negative, got {w!r}") from None
    except (TypeError, ValueError):
        raise TypeError(f"weights[{i}] must be a real number, got {type(w).__name__}: {w!r}") from None


def _omega(w: float, big_e: int) -> int:
    """floor(w * 2**(52 - E)), exact; raised to 1 if w > 0 and it would be 0."""
    if w == 0.0:
        return 0
    num, den = w.as_integer_ratio()  # den is a power of two
    shift = 52 - big_e - (den.bit_length() - 1)
    omega = num << shift if shift >= 0 else num >> -shift
    return omega if omega > 0 else 1


def integer_weights(weights) -> list[int]:
    """Integers q with sum exactly n * 2**32, proportional to the float weights (spec §7.1)."""
    values = [_as_weight(i, w) for i, w in enumerate(weights)]
    n = len(values)
    if n == 0:
        raise ValueError("weights must not be empty")
    if n >= _TWO32:
        raise ValueError(f"weights must have fewer than 2**32 entries, got {n}")
    for i, w in enumerate(values):
        if not (math.isfinite(w) and w >= 0.0):
            raise ValueError(f"weights[{i}] must be finite and non-negative, got {w!r}")

    # Step 1: M and E = floor(log2 M); frexp gives M = f * 2**e with 0.5 <= f < 1, exactly,
    # subnormals included.
    big_m = max(values)
    if big_m == 0.0:
        raise ValueError("weights must contain at least one positive value, got all zeros")
    big_e = math.frexp(big_m)[1] - 1

    # Step 2: omega_i.
    omega = [_omega(w, big_e) for w in values]

    # Step 3: W and T.
    big_w = sum(omega)
    big_t = n * _TWO32

    # Step 4: q_i = ceil(omega_i * T / W).
    q = [-((-o * big_t) // big_w) for o in omega]

    # Step 5: remove the excess X from the lowest index holding the largest q.
    x = sum(q) - big_t
    g = q.index(max(q))
    q[g] -= x
    return q


# ---------------------------------------------------------------------------------------------
# §7.2 Alias table


def _build_alias_table(q: list[int]) -> tuple[list[int], list[int]]:
    """AliasTable::build(q): thresholds (C stored as 2**32 exactly) and aliases."""
    cap = _TWO32
    q = list(q)
    n = len(q)
    threshold = [0] * n
    alias = [0] * n
    small = [i for i in range(n) if q[i] < cap]
    large = [i for i in range(n) if q[i] >= cap]
    while small and large:
        s = small.pop()
        l = large.pop()
        threshold[s] = q[s]
        alias[s] = l
        q[l] = q[l] - (cap - q[s])
        if q[l] < cap:
            small.append(l)
        else:
            large.append(l)
    # Exact arithmetic: every leftover has q = C exactly.
    for i in small + large:
        threshold[i] = cap
        alias[i] = i
    return threshold, alias


# ---------------------------------------------------------------------------------------------
# §7.3 / §8 Weighted draws


def _weighted_without_replacement(q: list[int], seed: int, epoch: int, k: int) -> list[int]:
    """Successive sampling on the integers q, exact; a Fenwick tree over the remaining weights."""
    n = len(q)
    tree = [0] * (n + 1)
    for i, qi in enumerate(q, start=1):
        tree[i] += qi
        parent = i + (i & -i)
        if parent <= n:
            tree[parent] += tree[i]
    top = 1 << (n.bit_length() - 1)

    ks = _stream(seed, MAIN, epoch)
    remaining = sum(q)  # R
    out: list[int] = []
    for _ in range(k):
        # Draw i consumes words 4i .. 4i+3: x0 then x1.
        x0 = ks.next_u64()
        x1 = ks.next_u64()
        v = (((x1 << 64) | x0) * remaining) >> 128
        # The index j with sum_{i<j} q_i <= v < sum_{i<=j} q_i: the largest prefix <= v.
        pos, rest, step = 0, v, top
        while step:
            nxt = pos + step
            if nxt <= n and tree[nxt] <= rest:
                pos = nxt
                rest -= tree[nxt]
            step >>= 1
        j = pos
        out.append(j)
        # Remove j: its weight becomes 0.
        qj = q[j]
        remaining -= qj
        i = j + 1
        while i <= n:
            tree[i] -= qj
            i += i & -i
        q[j] = 0
    return out


class WeightTable:
    """Validated integer weights (§7.1) with lazily built alias table (§7.2)."""

    def __init__(self, weights):
        self._q = integer_weights(weights)
        self.n = len(self._q)
        self.nonzero = sum(1 for qi in self._q if qi > 0)
        self._alias: tuple[list[int], list[int]] | None = None

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return f"WeightTable(n={self.n}, nonzero={self.nonzero})"

    def integer_weights(self) -> list[int]:
        return list(self._q)

    def _table(self) -> tuple[list[int], list[int]]:
        if self._alias is None:
            self._alias = _build_alias_table(self._q)
        return self._alias

    def alias_table(self) -> tuple[list[int], list[int]]:
        threshold, alias = self._table()
        return list(threshold), list(alias)

    def alias_draws(self, seed: int, epoch: int, start: int, count: int) -> list[int]:
        """§7.3: position i consumes words 3i, 3i+1 (x) and 3i+2 (c)."""
        start, count = _span(start, count)
        threshold, alias = self._table()
        n = self.n
        ks = _stream(seed, MAIN, epoch)
        ks.seek_word(3 * start)
        out: list[int] = []
        for _ in range(count):
            x = ks.next_u64()
            c = ks.next_u32()
            j = (x * n) >> 64
            out.append(j if c < threshold[j] else alias[j])
        return out

    def without_replacement(self, seed: int, epoch: int, k: int) -> list[int]:
        """§8: k distinct indices by successive sampling on q."""
        k = _u64("k", k)
        if k > self.nonzero:
            raise ValueError(f"k must be <= the number of non-zero weights ({self.nonzero}), got k={k}")
        return _weighted_without_replacement(list(self._q), seed, epoch, k)


# ---------------------------------------------------------------------------------------------
# §9 PK sampling


def pk_draws(
    seed: int,
    epoch: int,
    rows: list[int],
    offsets: list[int],
    class_order: list[int],
    num_val: int,
    start: int,
    count: int,
) -> list[int]:
    """Position p: class class_order[p // num_val], then a uniform row of that class."""
    start, count = _span(start, count)
    num_val = _in_range("num_val", num_val, 1, _TWO64, "2**64")
    rows = [_int(f"rows[{i}]", r) for i, r in enumerate(rows)]
    offsets = [_int(f"offsets[{i}]", o) for i, o in enumerate(offsets)]
    class_order = [_int(f"class_order[{i}]", c) for i, c in enumerate(class_order)]

    num_classes = len(offsets) - 1
    if num_classes < 1:
        raise ValueError(f"offsets must have at least 2 entries, got {len(offsets)}")
    if offsets[0] != 0:
        raise ValueError(f"offsets[0] must be 0, got offsets[0]={offsets[0]}")
    if offsets[-1] != len(rows):
        raise ValueError(f"offsets[{num_classes}] must equal len(rows)={len(rows)}, got {offsets[-1]}")
    for c in range(num_classes):
        if offsets[c + 1] <= offsets[c]:
            raise ValueError(
                f"every class must have at least one row: offsets[{c + 1}]={offsets[c + 1]} "
                f"<= offsets[{c}]={offsets[c]}"
            )
    for i, c in enumerate(class_order):
        if not 0 <= c < num_classes:
            raise ValueError(f"class_order[{i}] must be in [0, {num_classes}), got {c}")
    available = len(class_order) * num_val
    if start + count > available:
        raise ValueError(
            f"start + count must be <= len(class_order) * num_val = {available}, got start={start}, count={count}"
        )

    ks = _stream(seed, MAIN, epoch)
    ks.seek_word(2 * start)
    out: list[int] = []
    for p in range(start, start + count):
        c = class_order[p // num_val]
        lo = offsets[c]
        size = offsets[c + 1] - lo
        out.append(rows[lo + ((ks.next_u64() * size) >> 64)])
    return out
