"""PKBatchSampler: batches of P distinct classes × K rows for ``batch_sampler=`` (spec §19)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import _core
from .._inputs.checks import boolean, epoch_value, integer, positive_integer
from .._inputs.labels import class_labels
from .._inputs.limits import EPOCH_LIMIT, INT64_MAX
from .._inputs.world import world
from .._protocol.counter import _SeededEpochs
from .._protocol.epoch import Epoch, Materialised, Seeked
from .._protocol.iteration import flatten
from .._protocol.progress import Place, Progress
from .._protocol.sharded import Resumable
from .._protocol.state import fingerprint
from .._protocol.torch_compat import BatchSamplerBase
from ._class_slots import ClassSlots, pk_batch_rows, within_class

_BATCH_CHUNK = 256  # batches per chunk of iteration


class PKBatchSampler(Resumable, _SeededEpochs, BatchSamplerBase):
    """Batches of exactly P distinct classes × K rows (class by class), for ``batch_sampler=``.
    Over an epoch every class fills ⌊B·P/C⌋ or ⌈B·P/C⌉ slots (spec §19.1); rows are drawn
    without replacement inside a batch when the class has ≥ K rows. Distributed: global
    batch b goes to rank b mod R; batches are never repeated across ranks in an epoch.
    Any batch is computed alone in O(P·K) (``batch(b)``), so resuming costs nothing.

    Examples:
        >>> import ferrosampler
        >>> labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
        >>> batches = list(ferrosampler.PKBatchSampler(labels, p=2, k=2, seed=1))
        >>> len(batches), {len(batch) for batch in batches}, {len({labels[i] for i in batch}) for batch in batches}
        (3, {4}, {2})
    """

    _engine: Any = _core
    _state_kind = "PKBatchSampler"

    def __init__(
        self,
        labels: Any,
        p: int,
        k: int,
        *,
        num_batches: int | None = None,
        replacement_within_class: bool | None = None,
        drop_last: bool = False,
        seed: int | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        num_rows: int | None = None,
    ) -> None:
        self.classes = ClassSlots(class_labels(labels, num_rows=num_rows), self._engine)
        self.p = positive_integer("p", p)
        self.k = positive_integer("k", k)
        if self.p > self.classes.count:
            raise ValueError(f"p={self.p} classes per batch, but the labels have only {self.classes.count} classes")
        self.replacement_within_class = replacement_within_class
        self._always = within_class(replacement_within_class, self.classes, self.k)
        n = self.classes.grouped.num_rows
        default = max(-(-self.classes.count // self.p), n // (self.p * self.k))
        self.num_batches = default if num_batches is None else positive_integer("num_batches", num_batches)
        self.drop_last = boolean("drop_last", drop_last)
        self.num_replicas, self.rank = world(num_replicas, rank, required=False)
        if self.num_replicas > 1 and seed is None:
            raise ValueError("seed=None with num_replicas > 1: pass seed= so that every rank draws the same epoch")
        self._start_seeded_epochs(seed)
        b, w = self.num_batches, self.num_replicas
        self._per_rank = b // w if self.drop_last else -(-b // w)
        if self._per_rank == 0:
            raise ValueError(f"drop_last=True leaves no batch: num_batches={b} < num_replicas={w}")
        if self._per_rank * w * self.p * self.k > INT64_MAX:
            raise ValueError("num_batches * p * k must be below 2**63")

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration produces (then it counts up by itself)."""
        super().set_epoch(epoch)
        self._keep_place_for(self.epoch)

    def __len__(self) -> int:
        return self._per_rank

    def _batches(self, seed: int, epoch: int, first: int, count: int) -> list[list[int]]:
        """Global batches first, first + R, … (count of them)."""
        batches: list[list[int]] = self._rows(seed, epoch, first, count).tolist()
        return batches

    def _rows(self, seed: int, epoch: int, first: int, count: int, stride: int | None = None) -> np.ndarray:
        """Global batches first, first + stride, … (stride R by default) as a (count, p·k) array: one engine
        call (spec §19.4)."""
        step = self.num_replicas if stride is None else stride
        return pk_batch_rows(seed, epoch, self.classes, self.p, self.k, self._always, first, count, step)

    def batch(self, b: int, epoch: int | None = None) -> list[int]:
        """Global batch ``b`` of an epoch (fixed seed; no side effect)."""
        seed, e = self._key(self.epoch if epoch is None else epoch)
        b = integer("b", b)
        if b < 0:
            raise ValueError(f"b must be >= 0, got b={b}")
        rows: list[int] = pk_batch_rows(seed, e, self.classes, self.p, self.k, self._always, b, 1)[0].tolist()
        return rows

    def epoch_batches(self, epoch: int | None = None) -> np.ndarray:
        """This rank's batches of the epoch, shape (len(self), p·k); without ``epoch`` the
        next epoch (after load_state_dict, this rank's share of the rest of the resumed one), exactly what
        iterating yields."""
        if epoch is None:
            place = self._begin()
            seed, e = place.seed, place.epoch
            serving, _ = self._serving(place)
        else:
            (seed, e), serving = self._key(epoch), self._serving(None)[0]
        assert seed is not None
        return self._rows(seed, e, serving.first, serving.size)

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        number = self.epoch
        if self.seed is None:  # batch(b) needs a fixed seed: the epoch (a drawn seed) is computed whole
            return Materialised(self.epoch_batches().tolist(), None, number)
        self.set_epoch((number + 1) % EPOCH_LIMIT)  # a fixed seed's counter steps as iterating steps it
        return self._share(number, None)

    def _epoch_at(self, epoch: int) -> Epoch:
        if self.seed is None:
            raise ValueError("PKBatchSampler has no fixed seed: reading an epoch by number needs seed=")
        return self._share(epoch_value(epoch), self.seed)

    def _share(self, number: int, seed: int | None) -> Epoch:
        """This rank's batches of epoch ``number`` (fixed seed): batch c is global batch rank + c·W."""
        w, rank = self.num_replicas, self.rank
        fixed_seed, key_epoch = self._key(number)

        def fetch(first: int, stride: int, count: int) -> list[list[int]]:
            batches: list[list[int]] = self._rows(fixed_seed, key_epoch, rank + first * w, count, stride * w).tolist()
            return batches

        return Seeked(len(self), seed, number, fetch, chunk=_BATCH_CHUNK)

    def __iter__(self) -> Iterator[list[int]]:
        self._open_iterator()
        return flatten(self._chunks())

    def _chunks(self) -> Iterator[Iterator[list[int]]]:
        place = self._begin()  # at the first next(), as the other random samplers
        seed, epoch = place.seed, place.epoch
        assert seed is not None
        serving, _ = self._serving(place)
        progress = self._live = Progress(seed, epoch, serving)
        count, first, w = serving.size, serving.first, self.num_replicas

        def chunks() -> Iterator[tuple[int, list[list[int]]]]:
            for done in range(0, count, _BATCH_CHUNK):
                yield done, self._batches(seed, epoch, first + done * w, min(_BATCH_CHUNK, count - done))

        yield from progress.chunks(chunks())

    # -- state_dict (spec §21) ---------------------------------------------------------------

    def _fingerprint(self) -> str:
        grouped = self.classes.grouped
        parts = (grouped.codes, grouped.num_classes, self.p, self.k, self._always, self.num_batches)
        return fingerprint(self._state_kind, self._seed, *parts)

    def _order_fields(self) -> dict[str, Any]:
        return {
            "p": self.p, "k": self.k, "num_batches": self.num_batches,
            "replacement_within_class": self.replacement_within_class, "seed": self._seed,
        }  # fmt: skip

    def _global_length(self) -> int:
        return self.num_batches

    def _loaded_place(self, state: Mapping[str, Any], epoch: int, seed: int | None) -> Place:
        place = super()._loaded_place(state, epoch, seed)
        serving, _ = self._serving(place)  # on another world the padding may reach past this world's own
        if serving.size and (serving.first + serving.size * self.num_replicas) * self.p * self.k > INT64_MAX:
            raise ValueError("state['position'] resumed on this world reads batches past 2**63 / (p * k)")
        return place

    def state_dict(self) -> dict[str, Any]:
        """epoch, position (the global batch number consumed, spec §14), the saving world and the epoch's
        seed. Any rank's state resumes a world of any size.

        Examples:
            >>> import ferrosampler
            >>> labels = [0, 0, 1, 1, 2, 2, 3, 3]
            >>> make = lambda world, rank: ferrosampler.PKBatchSampler(
            ...     labels, 2, 2, num_batches=12, seed=3, num_replicas=world, rank=rank)
            >>> saved = [make(2, r) for r in range(2)]
            >>> iterators = [iter(rank) for rank in saved]
            >>> head = [next(iterators[r]) for _ in range(3) for r in range(2)]
            >>> state = saved[1].state_dict()
            >>> state["position"]  # 3 batches on each of 2 ranks: global batch 6
            6
            >>> resumed = [make(3, r) for r in range(3)]
            >>> for rank in resumed:
            ...     rank.load_state_dict(state)
            >>> rest = [list(rank) for rank in resumed]
            >>> sorted(head + sum(rest, [])) == sorted(make(1, 0))  # every batch once
            True
        """
        return self._state(Place(self.epoch, self._seed, 0))

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration yields this rank's share of the rest of the saved epoch (on any world size),
        then epochs continue as if never interrupted. Refused (ValueError naming the field) for other labels,
        p, k, seed or num_batches."""
        place = self._load(state, self._seed)
        self.epoch = place.epoch
