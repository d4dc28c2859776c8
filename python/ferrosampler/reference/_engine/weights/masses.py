"""Float weights to exact integer masses summing to n·2^32 (spec §7.1; Rust: src/weights/masses.rs)."""

from __future__ import annotations

import math
import struct
from numbers import Complex, Real
from typing import Any

from ..limits import WEIGHTS_LIMIT

CAPACITY = 1 << 32  # column capacity of the alias table; the masses sum to n · CAPACITY


def decompose(w: float) -> tuple[int, int]:
    """Integer significand and binary exponent: w = m · 2^e (spec §7.1 step 2)."""
    (bits,) = struct.unpack("<Q", struct.pack("<d", w))
    exponent_bits = (bits >> 52) & 0x7FF
    fraction = bits & ((1 << 52) - 1)
    if exponent_bits == 0:
        return fraction, -1074
    return fraction | (1 << 52), exponent_bits - 1075


def floor_log2(w: float) -> int:
    """floor(log2(w)) for w > 0, subnormals included."""
    m, e = decompose(w)
    return (m.bit_length() - 1) + e


def _as_weight(i: int, w: Any) -> float:
    complex_tensor = getattr(w, "is_complex", None)  # a torch scalar: float() would drop its imaginary part
    if (
        isinstance(w, (str, bytes, bytearray))
        or (isinstance(w, Complex) and not isinstance(w, Real))
        or (callable(complex_tensor) and complex_tensor())
    ):
        raise TypeError(f"weights[{i}] must be a real number, got {type(w).__name__}: {w!r}")
    try:
        return float(w)
    except OverflowError:
        raise ValueError(f"weights[{i}] must be finite and non-negative, got {w!r}") from None
    except (TypeError, ValueError, RuntimeError):  # RuntimeError: a complex torch scalar
        raise TypeError(f"weights[{i}] must be a real number, got {type(w).__name__}: {w!r}") from None


def real_weights(weights: Any) -> list[float]:
    """A 1-D sequence (or iterable) of real numbers as floats; TypeError/ValueError naming ``weights``
    otherwise (a scalar, a string, a 0-d or 2-d array, complex numbers). The Rust engine's WeightTable
    takes a contiguous float64 array only: the samplers hand both engines their float64 snapshot."""
    ndim = getattr(weights, "ndim", 1)  # numpy arrays and torch tensors
    if isinstance(weights, (str, bytes, bytearray)) or ndim == 0:
        raise TypeError(f"weights must be a 1-D sequence of real numbers, got {type(weights).__name__}: {weights!r}")
    if ndim != 1:
        raise ValueError(f"weights must be 1-D, got {ndim} dimensions")
    try:
        items = iter(weights)
    except TypeError:
        raise TypeError(
            f"weights must be a 1-D sequence of real numbers, got {type(weights).__name__}: {weights!r}"
        ) from None
    return [_as_weight(i, w) for i, w in enumerate(items)]


def integer_weights(weights: Any) -> list[int]:
    """Integer masses with sum exactly n * 2**32, proportional to the float weights (spec §7.1)."""
    return integer_masses(check_weights(real_weights(weights)))[0]


def check_weights(values: list[float]) -> tuple[list[float], float]:
    """§7.1's input rule and step 1: the weights and the largest of them; the first offending
    index otherwise."""
    n = len(values)
    if n == 0:
        raise ValueError("weights must not be empty")
    if n >= WEIGHTS_LIMIT:
        raise ValueError(f"weights must have fewer than 2**32 entries, got {n}")
    largest = 0.0
    for i, w in enumerate(values):
        if not (math.isfinite(w) and w >= 0.0):
            raise ValueError(f"weights[{i}] must be finite and non-negative, got {w!r}")
        largest = max(largest, w)
    if largest == 0.0:
        raise ValueError("weights must contain at least one positive value, got all zeros")
    return values, largest


def integer_masses(checked: tuple[list[float], float]) -> tuple[list[int], int]:
    """Steps 2–5 on checked weights: the masses and how many are non-zero."""
    values, largest = checked
    n = len(values)

    # Steps 2–3: ω = floor(w · 2^(52−E)), exact, at least 1 for w > 0; W = Σ ω.
    top = floor_log2(largest)
    total_omega = 0
    for w in values:
        total_omega += omega(w, top)

    # Step 4: masses = ceil(ω · T / W), exact, with Σ q, the lowest index of the largest q and the non-zero count.
    total = n * CAPACITY
    masses = [-((-omega(w, top) * total) // total_omega) for w in values]
    excess = -total
    heaviest = 0
    nonzero = 0
    for i, mass in enumerate(masses):
        excess += mass
        nonzero += mass > 0
        if mass > masses[heaviest]:
            heaviest = i

    # Step 5: the excess comes off the lowest index holding the largest mass.
    masses[heaviest] -= excess
    return masses, nonzero


def omega(w: float, top: int) -> int:
    """Step 2 for one weight: shift the significand left (only when the largest weight is subnormal) or right."""
    if w == 0.0:
        return 0
    m, e = decompose(w)
    shift = e + 52 - top
    scaled = m << shift if shift >= 0 else m >> -shift
    return max(scaled, 1)
