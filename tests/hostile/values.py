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


class Targets:
    """A torchvision-like dataset: labels in ``.targets``."""

    def __init__(self, targets: Any) -> None:
        self.targets = targets

    def __len__(self) -> int:
        return len(self.targets)


class Imgs:
    """An ImageFolder-like dataset: ``.imgs`` is a list of (path, class)."""

    def __init__(self, imgs: Any) -> None:
        self.imgs = imgs


class Subset:
    """torch.utils.data.Subset's shape: ``.dataset`` and ``.indices``."""

    def __init__(self, dataset: Any, indices: Any) -> None:
        self.dataset, self.indices = dataset, indices

    def __len__(self) -> int:
        return len(self.indices)


def class_values(rng: random.Random, n: int, classes: int) -> list[int]:
    """n labels over ``classes`` classes, every class present when n allows it."""
    values = [i % classes for i in range(min(n, classes))] + [rng.randrange(classes) for _ in range(n - classes)]
    rng.shuffle(values)
    return values


def toolkit_labels(rng: random.Random, torch: Any = None) -> tuple[Any, dict[str, Any], list[Any] | None]:
    """(labels, extra kwargs such as num_rows, the plain per-row labels when the source is valid else None).

    Valid sources (a list, tuple, numpy array of many dtypes, tensor, strings, floats, bools, a dataset with
    .targets / .imgs, a Subset, a function with num_rows) and hostile ones (empty, unhashable, NaN, mixed
    kinds, 2-D, callables that raise or return junk, huge class counts)."""
    n = rng.randint(1, 40)
    classes = rng.randint(1, min(n, 8))
    values = class_values(rng, n, classes)
    kind = rng.randrange(15) if rng.random() < 0.75 else rng.randrange(15, 24)
    if kind < 5:
        return (values if kind % 2 else tuple(values)), {}, values
    if kind == 5:
        dtype = rng.choice(["int8", "uint8", "int16", "int32", "int64", "uint64", "float32", "float64", "float16"])
        return np.array(values, dtype=dtype), {}, values
    if kind == 6 and torch is not None:
        dtype = rng.choice([torch.int64, torch.int32, torch.uint8, torch.float32, torch.float64, torch.int16])
        return torch.tensor(values, dtype=dtype), {}, values
    if kind == 7:
        names = [f"c{v:02d}" for v in values]
        return (names if rng.random() < 0.5 else np.array(names)), {}, names
    if kind == 8:
        floats = [v / 2 for v in values]
        return floats, {}, floats
    if kind == 9 and classes <= 2:
        bools = [bool(v) for v in values]
        return bools, {}, bools
    if kind == 10:
        return Targets(values if rng.random() < 0.5 else np.array(values)), {}, values
    if kind == 11:
        return Imgs([(f"/img/{i}.png", v) for i, v in enumerate(values)]), {}, values
    if kind == 12:
        picked = sorted(rng.sample(range(n), rng.randint(1, n)))
        return Subset(Targets(values), picked), {}, [values[i] for i in picked]
    if kind == 13:
        return (lambda i: values[i]), {"num_rows": n}, values
    if kind == 14:  # many classes: one row each (at most a few thousand)
        big = rng.choice([n, 300, 2000])
        return list(range(big)), {}, list(range(big))
    # -- hostile from here
    if kind == 15:
        return rng.choice([[], (), np.array([], dtype=np.int64), Targets([])]), {}, None
    if kind == 16:
        return [[v] for v in values] if rng.random() < 0.5 else [{v: 1} for v in values], {}, None
    if kind == 17:
        bad = [float(v) for v in values]
        bad[rng.randrange(n)] = math.nan
        return (bad if rng.random() < 0.5 else np.array(bad)), {}, None
    if kind == 18:
        mixed: list[Any] = [*values, 0]  # one number stays, whatever is replaced
        mixed[rng.randrange(n)] = rng.choice(["a", True, None, b"x", 1 + 2j, object()])
        return mixed, {}, None
    if kind == 19:
        return rng.choice([np.zeros((2, 3)), np.ones((n, 1)), 5, "abc", b"ab", None, 3.5, object()]), {}, None

    def boom(i: int) -> Any:
        raise LenBoom("labels")

    if kind == 20:
        return boom, {"num_rows": n}, None
    if kind == 21:
        junk = rng.choice([None, [1], {}, math.nan, object()])
        return (lambda i: junk), {"num_rows": n}, None
    if kind == 22:
        return (lambda i: i % 3), rng.choice([{}, {"num_rows": -1}, {"num_rows": 2.5}, {"num_rows": True}]), None
    dtype = rng.choice(["complex128", "object", "datetime64[s]", "S3"])
    return np.array(values, dtype=dtype), {}, (values if dtype == "object" else None)
