"""The base of the MindSpore-compatible samplers: seed, epoch, dataset size and chaining."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import _core
from .._inputs.checks import epoch_value, seed_value
from .._protocol.counter import _EpochCounter
from .._protocol.describe import describe, safe_repr
from .._protocol.epoch import Affine, Epoch, Gathered, Seeked, SequentialEpoch, Whole
from .._protocol.iteration import CHUNK, chunk_bounds, flatten, int64, positioned_chunks
from .._protocol.progress import Place, Progress, serve
from .._protocol.state import check_state, fingerprint, make_state
from ._checks import dataset_size_value
from ._compat import SamplerBase, Shuffle, prebuilt_sampler
from ._pipeline import _PipelineView
from ._seeds import resolve_seed


class _ChainedSampler(_EpochCounter, SamplerBase):
    """Seed, epoch, dataset size and chain bookkeeping shared by the seven samplers.

    A subclass defines ``_length(n)`` (validates against the n rows it indexes and returns
    the epoch's count) and ``_positions(seed, epoch, n, k, start)`` (positions start … k − 1 into those rows)."""

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

    _repr_names: tuple[str, ...] = ("num_samples",)  # the public attributes __repr__ shows, in order

    def __repr__(self) -> str:
        """The parameters that define the order: the sampler's own, its seed, the dataset size if
        known, and the child's repr.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> RandomSampler(num_samples=4, seed=1, dataset_size=10)
            RandomSampler(replacement=False, num_samples=4, permutation='feistel', seed=1, dataset_size=10)
        """
        fields = {name: getattr(self, name, None) for name in self._repr_names}
        fields["seed"] = self._explicit_seed
        if self.dataset_size:
            fields["dataset_size"] = self.dataset_size
        text = describe(self, **fields)
        if self._child is None:
            return text
        return f"{text[:-1]}, child={safe_repr(self._child)})"

    # -- MindSpore chaining API -------------------------------------------------------------

    def add_child(self, sampler: _ChainedSampler | None) -> None:
        """Chain ``sampler`` under this one: the child runs first on the dataset, this sampler
        then indexes the child's output (``parent(child(dataset))``).

        Args:
            sampler: A sampler of ``ferrosampler.mindspore`` (None: nothing happens).

        Raises:
            TypeError: ``sampler`` is not a ferrosampler.mindspore sampler.
            RuntimeError: This sampler already has a child (or is a PKSampler).
            ValueError: The chain would become a cycle.

        Examples:
            >>> from ferrosampler.mindspore import SequentialSampler, SubsetSampler
            >>> parent = SequentialSampler(num_samples=3, dataset_size=10)
            >>> parent.add_child(SubsetSampler([9, 8, 7, 6, 5], dataset_size=10))
            >>> list(parent)
            [9, 8, 7]
        """
        if sampler is None:
            return
        if not isinstance(sampler, _ChainedSampler):
            raise TypeError(
                f"add_child expects a ferrosampler.mindspore sampler, got an object of type {type(sampler).__name__}"
            )
        if self._child is not None:
            raise RuntimeError("Cannot add child sampler, this sampler already has a child.")
        if any(member is self for member in sampler._chain()):
            raise ValueError("add_child would make the sampler chain a cycle")
        self._child = sampler
        self.child_sampler = sampler  # what Dataset.use_sampler reads
        if self._known_dataset_size():
            len(self)  # the chain's data-dependent checks, now that they can run

    def get_child(self) -> _ChainedSampler | None:
        """The child sampler added by ``add_child``, or None.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler, SubsetSampler
            >>> parent, child = RandomSampler(seed=1), SubsetSampler([1, 2])
            >>> parent.get_child() is None
            True
            >>> parent.add_child(child)
            >>> parent.get_child() is child
            True
        """
        return self._child

    def get_num_samples(self) -> int | None:
        """The configured cap as MindSpore computes it (the smaller of this sampler's and its
        child's, None when neither caps); ``len()`` is the count an epoch emits.

        Returns:
            The cap, or None.

        Examples:
            >>> from ferrosampler.mindspore import SequentialSampler, SubsetSampler
            >>> parent = SequentialSampler(num_samples=3)
            >>> parent.add_child(SubsetSampler([9, 8, 7, 6, 5]))
            >>> parent.get_num_samples(), SequentialSampler().get_num_samples()
            (3, None)
        """
        own = self._own_num_samples()
        if self._child is None:
            return own
        child = self._child.get_num_samples()
        if own is not None and child is not None:
            return min(own, child)
        return own if own is not None else child

    def _own_num_samples(self) -> int | None:
        return self.num_samples

    def is_shuffled(self) -> bool:
        """Whether the chain's bottom sampler shuffles (what MindSpore's pipeline asks).

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler, SequentialSampler
            >>> RandomSampler().is_shuffled(), SequentialSampler().is_shuffled()
            (True, False)
        """
        return self._child.is_shuffled() if self._child is not None else self._shuffles_itself()

    def is_sharded(self) -> bool:
        """Whether the chain's bottom sampler is a DistributedSampler of more than one shard.

        Examples:
            >>> from ferrosampler.mindspore import DistributedSampler, RandomSampler
            >>> RandomSampler().is_sharded(), DistributedSampler(2, 0).is_sharded()
            (False, True)
        """
        return self._child.is_sharded() if self._child is not None else False

    def _shuffles_itself(self) -> bool:
        return True

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (a ``Shuffle`` member).

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> RandomSampler().get_shuffle_mode().name
            'GLOBAL'
        """
        return Shuffle.GLOBAL

    def _chain(self) -> list[_ChainedSampler]:
        """This sampler and its descendants, top first."""
        members: list[_ChainedSampler] = []
        sampler: _ChainedSampler | None = self
        while sampler is not None:
            members.append(sampler)
            sampler = sampler._child
        return members

    # -- MindSpore pipeline protocol --------------------------------------------------------

    def parse(self) -> Any:
        """The C++ sampler object MindSpore's pipeline drives (called by MindSpore, which must be
        installed): it yields this chain's final row ids, one epoch per pipeline epoch.

        Returns:
            MindSpore's ``PreBuiltSamplerObj`` over a view of this sampler.
        """
        return prebuilt_sampler(_PipelineView(self))

    def __bool__(self) -> bool:
        # MindSpore tests `if self.sampler:`; without this, truth would call len() before the size is known.
        return True

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

    # -- seeds and epochs -------------------------------------------------------------------

    def _seed_and_fixed(self) -> tuple[int, bool]:
        with self._lock:
            if self._seed is None:
                self._seed = resolve_seed(self._explicit_seed)
            return self._seed

    def _stream_epoch(self, epoch: int, seed_fixed: bool) -> int:
        return epoch

    # -- indices ----------------------------------------------------------------------------

    def epoch_indices(self, epoch: int | None = None) -> npt.NDArray[np.int64]:
        """One whole epoch of row ids as an int64 array, computed by the engine.

        Args:
            epoch: None for the next epoch (what iterating would yield, the rest of a resumed
                epoch after ``load_state_dict``; the counter moves on), or an int in [0, 2**56)
                for that epoch, with no side effect.

        Returns:
            ``len(self)`` row ids (fewer after a mid-epoch resume).

        Raises:
            ValueError: The dataset size is not known yet, or ``epoch`` is out of range.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> sampler = RandomSampler(num_samples=4, seed=1, dataset_size=10)
            >>> first = sampler.epoch_indices(0)
            >>> first.dtype, len(first), sampler.epoch
            (dtype('int64'), 4, 0)
            >>> list(sampler) == first.tolist()
            True
        """
        size = self._dataset_size_or_raise()
        if epoch is not None:
            return self._chain_rows(epoch_value(epoch), size)
        epoch_number, start = self._begin(self._take_resume(counts_epochs=True))
        return self._chain_rows(epoch_number, size, start)

    def _begin(self, resume: Place | None) -> tuple[int, int]:
        """(epoch, first position) of an epoch that starts now: a loaded state's place, else the next epoch."""
        return (self._next_epoch(), 0) if resume is None else (resume.epoch, resume.position)

    def _chain_rows(self, epoch: int, dataset_size: int, start: int = 0) -> np.ndarray:
        """Positions [start, len) of this level's epoch; the levels below are computed whole, by the engine."""
        if self._child is None:
            n, rows = dataset_size, None
        else:
            rows = self._child._chain_rows(epoch, dataset_size)
            n = len(rows)
        seed, fixed = self._seed_and_fixed()
        k = self._length(n)
        positions = int64(self._positions(seed, self._stream_epoch(epoch, fixed), n, k, min(start, k)))
        return positions if rows is None else rows[positions]

    def __iter__(self) -> Iterator[int]:
        """The next epoch's row ids (the counter moves at the first ``next()``).

        Returns:
            An iterator over ``len(self)`` ints.

        Raises:
            ValueError: The dataset size is not known (raised at the first ``next()``).

        Examples:
            >>> from ferrosampler.mindspore import SequentialSampler
            >>> list(SequentialSampler(start_index=2, num_samples=3, dataset_size=10))
            [2, 3, 4]
        """
        # A C-level chain over chunk lists; the epoch counter moves at the first next(), not at iter().
        return flatten(self._chunks(self._take_resume(counts_epochs=True)))

    def _chunks(self, resume: Place | None) -> Iterator[Iterator[int]]:
        size = self._dataset_size_or_raise()
        epoch, start = self._begin(resume)
        rows = self._chain_rows(epoch, size, start)
        length = start + len(rows)
        progress = self._cursor = Progress(None, epoch, serve(length, start))

        def rows_at(position: int, count: int) -> np.ndarray:
            return rows[position - start : position - start + count]

        yield from positioned_chunks(progress, rows_at, chunk_bounds(start, length, CHUNK), prefetch=False)

    def _length(self, n: int) -> int:
        raise NotImplementedError

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> Any:
        """Positions [start, k) of this level's epoch of k over n rows, seeking where the engine can."""
        raise NotImplementedError

    # -- seeking hooks (DistributedSamplerWrapper, spec §15) ----------------------------------

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        """The chain's epoch: the top's epoch (counter stepped, a loaded state taken, as iterating does) drives
        every level; each level is read through its ``_seek``/``_affine`` hooks."""
        size = self._dataset_size_or_raise()
        number, _ = self._begin(self._take_resume(counts_epochs=True))
        return self._level_epoch(number, size)

    def _level_epoch(self, number: int, size: int) -> Epoch:
        # The child first, then this level's seed, as _chain_rows settles them (a drawn seed's order).
        child, below, rows = self._child, None, None
        n = size if child is None else child._chain_length(size)
        k = self._length(n)
        affine = self._affine(n, k)
        if child is not None and affine is not None:
            below = child._level_epoch(number, size)
        elif child is not None:
            rows = int64(child._chain_rows(number, size))  # a shuffling parent reads its child anywhere: computed whole
        seed, fixed = self._seed_and_fixed()
        if affine is not None:
            return Affine(below if below is not None else SequentialEpoch(n, None, number), k, *affine)
        self._weights_for_new_epoch()  # this epoch's weights, once, before any of its positions
        stream = self._stream_epoch(number, fixed)
        epoch_read: Epoch
        if self._seekable():

            def fetch(first: int, stride: int, count: int) -> Any:
                return int64(self._seek(seed, stream, n, k, first, stride, count))

            block = k if self._fisher_yates_read() else None  # one call: the prefix up to the largest offset read
            epoch_read = Seeked(k, None, number, fetch, block=block, how="regenerated" if block else "seeked")
        else:
            epoch_read = Whole(int64(self._seek(seed, stream, n, k, 0, 1, k)), None, number)
        return epoch_read if rows is None else Gathered(epoch_read, rows)

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

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> Any:
        """Positions first, first + stride, … (count of them, all < k) of this level's epoch of k over n rows,
        equal to ``_positions(seed, epoch, n, k, 0)[first::stride][:count]``: a strided engine read."""
        raise NotImplementedError

    # -- state_dict (spec §13) ----------------------------------------------------------------

    def _order_parameters(self) -> tuple[Any, ...]:
        """The parameters besides seed and dataset size that fix this level's order."""
        return ()

    def _fingerprint(self) -> str:
        levels = [(type(s).__name__, s._explicit_seed, s._order_parameters()) for s in self._chain()]
        return fingerprint(self._state_kind(), self._known_dataset_size(), levels)

    def _state_kind(self) -> str:
        return f"mindspore.{type(self).__name__}"

    def state_dict(self) -> dict[str, Any]:
        """The chain's progress as a small JSON-serialisable dict (spec §13).

        Returns:
            ``kind``, ``spec_version``, ``fingerprint`` (every level's parameters and the dataset
            size), the top's ``epoch`` and ``position``, and ``seeds``: each level's settled
            [seed, user-fixed] (None before its first epoch), top first.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> sampler = RandomSampler(seed=1, dataset_size=100)
            >>> iterator = iter(sampler)
            >>> taken = [next(iterator) for _ in range(5)]
            >>> state = sampler.state_dict()
            >>> state["kind"], state["epoch"], state["position"], state["seeds"]
            ('mindspore.RandomSampler', 0, 5, [[1, True]])
        """
        progress = self._progress()
        seeds = [None if s._seed is None else [s._seed[0], s._seed[1]] for s in self._chain()]
        return make_state(
            self._state_kind(),
            fingerprint=self._fingerprint(),
            epoch=progress.epoch,
            position=progress.position,
            seeds=seeds,
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resume from a ``state_dict()``: the next epoch produced (iteration or ``epoch_indices()``)
        is the rest of the saved one, positioned in the engine at the top level; later epochs
        follow as if never interrupted.

        Args:
            state: A dict from ``state_dict()`` of a chain with the same parameters and dataset size.

        Raises:
            ValueError: ``state`` is not such a dict; the message names the mismatched field.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> sampler = RandomSampler(seed=1, dataset_size=100)
            >>> iterator = iter(sampler)
            >>> taken = [next(iterator) for _ in range(5)]
            >>> resumed = RandomSampler(seed=1, dataset_size=100)
            >>> resumed.load_state_dict(sampler.state_dict())
            >>> list(resumed) == list(iterator)
            True
        """
        length = len(self)
        check_state(state, self._state_kind(), self._fingerprint(), length=length)
        levels = self._chain()
        seeds = state.get("seeds")
        if not isinstance(seeds, list) or len(seeds) != len(levels):
            raise ValueError(f"state['seeds'] must be a list of {len(levels)} entries (one per chain level)")
        for level, seed in zip(levels, seeds, strict=True):
            level._restore_seed(seed)
        self._set_resume(Place(state["epoch"], None, state["position"]))

    def _restore_seed(self, saved: Any) -> None:
        if saved is None:
            return
        valid = isinstance(saved, list) and len(saved) == 2 and isinstance(saved[1], bool)
        if not valid or isinstance(saved[0], bool) or not isinstance(saved[0], int) or not 0 <= saved[0] < 2**64:
            raise ValueError(f"state['seeds'] entries must be None or [seed, fixed], got {saved!r}")
        with self._lock:
            self._seed = (saved[0], saved[1])
