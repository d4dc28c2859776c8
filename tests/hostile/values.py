"""Hostile argument palettes: integers, sizes, weights, datasets and labels, each drawn from a seeded Random.

Every palette returns fresh objects at each call (an iterator is consumed by the first engine), so a case
draws its arguments once per engine from equal seeds and both engines see equal arguments."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

HUGE_SIZES = (2**31, 2**32, 2**63 - 1, 2**63, 2**63 + 1, 2**64 - 1, 2**64, 2**64 + 1, 2**100)
EDGE_INTS = (0, 1, 2, -1, -2, *HUGE_SIZES, -(2**31), -(2**63), -(2**63) - 1, -(2**64))
# Scales every argument's chance of being hostile: cases have many arguments, and about half of them
# should still reach a result to check.
HOSTILITY = 0.45
# Array lengths at or above this count as large: a MemoryError is then an acceptable answer.
LARGE = 1 << 22


class LenBoom(Exception):
    """Raised by a hostile dataset's __len__ or a labels function: must propagate unchanged."""


def _np_int(rng: random.Random, value: int) -> Any:
    kinds = [np.int64, np.int32, np.int8, np.uint64, np.uint8, np.int16]
    for kind in rng.sample(kinds, len(kinds)):
        info = np.iinfo(kind)
        if info.min <= value <= info.max:
            return kind(value)
    return value


def wrong_type(rng: random.Random) -> Any:
    plain = [None, 1.0, 2.5, math.nan, math.inf, "3", b"3", [3], (3,), {}, object(), 1 + 0j, Decimal(3), Fraction(7, 2)]
    return rng.choice([*plain, np.float64(3.0), np.array(3), np.array([3]), np.bool_(True), True, False])


def integer(rng: random.Random, valid: range, hostile: float = 0.3) -> Any:
    """Mostly a value in ``valid`` (maybe as a numpy integer), else an edge integer, a bool or a wrong type."""
    hostile *= HOSTILITY
    roll = rng.random()
    if roll >= hostile:
        value = rng.choice(valid) if len(valid) else 0
        return _np_int(rng, value) if rng.random() < 0.15 else value
    if roll < hostile * 0.55:
        value = rng.choice(EDGE_INTS)
        return _np_int(rng, value) if rng.random() < 0.2 else value
    if roll < hostile * 0.7:
        return rng.choice([True, False])
    return wrong_type(rng)


def size(rng: random.Random, small: int = 40, hostile: float = 0.3) -> Any:
    return integer(rng, range(1, small + 1), hostile)


def seed(rng: random.Random, hostile: float = 0.2) -> Any:
    if rng.random() < hostile * HOSTILITY:
        return integer(rng, range(0), 1.0 / HOSTILITY)
    return rng.choice([0, 1, 7, 2**64 - 1, 2**63, rng.getrandbits(64), -5, -(2**63)])


def boolean(rng: random.Random, hostile: float = 0.15) -> Any:
    if rng.random() < hostile * HOSTILITY:
        return rng.choice([0, 1, None, "True", np.bool_(True), 2, 1.0])
    return rng.random() < 0.5


WEIGHT_VALUES = (0.0, 1.0, 0.5, 3.0, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, 2.0**-1074, 7.0)
BAD_WEIGHT_VALUES = (math.nan, math.inf, -math.inf, -1.0, -5e-324, 1e400, -0.0)
FLOAT_DTYPES = ("float16", "float32", "float64", "longdouble")
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool")


def weight_values(rng: random.Random, n: int) -> list[float]:
    """n weights: mostly good, sometimes all zero, sometimes one bad value."""
    values = [rng.choice(WEIGHT_VALUES) for _ in range(n)]
    roll = rng.random()
    if roll < 0.05:
        values = [0.0] * n
    elif roll < 0.15 and n:
        values[rng.randrange(n)] = rng.choice(BAD_WEIGHT_VALUES)
    elif n and not any(values):
        values[rng.randrange(n)] = 1.0
    return values


def weights(rng: random.Random, n: int, torch: Any = None) -> Any:
    """Weights in one of many containers; n may be 0."""
    values = weight_values(rng, n)
    kind = rng.randrange(30)
    if kind < 14:
        return np.array(values) if kind % 2 else values
    kind -= 8
    if kind < 6:
        return values
    if kind == 6:
        return tuple(values)
    if kind == 7:
        return iter(values)
    if kind == 8:
        return np.array(values, dtype=rng.choice(FLOAT_DTYPES))
    if kind == 9:
        return np.array([abs(int(min(v, 100))) if math.isfinite(v) else 1 for v in values], rng.choice(INT_DTYPES))
    if kind == 10:
        return np.repeat(np.array(values), 2)[::2]  # non-contiguous
    if kind == 11:
        return np.array(values[0] if values else 1.0)  # 0-d
    if kind == 12:
        return np.array(values).reshape(1, -1) if rng.random() < 0.5 else np.array(values).reshape(-1, 1)
    if kind == 13:
        return np.array(values, dtype=object)
    if kind == 14:
        return np.array(values, dtype=complex) + (1j if rng.random() < 0.5 else 0)
    if kind == 15:
        return rng.choice([[str(v) for v in values], "1.0", b"12", np.array([str(v) for v in values])])
    if kind == 16:
        return rng.choice([values[0] if values else 1.0, 3, None, object(), {1: 2}])  # not a sequence
    if kind == 17:
        return [Decimal(repr(v)) if math.isfinite(v) else v for v in values]
    if kind == 18:
        return [[v] for v in values] if rng.random() < 0.5 else [*values, [1.0]]
    if kind == 19:
        return [np.float32(v) if rng.random() < 0.5 else _np_int(rng, 1) for v in values]
    if torch is not None:
        dtype = rng.choice([torch.float16, torch.float32, torch.float64, torch.bfloat16, torch.int64, torch.complex64])
        tensor = torch.tensor(values, dtype=torch.float64).to(dtype)
        if rng.random() < 0.5 and tensor.is_floating_point():
            tensor.requires_grad_(True)
        return tensor
    return values


class Dataset:
    """A dataset whose __len__ returns ``value`` (or raises it)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __len__(self) -> Any:
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value

    def __getitem__(self, i: int) -> int:
        return i


def dataset(rng: random.Random, small: int = 40) -> tuple[Any, int | None]:
    """(dataset, its length when well-behaved, else None)."""
    roll = rng.random()
    if roll < 0.55:
        n = rng.randint(0, small)
        return (list(range(n)) if rng.random() < 0.5 else range(n)), n
    if roll < 0.65:
        n = rng.choice((2**31, 2**32, 2**62, 2**63 - 1))
        return Dataset(n), n
    if roll < 0.72:
        n = rng.randint(0, small)
        return Dataset(_np_int(rng, n)), n
    bad = rng.choice([-1, -(2**63), 2**63, 2**64, 2**100, 1.0, 3.5, "3", None, LenBoom("len"), True])
    if bad is True:
        return Dataset(True), 1
    return Dataset(bad), None


def labels(rng: random.Random, n: int) -> Any:
    kind = rng.randrange(8)
    classes = rng.randint(1, 5)
    values = [rng.randrange(classes) for _ in range(n)]
    if kind == 0:
        return np.array(values, dtype=rng.choice(["int64", "int8", "uint8"]))
    if kind == 1:
        return [chr(97 + v) for v in values]
    if kind == 2:
        return lambda i: i % classes
    if kind == 3:
        return rng.choice([[], np.zeros((2, 2)), 5, "abc", [[1], [2, 3]], None, [1.5, math.nan]])

    def boom(i: int) -> int:
        raise LenBoom("labels")

    if kind == 4:
        return boom
    return values
