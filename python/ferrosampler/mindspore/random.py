"""MindSpore's RandomSampler: a permutation prefix (spec §5) or uniform draws with replacement (spec §4)."""

from __future__ import annotations

from typing import Any

from .._checks import permutation_value
from ._chain import _ChainedSampler
from ._checks import boolean, capped, num_samples_value
from ._compat import Shuffle


class RandomSampler(_ChainedSampler):
    """The first k = min(num_samples or N, N) of a permutation (spec §5), or k uniform draws
    with replacement (spec §4): MindSpore caps num_samples at N in both modes. ``permutation=``
    "feistel" (default) or "fisher-yates" (spec v1). Resume seeks in O(1), except inside a
    Fisher–Yates block, whose prefix the engine recomputes itself."""

    def __init__(
        self,
        replacement: bool = False,
        num_samples: int | None = None,
        shuffle: Any = Shuffle.GLOBAL,
        *,
        seed: Any = None,
        dataset_size: Any = None,
        permutation: str = "feistel",
    ) -> None:
        self.replacement = boolean("replacement", replacement)
        self.permutation = permutation_value(permutation)
        num_samples = num_samples_value(num_samples)
        if shuffle not in (Shuffle.ADAPTIVE, Shuffle.GLOBAL, Shuffle.PARTIAL, Shuffle.FILES, Shuffle.INFILE):
            raise TypeError(f"shuffle must be valid shuffle mode but was: {shuffle!s}.")
        if shuffle is not Shuffle.GLOBAL:
            raise RuntimeError(f"The shuffle mode: {shuffle!s} is not supported with current dataset.")
        self.shuffle = shuffle
        self.deterministic = False
        self.reshuffle_each_epoch = True
        super().__init__(num_samples, seed, dataset_size)

    def _stream_epoch(self, epoch: int, seed_fixed: bool) -> int:
        return epoch if self.reshuffle_each_epoch else 0

    def _length(self, n: int) -> int:
        return capped(self.num_samples, n)

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> Any:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, start, k - start)
        return self._engine.permutation_stream(
            seed, self._engine.MAIN, epoch, n, start, k - start, permutation=self.permutation
        )

    def _order_parameters(self) -> tuple[Any, ...]:
        permutation = None if self.replacement else self.permutation
        return self.num_samples, self.replacement, self.reshuffle_each_epoch, permutation

    def get_shuffle_mode(self) -> Any:
        return self.shuffle
