"""MindSpore's SubsetSampler (the given ids in order) and SubsetRandomSampler (them permuted, spec §5)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from .._inputs.checks import Permutation, permutation_value
from .._protocol.iteration import int64
from .._protocol.provenance import Position, ValueSlots, block_positions
from .._protocol.state import fingerprint
from ._chain import _ChainedSampler
from ._checks import num_samples_value, within_int64
from ._compat import Shuffle


class SubsetSampler(_ChainedSampler, mindspore="SubsetSampler"):
    """MindSpore's SubsetSampler: the given row ids in the given order, duplicates kept,
    truncated to ``num_samples`` at construction; nothing is drawn.

    Args:
        indices: The row ids (an iterable of ints, or one int).
        num_samples: Keep only the first ``num_samples`` ids (None or 0: all).
        seed: Accepted like every sampler of this module; unused.
        dataset_size: The row count when used outside a MindSpore pipeline.

    Raises:
        TypeError: ``indices`` is not an iterable of ints.
        ValueError: ``indices`` is empty, or an id does not fit int64.
        RuntimeError: An id is outside [0, dataset size).

    Examples:
        >>> from ferrosampler.mindspore import SubsetSampler
        >>> list(SubsetSampler([4, 1, 1, 7], dataset_size=10))
        [4, 1, 1, 7]
        >>> list(SubsetSampler([4, 1, 1, 7], num_samples=2, dataset_size=10))
        [4, 1]
    """

    _repr_names: tuple[str, ...] = ("indices", "num_samples")

    def __init__(
        self,
        indices: Iterable[int] | int,
        num_samples: int | None = None,
        *,
        seed: int | None = None,
        dataset_size: int | None = None,
    ) -> None:
        num_samples = num_samples_value(num_samples)
        self.indices = _subset_indices(type(self).__name__, indices, num_samples)
        self._ids = np.array([int(i) for i in self.indices], dtype=np.int64)
        self._ids_fingerprint = fingerprint(self._ids)  # once: the ids are fixed at init
        self._id_range = int(self._ids.min()), int(self._ids.max())  # the bounds check in O(1)
        super().__init__(num_samples, seed, dataset_size)

    @classmethod
    def _from_mindspore(cls, sampler: Any) -> SubsetSampler:
        return cls(sampler.indices, sampler.num_samples)

    def _own_num_samples(self) -> int | None:
        if self.num_samples is None:
            return len(self.indices)
        return min(len(self.indices), self.num_samples)

    def _length(self, n: int) -> int:
        low, high = self._id_range
        if low < 0 or high >= n:
            out_of_bound = (self._ids < 0) | (self._ids >= n)
            bad = self._ids[np.argmax(out_of_bound)]
            raise RuntimeError(f"Sample ID ({bad}) is out of bound, expected range [0, {n - 1}]")
        return len(self._ids)

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> np.ndarray:
        return self._ids[start:]

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> np.ndarray:
        return self._ids[first : first + count * stride : stride]

    def _order_parameters(self) -> tuple[Any, ...]:
        return (self._ids_fingerprint,)

    _slots: ValueSlots | None = None

    def _slots_of(self, value: int) -> list[int]:
        """The j with ids[j] == value, ascending: the ids sorted once, at the first question, then a binary search."""
        if self._slots is None:
            self._slots = ValueSlots(self._ids)
        return self._slots.of(value)

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        def places(value: int, n: int, epoch: int) -> Iterator[Position]:
            # Position p holds ids[p]: every copy of the value, in order.
            self._length(n)  # the ids checked against the rows, as an epoch checks them
            for position in self._slots_of(value):
                yield Position(epoch, position)

        return places

    def _shuffles_itself(self) -> bool:
        return False

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (``Shuffle.FALSE`` here).

        Examples:
            >>> from ferrosampler.mindspore import SubsetSampler
            >>> SubsetSampler([0]).get_shuffle_mode().name
            'FALSE'
        """
        return Shuffle.FALSE


def _subset_indices(sampler_name: str, indices: Any, num_samples: int | None) -> list[Any]:
    if isinstance(indices, int):
        indices = [indices]
    elif isinstance(indices, str) or not _is_iterable(indices):
        raise TypeError(f"Unsupported sampler object of type ({type(indices)})")
    listed = list(indices) if not num_samples else [i for i, _ in zip(indices, range(num_samples), strict=False)]
    for position, item in enumerate(listed):
        if not isinstance(item, (int, np.integer)):
            raise TypeError(
                "SubsetSampler: Type of indices element must be int, "
                f"but got list[{position}]: {item}, type: {type(item)}."
            )
        within_int64(f"indices[{position}]", int(item))
    if not listed:
        raise ValueError(f"{sampler_name}: indices must not be empty (MindSpore crashes on an empty subset)")
    return listed


def _is_iterable(obj: Any) -> bool:
    try:
        iter(obj)
    except TypeError:
        return False
    return True


class SubsetRandomSampler(SubsetSampler, mindspore="SubsetRandomSampler"):
    """MindSpore's SubsetRandomSampler: a uniform permutation of the (truncated) ids each epoch,
    all of them, duplicates kept (spec §5). Resume seeks in O(1) with Feistel; the engine
    recomputes the prefix with Fisher–Yates.

    Args:
        indices: The row ids (an iterable of ints, or one int).
        num_samples: Keep only the first ``num_samples`` ids (None or 0: all).
        seed: A fixed seed; default: MindSpore's config seed, or a fresh one.
        dataset_size: The row count when used outside a MindSpore pipeline.
        permutation: ``"feistel"`` (default) or ``"fisher-yates"`` (spec v1).

    Raises:
        TypeError: ``indices`` is not an iterable of ints.
        ValueError: ``indices`` is empty, an id does not fit int64, or an unknown permutation.
        RuntimeError: An id is outside [0, dataset size).

    Examples:
        >>> from ferrosampler.mindspore import SubsetRandomSampler
        >>> sampler = SubsetRandomSampler([4, 1, 7], seed=2, dataset_size=10)
        >>> len(sampler), sorted(sampler)
        (3, [1, 4, 7])
    """

    _repr_names = ("indices", "num_samples", "permutation")

    def __init__(
        self,
        indices: Iterable[int] | int,
        num_samples: int | None = None,
        *,
        seed: int | None = None,
        dataset_size: int | None = None,
        permutation: Permutation = "feistel",
    ) -> None:
        self.permutation = permutation_value(permutation)
        super().__init__(indices, num_samples, seed=seed, dataset_size=dataset_size)

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> np.ndarray:
        order = int64(
            self._engine.permutation_stream(
                seed, self._engine.MAIN, epoch, k, start, k - start, permutation=self.permutation
            )
        )
        return self._ids[order]

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> np.ndarray:
        order = self._engine.permutation_stream(
            seed, self._engine.MAIN, epoch, k, first, count, permutation=self.permutation, stride=stride
        )
        return self._ids[int64(order)]

    def _order_parameters(self) -> tuple[Any, ...]:
        return self._ids_fingerprint, self.permutation

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        def places(value: int, n: int, epoch: int) -> Iterator[Position]:
            # Position p holds ids[π(p)]: each copy j of the value at π⁻¹(j), one permutation block of k (spec §25.3).
            seed, fixed = self._seed_and_fixed()
            k, slots = self._length(n), self._slots_of(value)
            if slots:
                stream = self._stream_epoch(epoch, fixed)
                for position in block_positions(self._engine, seed, stream, k, k, slots, self.permutation):
                    yield Position(epoch, position)

        return places

    def _shuffles_itself(self) -> bool:
        return True

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (``Shuffle.GLOBAL`` here).

        Examples:
            >>> from ferrosampler.mindspore import SubsetRandomSampler
            >>> SubsetRandomSampler([0]).get_shuffle_mode().name
            'GLOBAL'
        """
        return Shuffle.GLOBAL
