"""MindSpore's RandomSampler: a permutation prefix (spec §5) or uniform draws with replacement (spec §4)."""

from __future__ import annotations

from typing import Any

from ._chain import _ChainedSampler
from ._checks import boolean, capped, num_samples_value
from ._compat import Shuffle


class RandomSampler(_ChainedSampler):
    """The first k = min(num_samples or N, N) of a permutation (spec §5), or k uniform draws
    with replacement (spec §4): MindSpore caps num_samples at N in both modes."""

    def __init__(
        self,
        replacement: bool = False,
        num_samples: int | None = None,
        shuffle: Any = Shuffle.GLOBAL,
        *,
        seed: Any = None,
        dataset_size: Any = None,
    ) -> None:
        self.replacement = boolean("replacement", replacement)
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

    def _positions(self, seed: int, epoch: int, n: int, k: int) -> Any:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, 0, k)
        return self._engine.permutation_stream(seed, self._engine.MAIN, epoch, n, 0, k)

    def get_shuffle_mode(self) -> Any:
        return self.shuffle
