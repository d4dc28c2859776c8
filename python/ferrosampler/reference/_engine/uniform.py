"""Uniform draws with replacement (spec §4; Rust: src/uniform.rs)."""

from __future__ import annotations

from .keystream import MAIN, Keystream
from .limits import check_population, check_strided_span


def uniform_draws(seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> list[int]:
    """Positions start + c·stride (c < count) of independent uniform draws from [0, n)."""
    start, count, stride = check_strided_span(start, count, stride)
    n = check_population("n", n, count)
    stream = Keystream.new(seed, MAIN, epoch)
    out: list[int] = []
    for c in range(count):
        # Position i is u64 draw number i: words 2i, 2i+1.
        stream.at_word(2 * (start + c * stride))
        out.append((stream.next_u64() * n) >> 64)  # bounded(x, n)
    return out
