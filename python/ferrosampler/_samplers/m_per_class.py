"""MPerClassSampler: pytorch-metric-learning's m rows per class, seeded and spec-defined (spec §20)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import _core
from .._checks import positive_integer
from .._classes import class_labels
from .._epochs import _SeededEpochs
from .._state import fingerprint
from .._torch_compat import SamplerBase
from .._world import world
from ._class_slots import BalancedClasses, ClassSlots, independent_classes, slot_rows
from ._progress import Place, Progress, Resumable

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
        self.classes = ClassSlots(class_labels(labels, num_rows=num_rows))
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
        self._units = math.ceil(self.list_size / self._unit_size)

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration produces (then it counts up by itself)."""
        super().set_epoch(epoch)
        self._keep_place_for(self.epoch)

    def __len__(self) -> int:
        return self.list_size

    def _unit_classes(self, seed: int, epoch: int, unit: int) -> list[int]:
        if self.batch_size is None:  # a whole pass: block u itself (σ_u = π_u when P = C)
            return BalancedClasses(self._engine, seed, epoch, self.classes.count, self.group).raw(unit)
        return independent_classes(self._engine, seed, epoch, self.classes.count, self.group, unit)

    def _indices(self, seed: int, epoch: int, start: int, stop: int) -> list[int]:
        """Outputs start … stop − 1 of this rank's epoch (whole units computed, then cut)."""
        out: list[int] = []
        first = start // self._unit_size
        for c in range(first, -(-stop // self._unit_size)):
            u = self.rank + c * self.num_replicas
            slots = self._unit_classes(seed, epoch, u)
            out.extend(
                slot_rows(self._engine, seed, epoch, self.classes, slots, u * self.group, self.m_per_class, False)
            )
        offset = first * self._unit_size
        return out[start - offset : stop - offset]

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """One epoch of this rank as int64; without ``epoch`` the next one (what iterating yields)."""
        if epoch is None:
            place = self._begin()
            seed, e, start = place.seed, place.epoch, place.position
        else:
            (seed, e), start = self._key(epoch), 0
        assert seed is not None
        return np.asarray(self._indices(seed, e, start, self.list_size), dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return self._run()

    def _run(self) -> Iterator[int]:
        place = self._begin()
        seed, epoch = place.seed, place.epoch
        assert seed is not None
        progress = self._live = Progress(seed, epoch, place.position)
        step = max(_UNIT_CHUNK, self._unit_size)

        def chunks() -> Iterator[tuple[int, list[int]]]:
            for first in range(place.position, self.list_size, step):
                yield first, self._indices(seed, epoch, first, min(self.list_size, first + step))

        yield from progress.run(chunks())

    # -- state_dict (spec §21) ---------------------------------------------------------------

    def _fingerprint(self) -> str:
        grouped = self.classes.grouped
        parts = (grouped.codes, grouped.num_classes, self.m_per_class, self.batch_size, self.list_size)
        return fingerprint(self._state_kind, self._seed, *parts, self.num_replicas, self.rank)

    def _epoch_length(self) -> int:
        return self.list_size

    def state_dict(self) -> dict[str, Any]:
        """epoch, position (indices the live iterator has handed out) and the epoch's seed."""
        return self._state(Place(self.epoch, self._seed, 0))

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration yields the rest of the saved epoch; refused (ValueError) for other parameters."""
        place = self._load(state, self._seed)
        self.epoch = place.epoch
