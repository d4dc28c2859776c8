"""Weighted sampling without replacement by exponential keys, exact to the spec's bound (spec §8.2;
Rust: src/weights/keys.rs): index i's key is −ln(U_i)/q_i, the k smallest keys in key order."""

from __future__ import annotations

from ..keystream import MAIN, Keystream
from ..limits import check_u64

LOG_SHIFT = 122  # the fixed point of the logarithm: E is an integer F with E ≈ F / 2^122
LOG_BUCKETS = range(127, 256)  # j: the mantissa a ∈ (j·2^56, (j+1)·2^56]
SERIES_TERMS = 9  # S(δ) = Σ_{m<9} δ^m / (m + 1): the tail is below 2^-63 for δ ≤ 1/128
SERIES = [(1 << 63) // (m + 1) for m in range(SERIES_TERMS)]  # C[m] = ⌊2^63 / (m + 1)⌋, Q63
_GUARD = 256  # bits of the exact series the table is computed with


def neg_log_ratio(num: int, den: int) -> int:
    """−ln(num/den) · 2^122 rounded to the nearest integer, for 0 < num ≤ den (2·atanh(s), s = (den−num)/(den+num),
    summed in 256-bit fixed point; no entry the table uses is within 2^-60 of a rounding tie)."""
    s_num, s_den = den - num, den + num
    total = 0
    m = 0
    while True:
        term = (s_num ** (2 * m + 1) << _GUARD) // (s_den ** (2 * m + 1) * (2 * m + 1))
        if term == 0:
            break
        total += term
        m += 1
    return ((2 * total >> (_GUARD - LOG_SHIFT - 1)) + 1) >> 1


def log_table() -> list[int]:
    """LOG_TABLE[j − 127] = −ln((j + 1)/256) · 2^122 rounded (j = 255: 0; j = 127: LN2)."""
    return [neg_log_ratio(j + 1, 256) for j in LOG_BUCKETS]


LOG_TABLE = log_table()
LN2 = LOG_TABLE[0]  # ln 2 · 2^122 rounded


def leading_zeros64(u: int) -> int:
    return 64 - u.bit_length()


def exponential(x: int) -> float:
    """E = −ln(U), U = 1 − x/2^64 ∈ (0, 1], for a u64 draw x: integer steps, then one correctly rounded
    conversion (relative error below 2^-52, spec §8.2)."""
    if x == 0:
        return 0.0
    u = (1 << 64) - x  # 1 ≤ u < 2^64: U = u / 2^64
    e = leading_zeros64(u)
    a = u << e  # 2^63 ≤ a < 2^64: U = 2^-e · a / 2^64
    j = (a - 1) >> 56  # j·2^56 < a ≤ (j + 1)·2^56
    gap = ((j + 1) << 56) - a  # D < 2^56
    d = (gap << 8) // (j + 1)  # δ = D / ((j + 1)·2^56) in Q64, exact for j = 255
    h = SERIES[SERIES_TERMS - 1]
    for m in range(SERIES_TERMS - 2, -1, -1):
        h = SERIES[m] + ((h * d) >> 64)  # Horner: S(δ) in Q63
    f = e * LN2 + LOG_TABLE[j - 127] + ((d * h) >> 5)  # E · 2^122: e·ln 2 − ln((j+1)/256) − ln(1 − δ)
    return float(f) * 2.0**-LOG_SHIFT  # float(int) rounds to nearest; the scaling is exact


def weighted_keys(masses: list[int], seed: int, epoch: int, k: int) -> list[int]:
    """The k indices with the smallest keys exponential(x_i) / q_i (ties by index), in key order: successive
    sampling on the masses; zero masses are never drawn, k at most the non-zero count."""
    k = check_u64("k", k)
    nonzero = 0
    for mass in masses:
        nonzero += mass > 0
    if k > nonzero:
        raise ValueError(f"k must be <= the number of non-zero weights ({nonzero}), got k={k}")
    stream = Keystream.new(seed, MAIN, epoch)
    keyed: list[tuple[float, int]] = []
    for i, mass in enumerate(masses):
        x = stream.next_u64()  # index i reads u64 draw i: words 2i, 2i + 1
        if mass > 0:
            keyed.append((exponential(x) / float(mass), i))
    keyed.sort()
    out: list[int] = []
    for _, i in keyed[:k]:
        out.append(i)
    return out
