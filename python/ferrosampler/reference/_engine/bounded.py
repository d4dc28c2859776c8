"""Bounded integers from keystream draws (spec §3; Rust: src/bounded.rs).

The samplers inline ``(x * n) >> 64`` in their loops: the same arithmetic, without a
call and a check per draw."""

from __future__ import annotations

from .limits import POSITION_LIMIT, check_u64, integer_in


def bounded(x: int, n: int) -> int:
    """Lemire's multiply-shift without rejection: (x * n) >> 64."""
    x = check_u64("x", x)
    n = integer_in("n", n, 1, POSITION_LIMIT + 1, "2**64 + 1")
    return (x * n) >> 64


def bounded128(x0: int, x1: int, r: int) -> int:
    """floor(X * R / 2**128) with X = x1 * 2**64 + x0."""
    x0 = check_u64("x0", x0)
    x1 = check_u64("x1", x1)
    r = integer_in("r", r, 1, POSITION_LIMIT, "2**64")
    return (((x1 << 64) | x0) * r) >> 128
