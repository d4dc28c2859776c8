"""torch's DistributedSampler: each rank's strided share of one permutation (spec §6), resumable (spec §14)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import _core
from .._inputs import limits as _limits
from .._inputs.checks import PERMUTATIONS, boolean, integer, permutation_value, sized_length
from .._inputs.world import even_value, world
from .._protocol.epoch import Epoch, Seeked
from .._protocol.iteration import CHUNK, flatten, int64
from .._protocol.progress import own_count
from .._protocol.sharded import _ShardedResume
from .._protocol.torch_compat import DistributedSamplerBase

FISHER_YATES = "fisher-yates"


class DistributedSampler(_ShardedResume, DistributedSamplerBase):
    """torch's DistributedSampler: one permutation shared by all ranks, keyed by
    (seed + epoch) mod 2**64; rank r reads positions r, r + W, … (spec §6). Only the
    rank's own share is computed: with ``permutation="feistel"`` in chunks, O(1) per index
    and O(chunk) memory; Fisher–Yates (spec v1 output) needs the permutation's prefix, so its
    share comes from one engine call. ``state_dict()`` resumes exactly, on any world size
    (spec §14). A torch.utils.data.DistributedSampler subclass when torch is installed,
    so trainers leave it in place and call ``set_epoch``.

    ``even=False`` (evaluation) gives every index of the epoch to exactly one rank: rank r reads
    positions r, r + W, … below n, so the first n mod W ranks get one index more, nothing is padded
    and nothing dropped (``drop_last=True`` is refused with it); states resume on any world size alike.

    Examples:
        >>> import ferrosampler
        >>> make = ferrosampler.DistributedSampler
        >>> shares = [list(make(range(10), num_replicas=4, rank=r, seed=3)) for r in range(4)]
        >>> [len(share) for share in shares], sorted(set(sum(shares, []))) == list(range(10))
        ([3, 3, 3, 3], True)
        >>> sampler = ferrosampler.DistributedSampler(range(10), num_replicas=2, rank=0, seed=3)
        >>> iterator = iter(sampler)
        >>> first = [next(iterator), next(iterator)]
        >>> resumed = ferrosampler.DistributedSampler(range(10), num_replicas=2, rank=0, seed=3)
        >>> resumed.load_state_dict(sampler.state_dict())
        >>> resumed.set_epoch(0)
        >>> first + list(resumed) == list(make(range(10), num_replicas=2, rank=0, seed=3))
        True

        Every index exactly once, ranks of unequal length:

        >>> uneven = [list(make(range(10), num_replicas=4, rank=r, seed=3, even=False)) for r in range(4)]
        >>> [len(share) for share in uneven], sorted(sum(uneven, [])) == list(range(10))
        ([3, 3, 2, 2], True)
    """

    _engine: Any = _core
    _kind = "DistributedSampler"

    def __init__(
        self,
        dataset: Any,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
        *,
        permutation: str | None = None,
        even: bool = True,
    ) -> None:
        # torch's __init__ is not called: it would ask for a process group we may not need.
        self.num_replicas, self.rank = world(num_replicas, rank, required=True)
        self.shuffle = boolean("shuffle", shuffle)
        self.seed = integer("seed", seed)
        self.drop_last = boolean("drop_last", drop_last)
        self.even = even_value(even, self.drop_last)
        self.permutation = permutation_value(PERMUTATIONS[0] if permutation is None else permutation)
        self.dataset = dataset
        self.epoch = 0
        self._dataset_length = sized_length("dataset", dataset)
        n, w = self._dataset_length, self.num_replicas
        if self.even:
            self.num_samples = n // w if self.drop_last else (n + w - 1) // w
            self.total_size = self.num_samples * w
        else:  # each rank its own positions rank, rank + W, … < n: the first n mod W ranks have one more
            self.num_samples, self.total_size = own_count(n, w, self.rank), n
        self._start_resume()

    def _order_fields(self) -> dict[str, Any]:
        return {"n": self._dataset_length, "seed": self.seed, "shuffle": self.shuffle, "permutation": self.permutation}

    def set_epoch(self, epoch: int) -> None:
        # Any integer, as torch: the key is (seed + epoch) mod 2**64, so no counter and no lock.
        self.epoch = integer("epoch", epoch)
        self._drop_stale_resume(self.epoch)

    def __len__(self) -> int:
        return self.num_samples

    def _length(self) -> int:
        n = len(self.dataset)
        if n != self._dataset_length:
            raise ValueError(
                f"len(dataset) changed from {self._dataset_length} at construction to {n}; "
                "build a new DistributedSampler for the new dataset"
            )
        return n

    def _key(self, epoch: int) -> int:
        return (self.seed + epoch) % _limits.SEED_MODULUS

    def _read(self, key: int, n: int, first: int, count: int) -> np.ndarray:
        """Positions first, first + W, … (count of them) of the epoch's permutation, padding read mod n."""
        return int64(
            self._engine.strided_permutation(
                key, 0, n, self.shuffle, first, self.num_replicas, count, permutation=self.permutation
            )
        )

    def _seek_share(self, key: int, n: int, first: int, stride: int, count: int) -> np.ndarray:
        """Positions first, first + stride, … (count of them) of this rank's share, one strided read: share
        position c is π((rank + c·W) mod n) (DistributedSamplerWrapper, spec §15)."""
        w = self.num_replicas
        offset, step = (self.rank + first * w) % n, (stride * w) % n
        return int64(
            self._engine.strided_permutation(key, 0, n, self.shuffle, offset, step, count, permutation=self.permutation)
        )

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        # Its epoch is this rank's share of epoch self.epoch; nothing steps (set_epoch only).
        return self._share(self.epoch, None)

    def _epoch_at(self, epoch: int) -> Epoch:
        # set_epoch(epoch)'s share without setting it; the seed is fixed (torch's rule): nothing is drawn.
        return self._share(integer("epoch", epoch), self.seed % _limits.SEED_MODULUS)

    def _share(self, number: int, seed: int | None) -> Epoch:
        """This rank's share of epoch ``number``: position c is π((rank + c·W) mod n)."""
        n = self._length()
        key = self._key(number)

        def fetch(first: int, stride: int, count: int) -> Any:
            return self._seek_share(key, n, first, stride, count)

        # Fisher–Yates: one call, the prefix up to the largest offset read.
        block = self.num_samples if self.shuffle and self.permutation == FISHER_YATES else None
        return Seeked(self.num_samples, seed, number, fetch, block=block, how="regenerated" if block else "seeked")

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """This rank's whole share of an epoch (``self.epoch`` by default) as int64, from its start."""
        number = self.epoch if epoch is None else integer("epoch", epoch)
        return self._read(self._key(number), self._length(), self.rank, self.num_samples)

    def __iter__(self) -> Iterator[int]:
        # The size, key and resume point are fixed here, at iter(), as torch fixes its order.
        n = self._length()
        progress = self._plan(self.epoch, n)
        serving = progress.serving
        return flatten(self._served(progress, self._chunks(self._key(self.epoch), n, serving.first, serving.size)))

    def _chunks(self, key: int, n: int, first: int, count: int) -> Iterator[np.ndarray]:
        # Fisher–Yates computes the prefix up to the furthest position on every call: one call, not one per chunk.
        step = count if self.shuffle and self.permutation == FISHER_YATES else CHUNK
        for done in range(0, count, max(step, 1)):
            yield self._read(key, n, first + done * self.num_replicas, min(step, count - done))
