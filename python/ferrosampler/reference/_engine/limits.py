"""Limits of the engine's arguments and the checks that enforce them (Rust: src/limits.rs).

Every engine function checks its own arguments here, with the messages the Rust core copies."""

from __future__ import annotations

import operator
from typing import Any

EPOCH_LIMIT = 1 << 56  # epochs live in the low 56 bits of the stream id
POPULATION_LIMIT = 1 << 63  # indices are int64
WEIGHTS_LIMIT = 1 << 32  # fewer than 2**32 weights: the alias table stores u32 indices
POSITION_LIMIT = 1 << 64  # every keystream position is below 2**64 (spec §2)
PURPOSE_LIMIT = 1 << 8


def is_bool(value: Any) -> bool:
    """Python's bool or numpy's (``numpy.bool``, ``numpy.bool_`` before numpy 2), without importing numpy."""
    kind = type(value)
    return isinstance(value, bool) or (kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_"))


def integer(name: str, value: Any) -> int:
    """An integer argument: an int or an integer-like object (numpy ints), not a float and not a bool,
    like the Rust binding's conversion."""
    if is_bool(value):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}: {value!r}")
    return element(name, value)


def element(name: str, value: Any) -> int:
    # operator.index accepts ints and integer-like objects (numpy ints, bools) but not floats, like the
    # Rust binding's extraction of a sequence of integers.
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}: {value!r}") from None


def integer_in(name: str, value: Any, lo: int, hi: int, hi_text: str) -> int:
    """``value`` as an int in [lo, hi), else ValueError naming the argument and value."""
    number = integer(name, value)
    if not lo <= number < hi:
        raise ValueError(f"{name} must be in [{lo}, {hi_text}), got {name}={number}")
    return number


def check_u64(name: str, value: Any) -> int:
    return integer_in(name, value, 0, POSITION_LIMIT, "2**64")


def check_epoch(epoch: Any) -> int:
    return integer_in("epoch", epoch, 0, EPOCH_LIMIT, "2**56")


def check_purpose(purpose: Any) -> int:
    return integer_in("purpose", purpose, 0, PURPOSE_LIMIT, "256")


def check_span(start: Any, count: Any) -> tuple[int, int]:
    """(start, count) with every position below 2**64 (spec §2)."""
    start = check_u64("start", start)
    count = check_u64("count", count)
    if start + count >= POSITION_LIMIT:
        raise ValueError(f"start + count must be < 2**64, got start={start}, count={count}")
    return start, count


def check_strided_span(start: Any, count: Any, stride: Any) -> tuple[int, int, int]:
    """(start, count, stride): positions start + c·stride (c < count), the last plus one below 2**64;
    at stride 1 exactly ``check_span``. A stride of None is 1, as in the Rust binding."""
    start = check_u64("start", start)
    count = check_u64("count", count)
    stride = 1 if stride is None else integer_in("stride", stride, 1, POSITION_LIMIT, "2**64")
    if stride == 1 or count <= 1:
        return (*check_span(start, count), stride)
    if start + (count - 1) * stride + 1 >= POSITION_LIMIT:
        raise ValueError(
            f"start + (count - 1) * stride must be < 2**64 - 1, got start={start}, count={count}, stride={stride}"
        )
    return start, count, stride


def check_population(name: str, value: Any, count: int) -> int:
    """A population size n: at most 2**63 (indices are int64), and >= 1 as soon as
    something is drawn from it."""
    n = integer_in(name, value, 0, POPULATION_LIMIT + 1, "2**63 + 1")
    if count > 0 and n < 1:
        raise ValueError(f"{name} must be >= 1 when count > 0, got {name}={n}")
    return n


def check_integers(name: str, values: Any) -> list[int]:
    """A sequence of integers, each checked by ``integer`` under the name ``name[i]``."""
    try:
        items = iter(values)
    except TypeError:
        raise TypeError(f"{name} must be a 1-D sequence of integers, got {type(values).__name__}: {values!r}") from None
    return [element(f"{name}[{i}]", value) for i, value in enumerate(items)]


def check_int64s(name: str, values: Any) -> list[int]:
    """``check_integers``, each also in [-2**63, 2**63) as the engine stores it (ValueError otherwise)."""
    numbers = check_integers(name, values)
    for i, number in enumerate(numbers):
        if not -(1 << 63) <= number < 1 << 63:
            raise ValueError(f"{name}[{i}] must be in [-2**63, 2**63), got {name}[{i}]={number}")
    return numbers


def check_stream(seed: Any, purpose: Any, epoch: Any) -> tuple[int, int, int]:
    """The key of a keystream, checked in the order Keystream.new checks it: seed, purpose, epoch."""
    return check_u64("seed", seed), check_purpose(purpose), check_epoch(epoch)
