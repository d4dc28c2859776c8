"""The MindSpore-compatible sampler chain's API: chaining, the configured cap, shuffle mode and the pipeline hook."""

from __future__ import annotations

from typing import Any

from .._protocol.describe import describe, safe_repr
from ._chain_places import _ChainPlaces
from ._compat import Shuffle, builtin_sampler_class, prebuilt_sampler
from ._pipeline import _PipelineView

# MindSpore's own sampler classes -> the class of this module family that takes over their parameters
_CONVERTED_FROM: dict[type, type[_ChainedSampler]] = {}


class _ChainedSampler(_ChainPlaces):
    """The base of the seven samplers: MindSpore's sampler API over a chain of levels
    (``_chain_levels``: seeds, dataset size, hooks; ``_chain_epochs``: epochs; ``_chain_state``: state_dict;
    ``_chain_places``: position_of)."""

    _repr_names: tuple[str, ...] = ("num_samples",)  # the public attributes __repr__ shows, in order

    def __init_subclass__(cls, mindspore: str | None = None, **kwargs: Any) -> None:
        """``class X(_ChainedSampler, mindspore="X")``: add_child converts MindSpore's own X into this class."""
        super().__init_subclass__(**kwargs)
        builtin = None if mindspore is None else builtin_sampler_class(mindspore)
        if builtin is not None:
            _CONVERTED_FROM[builtin] = cls

    @classmethod
    def _from_mindspore(cls, sampler: Any) -> _ChainedSampler:
        """This class with the parameters of ``sampler``, MindSpore's own sampler of the same name (its child aside)."""
        raise NotImplementedError

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

    def add_child(self, sampler: Any) -> None:
        """Chain ``sampler`` under this one: the child runs first on the dataset, this sampler
        then indexes the child's output (``parent(child(dataset))``).

        MindSpore's own SequentialSampler, SubsetSampler, SubsetRandomSampler, RandomSampler,
        DistributedSampler and WeightedRandomSampler (and chains of them) are converted to the
        samplers of this module with the same parameters, read now: so ``Dataset.add_sampler``
        works, which chains the new sampler over the dataset's current one (by default a
        RandomSampler, a SequentialSampler when the dataset was built with ``shuffle=False``).
        ``Dataset.use_sampler`` replaces the dataset's sampler instead.

        Args:
            sampler: A sampler of ``ferrosampler.mindspore``, one of MindSpore's that converts,
                or None (nothing happens).

        Raises:
            TypeError: ``sampler`` is neither (e.g. MindSpore's PKSampler, which has no labels=, or
                a user sampler).
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
        sampler = _chain_level(sampler)
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

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (a ``Shuffle`` member).

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> RandomSampler().get_shuffle_mode().name
            'GLOBAL'
        """
        return Shuffle.GLOBAL

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


def _chain_level(sampler: Any) -> _ChainedSampler:
    """``sampler`` as a level of a chain: itself, or MindSpore's own sampler converted (with its own child)."""
    if isinstance(sampler, _ChainedSampler):
        return sampler
    converts_to = _CONVERTED_FROM.get(type(sampler))
    if converts_to is None:
        names = ", ".join(sorted(builtin.__name__ for builtin in _CONVERTED_FROM))
        raise TypeError(
            f"add_child expects a ferrosampler.mindspore sampler or MindSpore's own {names or 'samplers'} "
            f"(converted with their parameters), got an object of type {type(sampler).__name__}. "
            "Dataset.add_sampler keeps the dataset's current sampler as the child; to replace it, use "
            "dataset.use_sampler(sampler), or pass sampler= when building the dataset"
        )
    level = converts_to._from_mindspore(sampler)
    level.add_child(getattr(sampler, "child_sampler", None))
    return level
