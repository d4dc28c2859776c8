"""DistributedWeightedSampler: one global weighted draw per epoch, split across ranks (spec §18)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import _core
from .._inputs.balanced import FromLabelsMixin
from .._inputs.checks import (
    WITHOUT_REPLACEMENT,
    algorithm_value,
    boolean,
    epoch_value,
    integer,
    positive_integer,
    seed_value,
)
from .._inputs.reweighting import Reweightable
from .._inputs.weights import torch_weights
from .._inputs.world import world
from .._protocol.epoch import Deferred, Epoch, Seeked
from .._protocol.iteration import CHUNK, flatten, int64
from .._protocol.progress import Place, Progress
from .._protocol.provenance import Locatable, Position, not_locatable
from .._protocol.sharded import Resumable
from .._protocol.state import fingerprint
from .._protocol.torch_compat import DistributedSamplerBase
from ._algorithm import WithoutReplacementAlgorithm


class DistributedWeightedSampler(
    FromLabelsMixin, Reweightable, WithoutReplacementAlgorithm, Resumable, Locatable, DistributedSamplerBase
):
    """One global weighted draw per epoch — ``num_samples`` positions of
    ``WeightedRandomSampler(weights, num_samples, replacement, seed=seed)`` at epoch
    ``epoch`` — split across ranks as torch's DistributedSampler splits its permutation:
    rank r reads positions r, r + R, … (padding wraps to the start; ``drop_last`` drops the
    tail instead), so the ranks' union is the global draw. The epoch changes only through
    ``set_epoch`` (all ranks must call it alike). With replacement a rank computes only its
    own positions (strided alias draws, O(num_samples / R)); without, every rank computes the
    exact global sample (spec §8: exponential keys on the engine's threads, or spec v2's
    sequential draws with ``algorithm="sequential"``). A torch.utils.data.DistributedSampler
    subclass when torch is installed.

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
        *,
        algorithm: str = WITHOUT_REPLACEMENT[0],
    ) -> None:
        # torch's __init__ is not called: it wants a dataset and a process group.
        self.num_replicas, self.rank = world(num_replicas, rank, required=True)
        self.replacement = boolean("replacement", replacement)
        self.algorithm = algorithm_value(algorithm)
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

    def _draws_per_epoch(self) -> int:
        return self.global_num_samples

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
        return int64(self._table.without_replacement(self.seed, e, g, self.algorithm))

    def rank_indices(self, start: int = 0, count: int | None = None, epoch: int | None = None) -> np.ndarray:
        """This rank's outputs start … start + count − 1 of a fresh epoch (seekable with replacement)."""
        e = self.epoch if epoch is None else epoch_value(epoch)
        start = integer("start", start)
        count = self.num_samples - start if count is None else integer("count", count)
        if start < 0 or count < 0 or start + count > self.num_samples:
            raise ValueError(f"start={start}, count={count} is outside this rank's {self.num_samples} indices")
        return self._read(e, self.rank + start * self.num_replicas, count)

    def _read(self, epoch: int, first: int, count: int) -> np.ndarray:
        """Global positions first, first + R, … (count of them) of the epoch's draw, padding read mod G."""
        g, w = self.global_num_samples, self.num_replicas
        if not self.replacement:
            positions = (first + w * np.arange(count, dtype=np.int64)) % g
            return self.global_indices(epoch)[positions]
        # Positions below G are one strided run; the padding (at most one position per rank) wraps.
        inside = 0 if first >= g else min(count, -(-(g - first) // w))
        run = int64(self._table.alias_draws(self.seed, epoch, first, inside, w)) if inside else int64([])
        wrapped = [(first + j * w) % g for j in range(inside, count)]
        tail = [int(self._table.alias_draws(self.seed, epoch, p, 1)[0]) for p in wrapped]
        return np.concatenate([run, int64(tail)])

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        if self.replacement:
            raise not_locatable(self, "every index is an independent weighted draw (spec §18)")
        raise not_locatable(self, "without replacement each draw depends on the earlier ones (spec §8)")

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """This rank's whole epoch (without ``epoch``: the one iterating would yield now, after
        ``load_state_dict`` this rank's share of the rest of the saved epoch)."""
        if epoch is not None:
            return self.rank_indices(0, None, epoch)
        self._weights_for_new_epoch()
        serving, _ = self._serving(self._take_place())
        return self._read(self.epoch, serving.first, serving.size)

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        iter(self)  # starts the epoch as iterating does (weights from set_weights take effect), computing nothing
        return self._share(self.epoch, None)

    def _epoch_at(self, epoch: int) -> Epoch:
        # With the weights in effect (pending ones stay pending) and the fixed seed: nothing drawn or stepped.
        return self._share(epoch_value(epoch), self.seed)

    def _share(self, number: int, seed: int | None) -> Epoch:
        """This rank's share of epoch ``number``: output c is global draw position (rank + c·W) mod g."""
        if not self.replacement:  # spec §8 is sequential: the global draw is computed whole, once, when first read
            return Deferred(self.num_samples, seed, number, lambda: self.rank_indices(0, self.num_samples, number))
        w = self.num_replicas
        views: dict[tuple[int, int], DistributedWeightedSampler] = {}

        def fetch(first: int, stride: int, count: int) -> Any:
            # Outputs first + j·stride are global positions rank + (first mod stride)·W + (first div stride + j)·
            # stride·W: outputs of the same draw split among stride·W ranks, as rank rank + (first mod stride)·W.
            residue = first % stride
            view = views.get((stride, residue))
            if view is None:
                view = views[stride, residue] = type(self)(
                    self.weights,
                    num_samples=self.global_num_samples,
                    num_replicas=stride * w,
                    rank=self.rank + residue * w,
                    replacement=True,
                    seed=self.seed,
                )
            return view.rank_indices(first // stride, count, number)

        return Seeked(self.num_samples, seed, number, fetch)

    def __iter__(self) -> Iterator[int]:
        self._weights_for_new_epoch()  # the epoch is fixed when iter() is called, as torch's DistributedSampler
        epoch = self.epoch
        serving, _ = self._serving(self._take_place())
        progress = self._live = Progress(self.seed, epoch, serving)
        count, first, w = serving.size, serving.first, self.num_replicas
        step = CHUNK if self.replacement else max(1, count)

        def chunks() -> Iterator[tuple[int, list[int]]]:
            for done in range(0, count, step):
                yield done, self._read(epoch, first + done * w, min(step, count - done)).tolist()

        return flatten(progress.chunks(chunks()))

    # -- state_dict (spec §21) ---------------------------------------------------------------

    def _fingerprint(self) -> str:
        parts = (self.global_num_samples, self.replacement, *self._algorithm_parameters())
        return fingerprint(self._state_kind, self.seed, self._weights_fingerprint, *parts)

    def _order_fields(self) -> dict[str, Any]:
        fields = {"num_samples": self.global_num_samples, "replacement": self.replacement, "seed": self.seed}
        return fields if self.replacement else {**fields, **self._algorithm_field()}

    def _load_algorithm_state(self, state: Mapping[str, Any]) -> Place:
        places: list[Place] = []
        self._load_with_algorithm(state, lambda: places.append(self._load(state, self.seed)))
        return places[0]

    def _global_length(self) -> int:
        return self.global_num_samples

    def state_dict(self) -> dict[str, Any]:
        """epoch, position (the global draw position consumed, spec §14), the saving world, and a fingerprint
        of the weights in effect, the seed, num_samples and replacement. Any rank's state resumes a world of
        any size.

        Examples:
            >>> import ferrosampler
            >>> make = lambda world, rank: ferrosampler.DistributedWeightedSampler(
            ...     [1.0, 2.0, 3.0] * 4, num_replicas=world, rank=rank, seed=5)
            >>> saved = [make(2, r) for r in range(2)]
            >>> iterators = [iter(rank) for rank in saved]
            >>> head = [next(iterators[r]) for _ in range(3) for r in range(2)]
            >>> state = saved[0].state_dict()
            >>> state["position"], state["num_replicas"]  # 3 draws on each of 2 ranks: global position 6
            (6, 2)
            >>> resumed = [make(3, r) for r in range(3)]
            >>> for rank in resumed:
            ...     rank.load_state_dict(state)
            >>> rest = [list(rank) for rank in resumed]
            >>> sorted(head + sum(rest, [])) == sorted(make(1, 0))  # nothing lost, nothing repeated
            True
        """
        return self._state(Place(self.epoch, self.seed, 0))

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration yields this rank's share of the rest of the saved epoch, on any world size.
        Refused (ValueError naming the field) if the weights or any other parameter differ from the saving
        run's."""
        place = self._load_algorithm_state(state)
        self.epoch = place.epoch
