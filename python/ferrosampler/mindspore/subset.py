"""MindSpore's SubsetSampler (the given ids in order) and SubsetRandomSampler (them permuted, spec §5)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import permutation_value
from .._iteration import int64
from .._state import fingerprint
from ._chain import _ChainedSampler
from ._checks import num_samples_value, within_int64
from ._compat import Shuffle


class SubsetSampler(_ChainedSampler):
    """The given ids in the given order, duplicates kept, truncated to num_samples at init."""

    def __init__(
        self, indices: Any, num_samples: int | None = None, *, seed: Any = None, dataset_size: Any = None
    ) -> None:
        num_samples = num_samples_value(num_samples)
        self.indices = _subset_indices(type(self).__name__, indices, num_samples)
        self._ids = np.array([int(i) for i in self.indices], dtype=np.int64)
        self._ids_fingerprint = fingerprint(self._ids)  # once: the ids are fixed at init
        super().__init__(num_samples, seed, dataset_size)

    def _own_num_samples(self) -> int | None:
        if self.num_samples is None:
            return len(self.indices)
        return min(len(self.indices), self.num_samples)

    def _length(self, n: int) -> int:
        out_of_bound = (self._ids < 0) | (self._ids >= n)
        if out_of_bound.any():
            bad = self._ids[np.argmax(out_of_bound)]
            raise RuntimeError(f"Sample ID ({bad}) is out of bound, expected range [0, {n - 1}]")
        return len(self._ids)

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> np.ndarray:
        return self._ids[start:]

    def _order_parameters(self) -> tuple[Any, ...]:
        return (self._ids_fingerprint,)

    def _shuffles_itself(self) -> bool:
        return False

    def get_shuffle_mode(self) -> Any:
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


class SubsetRandomSampler(SubsetSampler):
    """A uniform permutation of the (truncated) ids each epoch: all of them, duplicates kept.
    ``permutation=`` "feistel" (default) or "fisher-yates" (spec v1); resume seeks in O(1) with
    Feistel, the engine recomputes the prefix with Fisher–Yates."""

    def __init__(
        self,
        indices: Any,
        num_samples: int | None = None,
        *,
        seed: Any = None,
        dataset_size: Any = None,
        permutation: str = "feistel",
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

    def _order_parameters(self) -> tuple[Any, ...]:
        return self._ids_fingerprint, self.permutation

    def _shuffles_itself(self) -> bool:
        return True

    def get_shuffle_mode(self) -> Any:
        return Shuffle.GLOBAL
