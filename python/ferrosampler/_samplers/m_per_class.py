"""MPerClassSampler: pytorch-metric-learning's m rows per class, seeded and spec-defined (spec §20)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import _core
from .._inputs.checks import epoch_value, positive_integer
from .._inputs.labels import class_labels
from .._inputs.world import world
from .._protocol.counter import _SeededEpochs
from .._protocol.epoch import Deferred, Epoch, Whole
from .._protocol.iteration import flatten, int64
from .._protocol.progress import Place, Progress, Serving
from .._protocol.sharded import Resumable
from .._protocol.state import fingerprint
from .._protocol.torch_compat import SamplerBase
from ._class_slots import ClassSlots, m_per_class_rows

_UNIT_CHUNK = 1 << 12  # indices per chunk of iteration, at least


class MPerClassSampler(Resumable, _SeededEpochs, SamplerBase):
    """pytorch-metric-learning's MPerClassSampler, seeded and spec-defined: m rows of each
    class in turn. With ``batch_size`` every consecutive ``batch_size`` indices hold m rows
    of each of batch_size/m distinct classes, drawn afresh per batch; without it the classes
    come in whole shuffled passes. Rows are distinct within a class's m unless the class
    has fewer than m rows. ``len()`` is exact (see spec §20 for the differences).

    Examples:
        >>> import ferrosampler
        >>> labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
        >>> indices = list(ferrosampler.MPerClassSampler(labels, m=2, batch_size=4, length_before_new_iter=8, seed=1))
        >>> len(indices), [labels[i] for i in indices[:4]]
        (8, [0, 0, 3, 3])
    """

    _engine: Any = _core
    _state_kind = "MPerClassSampler"

    def __init__(
        self,
        labels: Any,
        m: int,
        batch_size: int | None = None,
        length_before_new_iter: int = 100000,
        *,
        seed: int | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        num_rows: int | None = None,
    ) -> None:
        self.classes = ClassSlots(class_labels(labels, num_rows=num_rows), self._engine)
        self.m_per_class = positive_integer("m", m)
        length = positive_integer("length_before_new_iter", length_before_new_iter)
        count = self.classes.count
        self.batch_size = None if batch_size is None else positive_integer("batch_size", batch_size)
        if self.batch_size is None:
            self.group = count  # classes per unit: a whole pass
            unit = self.m_per_class * count
            self.list_size = length - length % unit if unit < length else length
        else:
            if self.batch_size % self.m_per_class:
                raise ValueError(f"m={self.m_per_class} must divide batch_size={self.batch_size} without remainder")
            if self.m_per_class * count < self.batch_size:
                raise ValueError(
                    f"m * (number of classes) = {self.m_per_class} * {count} must be >= batch_size={self.batch_size}"
                )
            if length < self.batch_size:
                raise ValueError(f"length_before_new_iter={length} must be >= batch_size={self.batch_size}")
            self.group = self.batch_size // self.m_per_class
            self.list_size = length - length % self.batch_size
        self.length_before_new_iter = length
        self.num_replicas, self.rank = world(num_replicas, rank, required=False)
        if self.num_replicas > 1 and seed is None:
            raise ValueError("seed=None with num_replicas > 1: pass seed= so that every rank draws the same epoch")
        self._start_seeded_epochs(seed)
        self._unit_size = self.group * self.m_per_class
        self._grain = min(self._unit_size, self.list_size)  # indices a rank reads of each unit (spec §21's E)
        self._units = self.list_size // self._grain  # units per rank and epoch: E divides the length
        # The engine numbers every slot's draws of the epoch (spec §20): the last global unit's must stay < 2**63.
        if (self._units + 1) * self._unit_size >= 2**63:
            raise ValueError(
                f"m={self.m_per_class} is too large: m × {self.group} classes per unit must stay below 2**63"
            )
        if (self._units * self.num_replicas + 1) * self._unit_size >= 2**63:
            raise ValueError(
                f"num_replicas={self.num_replicas} is too large for units of {self._unit_size} indices "
                "(num_replicas × indices per epoch must stay below 2**63)"
            )

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration produces (then it counts up by itself)."""
        super().set_epoch(epoch)
        self._keep_place_for(self.epoch)

    def __len__(self) -> int:
        return self.list_size

    def _indices(self, seed: int, epoch: int, serving: Serving, skip: int, start: int, stop: int) -> list[int]:
        """Outputs start … stop − 1 of this rank's share (whole units computed in one engine call, then cut):
        units serving.first + j·R, the first E indices of each, the first ``skip`` of the first unit left out."""
        grain, first = self._grain, (start + skip) // self._grain
        units = -(-(stop + skip) // grain) - first
        u, stride = serving.first + first * self.num_replicas, self.num_replicas
        flat = m_per_class_rows(seed, epoch, self.classes, self.group, self.m_per_class, u, units, stride)
        out = flat.reshape(units, self.group * self.m_per_class)[:, :grain].ravel()
        offset = first * grain - skip
        indices: list[int] = out[start - offset : stop - offset].tolist()
        return indices

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """One epoch of this rank as int64; without ``epoch`` the next one (what iterating yields; after
        ``load_state_dict`` this rank's share of the rest of the saved epoch)."""
        if epoch is None:
            place = self._begin()
            seed, e = place.seed, place.epoch
            serving, skip = self._serving(place)
        else:
            (seed, e), (serving, skip) = self._key(epoch), self._serving(None)
        assert seed is not None
        return np.asarray(self._indices(seed, e, serving, skip, 0, self._share(serving, skip)), dtype=np.int64)

    def _share(self, serving: Serving, skip: int) -> int:
        return serving.size * self._grain - skip

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        number = self.epoch
        return Whole(int64(self.epoch_indices()), None, number)  # starts the epoch as iterating does

    def _epoch_at(self, epoch: int) -> Epoch:
        # epoch_indices(epoch) has no side effect (fixed seed only): computed whole at the first read.
        if self._seed is None:
            raise ValueError("MPerClassSampler has no fixed seed: reading an epoch by number needs seed=")
        number = epoch_value(epoch)
        return Deferred(self.list_size, self._seed, number, lambda: int64(self.epoch_indices(number)))

    def __iter__(self) -> Iterator[int]:
        self._open_iterator()
        return flatten(self._chunks())

    def _chunks(self) -> Iterator[Iterator[int]]:
        place = self._begin()
        seed, epoch = place.seed, place.epoch
        assert seed is not None
        serving, skip = self._serving(place)
        progress = self._live = Progress(seed, epoch, serving, self._grain, skip)
        step, total = max(_UNIT_CHUNK, self._unit_size), self._share(serving, skip)

        def chunks() -> Iterator[tuple[int, list[int]]]:
            for first in range(0, total, step):
                yield first, self._indices(seed, epoch, serving, skip, first, min(total, first + step))

        yield from progress.chunks(chunks())

    # -- state_dict (spec §21) ---------------------------------------------------------------

    def _fingerprint(self) -> str:
        grouped = self.classes.grouped
        parts = (grouped.codes, grouped.num_classes, self.m_per_class, self.batch_size, self.list_size)
        return fingerprint(self._state_kind, self._seed, *parts)

    def _order_fields(self) -> dict[str, Any]:
        return {"m": self.m_per_class, "batch_size": self.batch_size, "list_size": self.list_size, "seed": self._seed}

    def _global_length(self) -> int:
        return self.num_replicas * self._units

    def _place_fields(self, place: Place) -> dict[str, Any]:
        return {"offset": place.offset, "units": self._global_length() if place.length is None else place.length}

    def _length_of(self, state: Mapping[str, Any]) -> int:
        # units = (the world that started the epoch) * units per rank; that world may not be the saving one.
        units = state.get("units")
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0 or units % self._units:
            raise ValueError(
                f"state['units'] must be a positive multiple of {self._units} (units per rank of this length), "
                f"got {units!r}"
            )
        if (units + 1) * self._unit_size >= 2**63:  # as the constructor bounds num_replicas × units per rank
            raise ValueError(f"state['units'] is too large: {units} units of {self._unit_size} indices pass 2**63")
        return units

    def _loaded_place(self, state: Mapping[str, Any], epoch: int, seed: int | None) -> Place:
        offset, position, units = state.get("offset"), state["position"], state["units"]
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < self._grain:
            raise ValueError(f"state['offset'] must be an int in [0, {self._grain}), got {offset!r}")
        if offset and position == units:
            raise ValueError(f"state['offset'] must be 0 at the end of the epoch (position={units}), got {offset}")
        if state["num_replicas"] != self.num_replicas:
            offset = 0  # another world: the partly handed-out units are served again whole (spec §21)
        return Place(epoch, seed, position, offset, units)

    def state_dict(self) -> dict[str, Any]:
        """epoch, position (global units consumed, spec §14), offset (indices of each rank's current unit
        handed out), units (the epoch's global length), the saving world and the epoch's seed.

        Examples:
            >>> import ferrosampler
            >>> labels = [0, 0, 1, 1, 2, 2, 3, 3]
            >>> make = lambda world, rank: ferrosampler.MPerClassSampler(
            ...     labels, 2, 4, 12, seed=3, num_replicas=world, rank=rank)
            >>> saved = [make(2, r) for r in range(2)]
            >>> iterators = [iter(rank) for rank in saved]
            >>> head = [next(iterators[r]) for _ in range(4) for r in range(2)]
            >>> state = saved[0].state_dict()
            >>> state["position"], state["offset"], state["units"]  # one unit of 4 on each of 2 ranks, of 6
            (2, 0, 6)
            >>> resumed = [make(4, r) for r in range(4)]
            >>> for rank in resumed:
            ...     rank.load_state_dict(state)
            >>> [len(list(rank)) for rank in resumed]  # the 4 units left, one per rank
            [4, 4, 4, 4]
        """
        return self._state(Place(self.epoch, self._seed, 0))

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration yields this rank's share of the rest of the saved epoch (on any world size);
        refused (ValueError naming the field) for other labels or parameters."""
        place = self._load(state, self._seed)
        self.epoch = place.epoch
