"""Uniform draws with replacement (spec §4; Rust: src/uniform.rs)."""

from __future__ import annotations

from .keystream import MAIN, Keystream
from .limits import check_population, check_span


def uniform_draws(seed: int, epoch: int, n: int, start: int, count: int) -> list[int]:
    """Positions [start, start + count) of independent uniform draws from [0, n)."""
    start, count = check_span(start, count)
    n = check_population("n", n, count)
    # Position i is u64 draw number i: words 2i, 2i+1.
    stream = Keystream.new(seed, MAIN, epoch).at_word(2 * start)
    return [(stream.next_u64() * n) >> 64 for _ in range(count)]  # bounded(x, n) per draw
