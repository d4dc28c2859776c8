"""MixtureSampler: weighted mixtures of datasets with exact proportions, random order and passes without
replacement across epochs (spec §23)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from .._inputs.checks import (
    ArgumentTypeError,
    dataset_index,
    epoch_value,
    integer,
    is_integer,
    permutation_value,
    sized_length,
)
from .._inputs.weights import torch_weights
from .._protocol.provenance import Position
from ._random_epochs import _RandomEpochs

if TYPE_CHECKING:
    import torch

Exhaustion: TypeAlias = Literal["first_exhausted", "all_exhausted"]
"""The two epoch lengths named by when the sources complete their first pass (spec §23.7)."""
EXHAUSTION = ("first_exhausted", "all_exhausted")

SOURCES_LIMIT = 1 << 16
SIZE_LIMIT = 1 << 48
NUM_SAMPLES_LIMIT = 1 << 62
FISHER_YATES_REFUSED = (
    "MixtureSampler reads its sources' permutations at random positions: only permutation='feistel' is "
    "supported, got permutation='fisher-yates'"
)


def source_sizes(sources: Any) -> tuple[int, ...]:
    """Each source's size: an int, or a dataset's ``len()`` (read once)."""
    if isinstance(sources, (str, bytes)) or not isinstance(sources, Iterable):
        raise ArgumentTypeError(
            f"sources must be a sequence of sizes (ints) or of sized datasets, got {type(sources).__name__}"
        )
    items = list(sources)
    if not items:
        raise ValueError("sources must not be empty")
    if len(items) > SOURCES_LIMIT:
        raise ValueError(f"sources must have at most 2**16 entries, got {len(items)}")
    sizes = []
    for i, source in enumerate(items):
        if is_integer(source):
            size = int(source)
        elif isinstance(source, bool) or not hasattr(source, "__len__"):
            raise ArgumentTypeError(
                f"sources[{i}] must be a size (an int) or a dataset with len(), got {type(source).__name__}"
            )
        else:
            size = sized_length(f"sources[{i}]", source)
        if not 1 <= size <= SIZE_LIMIT:
            raise ValueError(f"sources[{i}] must have a size in [1, 2**48], got {size}")
        sizes.append(size)
    return tuple(sizes)


def _is_schedule(weights: Any) -> bool:
    """A list of (start, weights) pairs rather than one weight per source (whose entries are numbers)."""
    if isinstance(weights, (str, bytes, np.ndarray)) or not isinstance(weights, Sequence) or not weights:
        return False
    return isinstance(weights[0], (tuple, list))


def _phase_weights(name: str, values: Any, sources: int) -> np.ndarray:
    """One phase's weights as float64, one per source; the values themselves are the engine's to check."""
    try:
        array = torch_weights(values)
    except (TypeError, ValueError, RuntimeError) as error:  # RuntimeError: torch refusing a conversion
        kind = ArgumentTypeError if isinstance(error, (TypeError, RuntimeError)) else ValueError
        raise kind(str(error) if name == "weights" else f"{name}: {error}") from None
    if len(array) != sources:
        raise ValueError(f"{name} has {len(array)} entries, expected one per source ({sources})")
    return array


def weight_schedule(weights: Any, sources: int) -> tuple[tuple[int, ...], np.ndarray]:
    """(starts, a read-only P × S float64 array): one phase from S weights, or a schedule's phases."""
    if not _is_schedule(weights):
        rows = [_phase_weights("weights", weights, sources)]
        starts: list[int] = [0]
    else:
        rows, starts = [], []
        for i, phase in enumerate(weights):
            if not isinstance(phase, (tuple, list)) or len(phase) != 2:
                raise ArgumentTypeError(f"weights phase {i} must be a (start, weights) pair, got {phase!r}")
            start, values = phase
            if not is_integer(start):
                raise ArgumentTypeError(f"weights phase {i} start must be an integer, got {start!r}")
            starts.append(int(start))
            rows.append(_phase_weights(f"weights phase {i}", values, sources))
    table = np.stack(rows)
    table.flags.writeable = False
    return tuple(starts), table


class MixtureSampler(_RandomEpochs):
    """Draws from several datasets by weight (spec §23): global indices into
    ``torch.utils.data.ConcatDataset(datasets)``, item ``j`` of source ``s`` being ``offsets[s] + j``.

    Each position's source is random, yet every source's count follows its weight closely at every
    scale: in any prefix of an epoch it differs from its expected count (the sum of its share over
    those positions) by less than ``2·⌈log2 S⌉·(phases so far) + 1024``, and by less than
    ``2·⌈log2 S⌉`` per phase at every multiple of 1024 positions, however long the run: no drift.
    Inside a source, items come without replacement across epochs: its occurrences, counted over the
    whole run, form passes of ``len(source)``, each a fresh permutation (with a fixed seed). Every
    position is computed alone, so resume, seeking and ``DistributedSamplerWrapper`` cost only what
    they read.

    Args:
        sources: Source sizes (ints >= 1) or sized datasets (their ``len()`` is read once).
        weights: One non-negative weight per source (any scale), or a schedule
            ``[(0, w0), (start1, w1), ...]``: phase ``i`` applies from position ``start_i`` of every
            epoch to the next start, starts strictly increasing from 0 and below ``num_samples``.
        num_samples: The epoch length: an int, None for the sum of the sizes, or
            ``"first_exhausted"`` / ``"all_exhausted"``: the shortest epoch in which some / every
            source with positive weight completes one pass (single-phase weights only).
        seed: A fixed seed in [-2**63, 2**64): epoch e is then the same everywhere, and passes run on
            across epochs. None draws a seed per epoch (torch's generator, spec §10).
        generator: A ``torch.Generator`` to draw each epoch's seed from, or an int (a fixed seed).
        permutation: ``"feistel"`` (the only one: a source's passes are read at random offsets).

    Raises:
        ValueError: An empty source list, a size outside [1, 2**48], a negative, NaN or infinite
            weight, an all-zero phase, a weight list of the wrong length, phases out of order or not
            starting at 0, a phase at or past ``num_samples``, ``"first_exhausted"`` with a
            schedule, ``num_samples`` outside [1, 2**62], ``permutation="fisher-yates"``.
        ArgumentTypeError: A source without ``len()``, non-numeric weights, a non-integer start.

    Examples:
        >>> from collections import Counter
        >>> from ferrosampler import MixtureSampler
        >>> sampler = MixtureSampler([100, 20, 50], [5, 3, 2], num_samples=1000, seed=7)
        >>> counts = Counter(sampler.source_of(index)[0] for index in sampler)
        >>> sorted(counts.items())
        [(0, 500), (1, 300), (2, 200)]
        >>> sampler.offsets, sampler.source_of(105)
        ((0, 100, 120), (1, 5))

        A schedule shifts the weight after 400 positions of each epoch:

        >>> warm = MixtureSampler([100, 100], [(0, [1.0, 0.0]), (400, [1.0, 1.0])], num_samples=600, seed=1)
        >>> epoch = warm.epoch_indices(0)
        >>> bool((epoch[:400] < 100).all()), int((epoch[400:] >= 100).sum())
        (True, 100)
    """

    _state_kind = "torch.MixtureSampler"

    def __init__(
        self,
        sources: Sequence[Any],
        weights: Any,
        num_samples: int | Exhaustion | None = None,
        *,
        seed: int | None = None,
        generator: torch.Generator | int | None = None,
        permutation: Literal["feistel"] = "feistel",
    ) -> None:
        if permutation_value(permutation) != "feistel":
            raise ValueError(FISHER_YATES_REFUSED)
        self.permutation = "feistel"
        self._sizes = source_sizes(sources)
        self._starts, self._weights = weight_schedule(weights, len(self._sizes))
        self._num_samples = self._epoch_length(num_samples)
        self._plan = self._engine.MixturePlan(
            list(self._sizes), list(self._starts), self._weights.reshape(-1), self._num_samples
        )
        offsets = [0]
        for size in self._sizes[:-1]:
            offsets.append(offsets[-1] + size)
        self._offsets = tuple(offsets)
        super().__init__(seed, generator)

    def _epoch_length(self, num_samples: Any) -> int:
        if num_samples is None:
            total = sum(self._sizes)
            if total > NUM_SAMPLES_LIMIT:
                raise ValueError(
                    f"num_samples defaults to the sum of the sizes ({total}), which is above 2**62; pass num_samples="
                )
            return total
        if isinstance(num_samples, str):
            if num_samples not in EXHAUSTION:
                raise ValueError(
                    "num_samples must be a positive int, None, 'first_exhausted' or 'all_exhausted', "
                    f"got num_samples={num_samples!r}"
                )
            if len(self._starts) > 1:
                raise ValueError(
                    f"num_samples={num_samples!r} needs a single phase of weights, got a schedule of "
                    f"{len(self._starts)} phases"
                )
            length: int = self._engine.MixturePlan.exhausted_length(
                list(self._sizes), self._weights[0], num_samples == "all_exhausted"
            )
            return int(length)
        if not is_integer(num_samples):
            raise ArgumentTypeError(
                "num_samples must be a positive int, None, 'first_exhausted' or 'all_exhausted', "
                f"got num_samples={num_samples!r}"
            )
        return int(num_samples)  # its range is the engine's to check

    # -- what the sources are -----------------------------------------------------------------

    @property
    def sizes(self) -> tuple[int, ...]:
        """Each source's size, as read at construction.

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> MixtureSampler([range(3), range(5)], [1, 1], seed=0).sizes
            (3, 5)
        """
        return self._sizes

    @property
    def offsets(self) -> tuple[int, ...]:
        """Where each source starts in the concatenated dataset: item j of source s is ``offsets[s] + j``.

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> MixtureSampler([3, 5, 2], [1, 1, 1], seed=0).offsets
            (0, 3, 8)
        """
        return self._offsets

    @property
    def num_samples(self) -> int:
        """Indices per epoch.

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> MixtureSampler([10, 40], [1, 1], seed=0).num_samples
            50
            >>> MixtureSampler([10, 40], [1, 1], "all_exhausted", seed=0).num_samples  # source 1 every 2nd slot
            79
        """
        return self._num_samples

    @property
    def schedule(self) -> list[tuple[int, tuple[float, ...]]]:
        """The phases as ``(start, weights)`` pairs (one phase for plain weights).

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> MixtureSampler([4, 4], [1, 3], seed=0).schedule
            [(0, (1.0, 3.0))]
        """
        return [(start, tuple(row.tolist())) for start, row in zip(self._starts, self._weights, strict=True)]

    def source_of(self, index: int) -> tuple[int, int]:
        """The source of a global index and the item inside it: ``(s, j)`` with ``index = offsets[s] + j``.

        Raises:
            ValueError: ``index`` is outside ``[0, sum(sizes))``.
            ArgumentTypeError: ``index`` is not an integer.

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> MixtureSampler([3, 5], [1, 1], seed=0).source_of(4)
            (1, 1)
        """
        value = integer("index", index)
        if not 0 <= value < self._offsets[-1] + self._sizes[-1]:
            raise ValueError(f"index must be in [0, {self._offsets[-1] + self._sizes[-1]}), got {index!r}")
        s = bisect.bisect_right(self._offsets, value) - 1
        return s, value - self._offsets[s]

    def sources_of(self, indices: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The source of each global index (vectorised ``source_of(index)[0]``).

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> MixtureSampler([3, 5], [1, 1], seed=0).sources_of([0, 2, 3, 7]).tolist()
            [0, 0, 1, 1]
        """
        values = np.asarray(indices, dtype=np.int64)
        result: npt.NDArray[np.int64] = np.searchsorted(np.asarray(self._offsets), values, side="right") - 1
        return result

    @staticmethod
    def concat(datasets: Iterable[Any]) -> Any:
        """``torch.utils.data.ConcatDataset(datasets)``: the dataset a MixtureSampler over them indexes.

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> data = MixtureSampler.concat([["a", "b"], ["c", "d", "e"]])
            >>> sampler = MixtureSampler([["a", "b"], ["c", "d", "e"]], [1, 1], seed=0)
            >>> len(data), data[sampler.offsets[1] + 2]
            (5, 'e')
        """
        from torch.utils.data import ConcatDataset

        return ConcatDataset(list(datasets))

    # -- the epoch ------------------------------------------------------------------------------

    def __len__(self) -> int:
        """``num_samples``: the indices an epoch yields.

        Examples:
            >>> from ferrosampler import MixtureSampler
            >>> len(MixtureSampler([5, 5], [1, 2], num_samples=12, seed=0))
            12
        """
        return self._num_samples

    def _repr_fields(self) -> dict[str, Any]:
        return {
            "sizes": list(self._sizes),
            "phases": len(self._starts),
            "num_samples": self._num_samples,
            "permutation": self.permutation,
        }

    def _shape(self) -> tuple[int, int]:
        return self._offsets[-1] + self._sizes[-1], self._num_samples

    def _order_parameters(self) -> tuple[Any, ...]:
        return list(self._sizes), list(self._starts), self._weights, self._num_samples, self.permutation

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> Any:
        return self._plan.draws(seed, epoch, start, count, stride=stride)

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        # Spec §23.9: every occurrence of the item in the epoch, each found backwards from its pass (O(D) each).
        index = dataset_index(index, self._offsets[-1] + self._sizes[-1])
        epoch = epoch_value(epoch)
        for position in self._plan.positions(self._epoch_seed(seed), epoch, index):
            yield Position(epoch, int(position))
