"""Argument checks shared by every sampler: one message shape, one exception per kind."""

from __future__ import annotations

import operator
from collections.abc import Mapping, Set
from typing import Any, Literal, TypeAlias

import numpy as np

from .. import _core
from . import limits as _limits

PERMUTATIONS = _core.PERMUTATIONS  # the block algorithms, default first (defined in the Rust core)
WITHOUT_REPLACEMENT = _core.WITHOUT_REPLACEMENT  # weighted sampling without replacement's algorithms, default first


class ArgumentTypeError(TypeError, ValueError):
    """A wrong-typed argument. Derives from both TypeError and ValueError because torch
    raises either for the same check; existing ``except`` clauses keep working.

    Examples:
        >>> from ferrosampler import ArgumentTypeError, RandomSampler
        >>> try:
        ...     RandomSampler(range(3), replacement="yes")
        ... except ArgumentTypeError as error:
        ...     print(isinstance(error, TypeError), isinstance(error, ValueError), error)
        True True replacement should be a boolean value, but got replacement='yes'
    """


def is_integer(value: Any) -> bool:
    """int-like (operator.index works) and not a bool."""
    if isinstance(value, bool):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def integer(name: str, value: Any, message: str | None = None) -> int:
    if not is_integer(value):
        raise ArgumentTypeError(message or f"{name} must be an integer, but got {name}={value!r}")
    return operator.index(value)


def positive_integer(name: str, value: Any) -> int:
    """1 ≤ value ≤ 2**63 − 1: every count ends up as an int64 somewhere."""
    message = f"{name} should be a positive integer value, but got {name}={value!r}"
    number = integer(name, value, message)
    if number <= 0:
        raise ValueError(message)
    if number > _limits.INT64_MAX:
        raise ValueError(f"{name} must be at most 2**63 - 1, but got {name}={number}")
    return number


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ArgumentTypeError(f"{name} should be a boolean value, but got {name}={value!r}")
    return value


def seed_value(name: str, value: Any) -> int:
    """Any integer in [-2**63, 2**64), reduced mod 2**64 as torch.manual_seed does."""
    number = integer(name, value)
    if not _limits.INT64_MIN <= number < _limits.SEED_MODULUS:
        raise ValueError(f"{name} must be in [-2**63, 2**64), got {name}={number}")
    return number % _limits.SEED_MODULUS


def epoch_value(value: Any) -> int:
    number = integer("epoch", value)
    if not 0 <= number < _limits.EPOCH_LIMIT:
        raise ValueError(f"epoch must be in [0, 2**56), got epoch={number}")
    return number


def dataset_index(index: Any, n: int) -> int:
    """``index`` as an int in [0, n) (``position_of``): ValueError (ArgumentTypeError for a non-integer) naming it."""
    number = integer("index", index)
    if not 0 <= number < n:
        raise ValueError(f"index must be in [0, {n}) (the dataset's indices), got index={number}")
    return number


def sized_length(name: str, value: Any) -> int:
    """``len(value)``, with a ``__len__`` that returns a non-integer, a negative number or one of
    2**63 or more refused by a TypeError/ValueError naming ``name`` (not Python's OverflowError)."""
    try:
        return len(value)
    except TypeError as error:
        raise ArgumentTypeError(
            f"{name} must have a len() that returns an integer, got an object of type {type(value).__name__} ({error})"
        ) from None
    except OverflowError:
        raise ValueError(f"len({name}) must be at most 2**63 - 1, got a larger value") from None
    except ValueError as error:
        raise ValueError(f"len({name}) must be a non-negative integer ({error})") from None


def indexable(name: str, value: Any) -> Any:
    """``value`` if it is read by position (a sequence, an array, a tensor); a set, a mapping or anything
    without ``__getitem__`` refused by a TypeError naming ``name`` (torch fails at iteration instead:
    ``'set' object is not subscriptable``)."""
    if isinstance(value, (Set, Mapping)) or not hasattr(value, "__getitem__"):
        raise ArgumentTypeError(
            f"{name} must be a sequence read by position (a list, tuple, range, array or tensor), "
            f"got an object of type {type(value).__name__}"
        )
    return value


def arange(start: int, stop: int) -> np.ndarray:
    """``np.arange(start, stop)`` as int64, or MemoryError: numpy returns an empty array for some
    huge lengths (2**63 - 1) instead of failing."""
    length = max(0, stop - start)
    if length > _limits.ARRAY_LIMIT:
        raise MemoryError(
            f"an array of {length} indices does not fit in memory; iterate the sampler instead of epoch_indices()"
        )
    return np.arange(start, stop, dtype=np.int64)


Permutation: TypeAlias = Literal["feistel", "fisher-yates"]
"""The permutation algorithms (spec §5): Feistel (random access, the default) or Fisher–Yates (spec v1);
the names of ``PERMUTATIONS`` (a test checks)."""


def algorithm_value(value: Any) -> str:
    """``algorithm=`` of the samplers that draw by weight without replacement (spec §8)."""
    if not isinstance(value, str) or value not in WITHOUT_REPLACEMENT:
        names = ", ".join(repr(name) for name in WITHOUT_REPLACEMENT)
        raise ValueError(f"algorithm must be one of {names}, got algorithm={value!r}")
    return value


def permutation_value(value: Any) -> str:
    if not isinstance(value, str) or value not in PERMUTATIONS:
        names = ", ".join(repr(name) for name in PERMUTATIONS)
        raise ValueError(f"permutation must be one of {names}, got permutation={value!r}")
    return value
