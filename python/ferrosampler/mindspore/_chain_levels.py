"""The base of a MindSpore-compatible sampler chain: one level's seed, its child, the dataset size and the
hooks each sampler class defines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from .. import _core
from .._inputs.checks import seed_value
from .._protocol.counter import _EpochCounter
from .._protocol.provenance import Position
from ._checks import dataset_size_value
from ._compat import SamplerBase
from ._seeds import resolve_seed

if TYPE_CHECKING:
    from ._chain import _ChainedSampler


class _ChainLevels(_EpochCounter, SamplerBase):
    """One level of a chain: its seed, its child, the dataset size under the chain, and the hooks.

    A sampler class defines ``_length(n)`` (validates against the n rows it indexes and returns
    the epoch's count), ``_positions(seed, epoch, n, k, start)`` (positions start … k − 1 into those rows) and
    ``_locator(world)`` (where its epoch serves a row: ``position_of``)."""

    _engine: Any = _core

    def __init__(self, num_samples: int | None, seed: int | None, dataset_size: int | None) -> None:
        # 0 ("all" to MindSpore) keeps Sampler.__init__ from calling len() before the size is known.
        super().__init__(0)
        self.num_samples = num_samples
        self._explicit_seed = None if seed is None else seed_value("seed", seed)
        self._seed: tuple[int, bool] | None = None
        self._child: _ChainedSampler | None = None
        self._start_epochs()
        if dataset_size is not None:
            self.set_dataset_size(dataset_size)

    def _chain(self) -> list[_ChainedSampler]:
        """This sampler and its descendants, top first."""
        members: list[_ChainedSampler] = []
        sampler: _ChainedSampler | None = cast("_ChainedSampler", self)  # every level is a _ChainedSampler
        while sampler is not None:
            members.append(sampler)
            sampler = sampler._child
        return members

    # -- dataset size -----------------------------------------------------------------------

    def set_dataset_size(self, dataset_size: int) -> None:
        """Set the number of rows of the dataset under the chain and check the chain against it
        (inside a MindSpore pipeline the pipeline does this).

        Args:
            dataset_size: The row count, in [1, 2**63 - 1].

        Raises:
            ValueError: ``dataset_size`` is out of range.
            RuntimeError: A data-dependent check fails (e.g. a start_index or subset id beyond it).

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> sampler = RandomSampler(seed=1)
            >>> sampler.set_dataset_size(5)
            >>> len(sampler), sorted(sampler)
            (5, [0, 1, 2, 3, 4])
        """
        size = dataset_size_value(dataset_size)
        self._chain_length(size)
        self.dataset_size = size

    def _implied_dataset_size(self) -> int:
        return 0

    def _known_dataset_size(self) -> int:
        for sampler in self._chain():
            size = sampler.dataset_size or sampler._implied_dataset_size()
            if size:
                return size
        return 0

    def _dataset_size_or_raise(self) -> int:
        size = self._known_dataset_size()
        if not size:
            raise ValueError(
                f"{type(self).__name__} needs the dataset size: use it in a MindSpore dataset, "
                "pass dataset_size=, or call set_dataset_size(n)"
            )
        return size

    def __len__(self) -> int:
        """The number of row ids an epoch emits (after every level's cap).

        Raises:
            ValueError: The dataset size is not known yet.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> len(RandomSampler(num_samples=4, dataset_size=10)), len(RandomSampler(num_samples=40, dataset_size=10))
            (4, 10)
        """
        return self._chain_length(self._dataset_size_or_raise())

    def _chain_length(self, dataset_size: int) -> int:
        n = dataset_size if self._child is None else self._child._chain_length(dataset_size)
        return self._length(n)

    # -- seeds ------------------------------------------------------------------------------

    def _seed_and_fixed(self) -> tuple[int, bool]:
        with self._lock:
            if self._seed is None:
                self._seed = resolve_seed(self._explicit_seed)
            return self._seed

    def _stream_epoch(self, epoch: int, seed_fixed: bool) -> int:
        return epoch

    # -- what each sampler class defines ----------------------------------------------------

    def _length(self, n: int) -> int:
        raise NotImplementedError

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> Any:
        """Positions [start, k) of this level's epoch of k over n rows, seeking where the engine can."""
        raise NotImplementedError

    def _shuffles_itself(self) -> bool:
        return True

    def _order_parameters(self) -> tuple[Any, ...]:
        """The parameters besides seed and dataset size that fix this level's order."""
        return ()

    def _weights_for_new_epoch(self) -> None:
        """Settles the weights an epoch starting now uses (WeightedRandomSampler's pending ``set_weights``)."""

    def _affine(self, n: int, k: int) -> tuple[int, int] | None:
        """(a, b) if position p of this level's epoch is always row (a + p·b) mod n (nothing drawn), else None."""
        return None

    def _seekable(self) -> bool:
        """Whether ``_seek`` computes only the positions it is asked for (else it computes the epoch whole)."""
        return True

    def _fisher_yates_read(self) -> bool:
        """Whether ``_seek`` computes a Fisher–Yates prefix (then the wrapper reads a level in one call)."""
        return getattr(self, "permutation", None) == "fisher-yates" and not getattr(self, "replacement", False)

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        """``places(value, n, epoch)``: the places where this level's epoch ``epoch`` over n rows serves row
        ``value`` (< n), positions ascending, each computed in O(1) (a subset's: O(log n)) with the inverse
        permutation (spec §25); a sharded level's carry their rank (every rank's when ``world``, else its own).
        A level whose epoch is made of draws raises ``not_locatable`` here, before anything is asked."""
        raise NotImplementedError

    def _length_on(self, n: int, rank: int | None) -> int:
        """``_length(n)`` on shard ``rank`` (None: this sampler's own) of a sharded level; the same for the others."""
        return self._length(n)

    def _shard_count(self) -> int | None:
        """The number of shards of a sharded level (its places name their rank), else None."""
        return None

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> Any:
        """Positions first, first + stride, … (count of them, all < k) of this level's epoch of k over n rows,
        equal to ``_positions(seed, epoch, n, k, 0)[first::stride][:count]``: a strided engine read."""
        raise NotImplementedError
