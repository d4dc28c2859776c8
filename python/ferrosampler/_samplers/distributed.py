"""torch's DistributedSampler: each rank's strided share of one permutation (spec §6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import _core, _limits
from .._checks import boolean, integer, positive_integer, sized_length
from .._iteration import int64, yield_ints


class DistributedSampler:
    """torch's DistributedSampler: one permutation shared by all ranks, keyed by
    (seed + epoch) mod 2**64; rank r reads positions r, r + W, … (spec §6). Only the
    rank's own share is returned."""

    _engine: Any = _core

    def __init__(
        self,
        dataset: Any,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            world_size, world_rank = _distributed_world()
            num_replicas = world_size if num_replicas is None else num_replicas
            rank = world_rank if rank is None else rank
        self.num_replicas = positive_integer("num_replicas", num_replicas)
        self.rank = integer("rank", rank)
        if not 0 <= self.rank < self.num_replicas:
            raise ValueError(f"Invalid rank {self.rank}, rank should be in the interval [0, {self.num_replicas - 1}]")
        self.shuffle = boolean("shuffle", shuffle)
        self.seed = integer("seed", seed)
        self.drop_last = boolean("drop_last", drop_last)
        self.dataset = dataset
        self.epoch = 0
        self._dataset_length = sized_length("dataset", dataset)
        n, w = self._dataset_length, self.num_replicas
        self.num_samples = n // w if self.drop_last else (n + w - 1) // w
        self.total_size = self.num_samples * w

    def set_epoch(self, epoch: int) -> None:
        # Any integer, as torch: the key is (seed + epoch) mod 2**64, so no counter and no lock.
        self.epoch = integer("epoch", epoch)

    def __len__(self) -> int:
        return self.num_samples

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        n = len(self.dataset)
        if n != self._dataset_length:
            raise ValueError(
                f"len(dataset) changed from {self._dataset_length} at construction to {n}; "
                "build a new DistributedSampler for the new dataset"
            )
        key = (self.seed + (self.epoch if epoch is None else integer("epoch", epoch))) % _limits.SEED_MODULUS
        return int64(
            self._engine.strided_permutation(key, 0, n, self.shuffle, self.rank, self.num_replicas, self.num_samples)
        )

    def __iter__(self) -> Iterator[int]:
        # Eager, as torch: the order is fixed when iter() is called.
        return yield_ints(self.epoch_indices())


def _distributed_world() -> tuple[int, int]:
    try:
        import torch.distributed as dist
    except ImportError:
        raise RuntimeError("Requires distributed package to be available") from None
    if not dist.is_available():
        raise RuntimeError("Requires distributed package to be available")
    if not dist.is_initialized():
        raise ValueError("Default process group has not been initialized, please make sure to call init_process_group.")
    return dist.get_world_size(), dist.get_rank()
