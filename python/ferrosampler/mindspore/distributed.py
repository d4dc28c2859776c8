"""MindSpore's DistributedSampler: one shard of a permutation shared by all shards (spec §6)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .._inputs.checks import Permutation, permutation_value
from .._protocol.provenance import Position, sharded
from ._chain import _ChainedSampler
from ._checks import capped, integer, num_samples_value
from ._compat import Shuffle, config_seed
from ._seeds import MINDSPORE_DEFAULT_SEED


class DistributedSampler(_ChainedSampler, mindspore="DistributedSampler"):
    """Shard ``shard_id`` of ``num_shards`` over one permutation shared by all shards.

    offset −1: positions D·c + k (mod N) for c < ceil(N/D), padding wraps to the start.
    offset ≥ 0: rows j with (j + offset) mod D == k, no padding; an empty shard emits [0].
    Both capped per shard by num_samples. Key: ``seed=``, else the config seed + 1 captured
    here (MindSpore's rule), so every shard shares the permutation without any seed set.
    Resume seeks in O(1) with Feistel (only this shard's positions are computed); the engine
    recomputes the prefix with Fisher–Yates.

    Args:
        num_shards: The number of shards D, at least 1.
        shard_id: This shard k, in [0, D).
        shuffle: True/``Shuffle.GLOBAL`` (permute) or False/``Shuffle.FALSE`` (row order).
        num_samples: Row ids per shard and epoch (None or 0: the whole shard).
        offset: -1 (padded, strided shards) or the rotation in [0, D] of MindSpore's offset mode.
        seed: A fixed seed; default: MindSpore's config seed + 1, captured here.
        dataset_size: The row count when used outside a MindSpore pipeline.
        permutation: ``"feistel"`` (default) or ``"fisher-yates"`` (spec v1).

    Raises:
        TypeError: A wrong-typed argument or shuffle mode.
        RuntimeError: ``num_shards`` < 1, ``shard_id`` out of range, ``offset`` > ``num_shards``,
            or an unsupported shuffle mode.
        ValueError: ``offset`` < -1, ``num_samples`` out of range, or an unknown permutation.

    Examples:
        >>> from ferrosampler.mindspore import DistributedSampler
        >>> shards = [list(DistributedSampler(3, k, seed=5, dataset_size=10)) for k in range(3)]
        >>> [len(shard) for shard in shards], sorted(set().union(*shards)) == list(range(10))
        ([4, 4, 4], True)

        Any shard tells where every shard serves a row (``position_of``, docs/provenance.md):

        >>> place = DistributedSampler(3, 0, seed=5, dataset_size=10).position_of(7, epoch=2)
        >>> int(DistributedSampler(3, place.rank, seed=5, dataset_size=10).epoch_indices(2)[place.position])
        7
    """

    _repr_names = ("num_shards", "shard_id", "shuffle", "num_samples", "offset", "permutation")

    def __init__(
        self,
        num_shards: int,
        shard_id: int,
        shuffle: bool | Shuffle = True,
        num_samples: int | None = None,
        offset: int = -1,
        *,
        seed: int | None = None,
        dataset_size: int | None = None,
        permutation: Permutation = "feistel",
    ) -> None:
        self.permutation = permutation_value(permutation)
        self.num_shards = integer("num_shards", num_shards)
        self.shard_id = integer("shard_id", shard_id)
        if not isinstance(shuffle, bool) and shuffle not in tuple(Shuffle):
            raise TypeError(f"shuffle must be a boolean value or valid shuffle mode but was: {shuffle!s}.")
        num_samples = num_samples_value(num_samples)
        offset = integer("offset", offset)
        if isinstance(shuffle, bool):
            shuffle = Shuffle.GLOBAL if shuffle else Shuffle.FALSE
        if shuffle not in (Shuffle.FALSE, Shuffle.GLOBAL):
            raise RuntimeError(f"The shuffle mode: {shuffle!s} is not supported with current dataset.")
        if self.num_shards <= 0:
            raise RuntimeError(f"DistributedSampler: num_shards must be greater than 0, but got: {self.num_shards}")
        if not 0 <= self.shard_id < self.num_shards:
            raise RuntimeError(
                f"DistributedSampler: shard_id must be in range [0, {self.num_shards}), but got: {self.shard_id}"
            )
        self.shuffle = shuffle
        self.offset = _checked_offset(offset, self.num_shards)
        config = config_seed()
        self.seed = config if config is not None else MINDSPORE_DEFAULT_SEED
        super().__init__(num_samples, seed, dataset_size)
        # MindSpore hands config seed + 1 to C++ (quirk 4): fixed, so shards agree.
        self._seed = (self._explicit_seed, True) if self._explicit_seed is not None else (self.seed + 1, True)

    @classmethod
    def _from_mindspore(cls, sampler: Any) -> DistributedSampler:
        # The engine seed MindSpore's would use: the config seed it captured at construction, + 1.
        shuffle, num_samples, seed = sampler.shuffle, sampler.num_samples, sampler.seed + 1
        converted = cls(sampler.num_shards, sampler.shard_id, shuffle, num_samples, sampler.offset, seed=seed)
        converted.seed = sampler.seed
        return converted

    def set_offset(self, offset: int) -> DistributedSampler:
        """Set MindSpore's offset (as ``offset=``); returns the sampler, as MindSpore does.

        Args:
            offset: -1, or in [0, num_shards].

        Returns:
            This sampler.

        Raises:
            TypeError: ``offset`` is not an int.
            RuntimeError: ``offset`` > ``num_shards``.
            ValueError: ``offset`` < -1.

        Examples:
            >>> from ferrosampler.mindspore import DistributedSampler
            >>> sampler = DistributedSampler(2, 0, seed=1, dataset_size=10)
            >>> sampler.set_offset(0) is sampler, sampler.offset
            (True, 0)
        """
        self.offset = _checked_offset(integer("offset", offset), self.num_shards)
        return self

    def _first_row_and_count(self, n: int, shard: int | None = None) -> tuple[int, int]:
        """First position read by shard ``shard`` (default this one) and how many positions it owns (before the
        cap)."""
        shard = self.shard_id if shard is None else shard
        if self.offset == -1:
            return shard, -(-n // self.num_shards)
        first = (shard - self.offset) % self.num_shards
        return first, max(0, -(-(n - first) // self.num_shards))

    def _length(self, n: int) -> int:
        return self._length_on(n, None)

    def _length_on(self, n: int, rank: int | None) -> int:
        owned = capped(self.num_samples, self._first_row_and_count(n, rank)[1])
        return owned or 1  # an empty offset shard emits the dummy [0] (quirk 1)

    def _shard_count(self) -> int:
        return self.num_shards

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        def places(value: int, n: int, epoch: int) -> Iterator[Position]:
            # Row q of the epoch's order (q = π⁻¹(value), or value unshuffled) is global position q (and, padded,
            # q + t·n) of shard q mod D at q div D (offset -1); with offset o ≥ 0 shard (q + o) mod D reads it at
            # q div D. An empty offset shard's dummy [0] serves row 0.
            q = value
            if self.shuffle == Shuffle.GLOBAL:
                seed, fixed = self._seed_and_fixed()
                engine, stream = self._engine, self._stream_epoch(epoch, fixed)
                q = int(engine.inverse_permutation(seed, engine.MAIN, stream, n, 0, [value], self.permutation)[0])
            if self.offset == -1:
                total = self._length_on(n, None) * self.num_shards
                yield from sharded([Position(epoch, q)], n, self.num_shards, total, self.shard_id, world)
                return
            ranks = range(self.num_shards) if world else (self.shard_id,)
            rank = (q + self.offset) % self.num_shards
            if (
                rank in ranks
                and self._first_row_and_count(n, rank)[1]
                and q // self.num_shards < self._length_on(n, rank)
            ):
                yield Position(epoch, q // self.num_shards, rank=rank)
            if value == 0:
                yield from (Position(epoch, 0, rank=r) for r in ranks if not self._first_row_and_count(n, r)[1])

        return places

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> Any:
        first, owned = self._first_row_and_count(n)
        if owned == 0:
            return [0][start:]
        shuffled = self.shuffle == Shuffle.GLOBAL
        # Position c reads (first + c·D) mod n, so the rest starts at (first + start·D) mod n.
        resumed_first = (first + start * self.num_shards) % n
        return self._engine.strided_permutation(
            seed, epoch, n, shuffled, resumed_first, self.num_shards, k - start, permutation=self.permutation
        )

    def _affine(self, n: int, k: int) -> tuple[int, int] | None:
        first, owned = self._first_row_and_count(n)
        if owned == 0:
            return 0, 0  # the dummy [0]
        return None if self.shuffle == Shuffle.GLOBAL else (first, self.num_shards)

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> Any:
        # Position c reads (row + c·D) mod n: positions first + j·stride read (row + first·D) + j·stride·D.
        row = self._first_row_and_count(n)[0]
        offset, step = (row + first * self.num_shards) % n, (stride * self.num_shards) % n
        return self._engine.strided_permutation(seed, epoch, n, True, offset, step, count, permutation=self.permutation)

    def _order_parameters(self) -> tuple[Any, ...]:
        permutation = self.permutation if self.shuffle == Shuffle.GLOBAL else None
        return self.num_shards, self.shard_id, str(self.shuffle), self.num_samples, self.offset, permutation

    def _shuffles_itself(self) -> bool:
        return self.shuffle != Shuffle.FALSE

    def is_sharded(self) -> bool:
        """True for more than one shard (or when the chain's bottom sampler is sharded).

        Examples:
            >>> from ferrosampler.mindspore import DistributedSampler
            >>> DistributedSampler(2, 0).is_sharded(), DistributedSampler(1, 0).is_sharded()
            (True, False)
        """
        return self._child.is_sharded() if self._child is not None else self.num_shards > 1

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (``Shuffle.FALSE`` here).

        Examples:
            >>> from ferrosampler.mindspore import DistributedSampler
            >>> DistributedSampler(2, 0, shuffle=False).get_shuffle_mode().name
            'FALSE'
        """
        return self.shuffle


def _checked_offset(offset: int, num_shards: int) -> int:
    if offset > num_shards:
        raise RuntimeError(
            f"DistributedSampler: offset must be no more than num_shards({num_shards}), but got: {offset}"
        )
    if offset < -1:
        raise ValueError(f"DistributedSampler: offset must be -1 or in [0, num_shards], but got: {offset}")
    return offset
