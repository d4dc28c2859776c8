"""MindSpore's RandomSampler: a permutation prefix (spec §5) or uniform draws with replacement (spec §4)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .._inputs.checks import Permutation, permutation_value
from .._protocol.provenance import Position, block_positions, not_locatable
from ._chain import _ChainedSampler
from ._checks import boolean, capped, num_samples_value
from ._compat import Shuffle


class RandomSampler(_ChainedSampler, mindspore="RandomSampler"):
    """MindSpore's RandomSampler: the first k = min(num_samples or N, N) of a permutation of the
    N rows (spec §5), or k uniform draws with replacement (spec §4); MindSpore caps num_samples
    at N in both modes. Resume seeks in O(1), except inside a Fisher–Yates block, whose prefix
    the engine recomputes itself.

    Args:
        replacement: Draw with replacement instead of permuting.
        num_samples: Row ids per epoch (None or 0: all N).
        shuffle: Only ``Shuffle.GLOBAL`` is supported (as in MindSpore for this sampler).
        seed: A fixed seed; default: MindSpore's config seed, or a fresh one (see the module docs).
        dataset_size: The row count when used outside a MindSpore pipeline.
        permutation: ``"feistel"`` (default) or ``"fisher-yates"`` (spec v1).

    Raises:
        TypeError: A wrong-typed argument or an unknown shuffle mode.
        RuntimeError: A shuffle mode other than GLOBAL.
        ValueError: ``num_samples`` or ``dataset_size`` out of range, or an unknown permutation.

    Examples:
        >>> from ferrosampler.mindspore import RandomSampler
        >>> sampler = RandomSampler(seed=1, dataset_size=10)
        >>> len(sampler), sorted(sampler) == list(range(10))
        (10, True)
        >>> import ferrosampler.reference.mindspore as reference
        >>> list(RandomSampler(num_samples=4, seed=1, dataset_size=10)) == list(
        ...     reference.RandomSampler(num_samples=4, seed=1, dataset_size=10))
        True
    """

    _repr_names = ("replacement", "num_samples", "permutation")

    def __init__(
        self,
        replacement: bool = False,
        num_samples: int | None = None,
        shuffle: Any = Shuffle.GLOBAL,
        *,
        seed: int | None = None,
        dataset_size: int | None = None,
        permutation: Permutation = "feistel",
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

    @classmethod
    def _from_mindspore(cls, sampler: Any) -> RandomSampler:
        converted = cls(sampler.replacement, sampler.num_samples, sampler.shuffle)
        converted.reshuffle_each_epoch = sampler.reshuffle_each_epoch  # False after MindSpore's Dataset.split
        return converted

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

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> Any:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, first, count, stride=stride)
        return self._engine.permutation_stream(
            seed, self._engine.MAIN, epoch, n, first, count, permutation=self.permutation, stride=stride
        )

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        if self.replacement:
            raise not_locatable(self, "with replacement=True every index is an independent uniform draw")

        def places(value: int, n: int, epoch: int) -> Iterator[Position]:
            # The first k of one permutation block of n (k <= n): one place at most, by the block's inverse.
            seed, fixed = self._seed_and_fixed()
            stream, k = self._stream_epoch(epoch, fixed), self._length(n)
            for position in block_positions(self._engine, seed, stream, n, k, [value], self.permutation):
                yield Position(epoch, position)

        return places

    def _order_parameters(self) -> tuple[Any, ...]:
        permutation = None if self.replacement else self.permutation
        return self.num_samples, self.replacement, self.reshuffle_each_epoch, permutation

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (``Shuffle.GLOBAL`` here).

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> RandomSampler().get_shuffle_mode().name
            'GLOBAL'
        """
        return self.shuffle
