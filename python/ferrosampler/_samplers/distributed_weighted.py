"""DistributedWeightedSampler: one global weighted draw per epoch, split across ranks (spec §18)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import _core
from .._balanced import FromLabelsMixin
from .._checks import boolean, epoch_value, integer, positive_integer, seed_value
from .._iteration import CHUNK, int64
from .._reweighting import Reweightable
from .._state import fingerprint
from .._torch_compat import DistributedSamplerBase
from .._weights import torch_weights
from .._world import world
from ._progress import Place, Progress, Resumable


class DistributedWeightedSampler(FromLabelsMixin, Reweightable, Resumable, DistributedSamplerBase):
    """One global weighted draw per epoch — ``num_samples`` positions of
    ``WeightedRandomSampler(weights, num_samples, replacement, seed=seed)`` at epoch
    ``epoch`` — split across ranks as torch's DistributedSampler splits its permutation:
    rank r reads positions r, r + R, … (padding wraps to the start; ``drop_last`` drops the
    tail instead), so the ranks' union is the global draw. The epoch changes only through
    ``set_epoch`` (all ranks must call it alike). With replacement a rank computes only its
    own positions (strided alias draws, O(num_samples / R)); without, every rank computes the
    exact global sample (spec §8: O(len(weights) + num_samples · log len(weights)) per rank per
    epoch). A torch.utils.data.DistributedSampler subclass when torch is installed.

    Examples:
        >>> import ferrosampler
        >>> weights = [1.0, 0.0, 2.0, 1.0] * 5
        >>> make = ferrosampler.DistributedWeightedSampler
        >>> ranks = [list(make(weights, num_replicas=2, rank=r, seed=4)) for r in range(2)]
        >>> whole = list(ferrosampler.WeightedRandomSampler(weights, 20, seed=4))
        >>> [len(rank) for rank in ranks], sorted(ranks[0] + ranks[1]) == sorted(whole)
        ([10, 10], True)
        >>> 1 in ranks[0] + ranks[1]  # a zero weight is never drawn
        False
    """

    _engine: Any = _core
    _state_kind = "DistributedWeightedSampler"

    def __init__(
        self,
        weights: Any,
        num_samples: int | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        replacement: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        # torch's __init__ is not called: it wants a dataset and a process group.
        self.num_replicas, self.rank = world(num_replicas, rank, required=True)
        self.replacement = boolean("replacement", replacement)
        self.drop_last = boolean("drop_last", drop_last)
        self.seed = seed_value("seed", seed)
        self.shuffle = True
        total = len(torch_weights(weights)) if num_samples is None else num_samples
        self.global_num_samples = positive_integer("num_samples", total)
        self._use_weights(self._prepare_weights(weights))
        g, w = self.global_num_samples, self.num_replicas
        self.num_samples = g // w if self.drop_last else -(-g // w)  # per rank, as torch names it
        self.total_size = self.num_samples * w
        self.epoch = 0

    def _prepare_weights(self, weights: Any) -> tuple[np.ndarray, Any, str]:
        values = torch_weights(weights)
        table = self._engine.WeightTable(values)
        if not self.replacement and self.global_num_samples > table.nonzero:
            raise ValueError(
                f"num_samples should be at most the number of non-zero weights ({table.nonzero}) "
                f"when replacement=False, but got num_samples={self.global_num_samples}"
            )
        return values, table, fingerprint(values)

    def _use_weights(self, prepared: tuple[np.ndarray, Any, str]) -> None:
        self.weights, self._table, self._weights_fingerprint = prepared

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch_value(epoch)
        self._keep_place_for(self.epoch)

    def __len__(self) -> int:
        return self.num_samples

    def global_indices(self, epoch: int | None = None) -> np.ndarray:
        """The whole global draw of the epoch (every rank's union, before padding)."""
        e = self.epoch if epoch is None else epoch_value(epoch)
        g = self.global_num_samples
        if self.replacement:
            return int64(self._table.alias_draws(self.seed, e, 0, g))
        return int64(self._table.without_replacement(self.seed, e, g))

    def rank_indices(self, start: int = 0, count: int | None = None, epoch: int | None = None) -> np.ndarray:
        """This rank's outputs start … start + count − 1 (seekable with replacement)."""
        e = self.epoch if epoch is None else epoch_value(epoch)
        start = integer("start", start)
        count = self.num_samples - start if count is None else integer("count", count)
        if start < 0 or count < 0 or start + count > self.num_samples:
            raise ValueError(f"start={start}, count={count} is outside this rank's {self.num_samples} indices")
        g, w, r = self.global_num_samples, self.num_replicas, self.rank
        if not self.replacement:
            positions = (r + w * np.arange(start, start + count, dtype=np.int64)) % g
            return self.global_indices(e)[positions]
        # Outputs c with r + c·w < g are one strided run; at most one padded output wraps.
        inside = max(0, min(start + count, -(-(g - r) // w) if r < g else 0) - start)
        run = int64(self._table.alias_draws(self.seed, e, r + start * w, inside, w)) if inside else int64([])
        wrapped = [(r + c * w) % g for c in range(start + inside, start + count)]
        tail = [int(self._table.alias_draws(self.seed, e, p, 1)[0]) for p in wrapped]
        return np.concatenate([run, int64(tail)])

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """This rank's whole epoch (without ``epoch``: the one iterating would yield now)."""
        if epoch is not None:
            return self.rank_indices(0, None, epoch)
        self._weights_for_new_epoch()
        place = self._take_place()
        start = 0 if place is None else place.position
        return self.rank_indices(start, None, self.epoch)

    def __iter__(self) -> Iterator[int]:
        self._weights_for_new_epoch()  # the epoch is fixed when iter() is called, as torch's DistributedSampler
        epoch = self.epoch
        place = self._take_place()
        start = 0 if place is None else place.position
        progress = self._live = Progress(self.seed, epoch, start)
        step = CHUNK if self.replacement else max(1, self.num_samples)

        def chunks() -> Iterator[tuple[int, list[int]]]:
            for first in range(start, self.num_samples, step):
                yield first, self.rank_indices(first, min(step, self.num_samples - first), epoch).tolist()

        return progress.run(chunks())

    # -- state_dict (spec §21) ---------------------------------------------------------------

    def _fingerprint(self) -> str:
        parts = (self.global_num_samples, self.replacement, self.drop_last, self.num_replicas, self.rank)
        return fingerprint(self._state_kind, self.seed, self._weights_fingerprint, *parts)

    def _epoch_length(self) -> int:
        return self.num_samples

    def state_dict(self) -> dict[str, Any]:
        """epoch, position (indices this rank's live iterator has handed out) and a fingerprint of
        the weights in effect, the seed, num_samples, replacement, drop_last and the rank layout."""
        return self._state(Place(self.epoch, self.seed, 0))

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration yields the rest of the saved epoch. Refused (ValueError) if the weights or
        any other parameter differ from the saving run's."""
        place = self._load(state, self.seed)
        self.epoch = place.epoch
