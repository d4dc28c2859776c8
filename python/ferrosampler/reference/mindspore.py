"""ferrosampler.mindspore's samplers with the pure-Python reference engine plugged in.

``ferrosampler.mindspore.X(*args)`` and ``ferrosampler.reference.mindspore.X(*args)`` must
yield the same indices; SequentialSampler and SubsetSampler draw nothing and are shared.
"""

from .. import mindspore as _mindspore
from . import _engine

Shuffle = _mindspore.Shuffle
"""The same enum as ``ferrosampler.mindspore.Shuffle``."""
SequentialSampler = _mindspore.SequentialSampler
"""The same class as ``ferrosampler.mindspore.SequentialSampler``: it draws nothing."""
SubsetSampler = _mindspore.SubsetSampler
"""The same class as ``ferrosampler.mindspore.SubsetSampler``: it draws nothing."""


class DistributedSampler(_mindspore.DistributedSampler):
    """``ferrosampler.mindspore.DistributedSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler.mindspore, ferrosampler.reference.mindspore
        >>> fast = ferrosampler.mindspore.DistributedSampler(2, 1, seed=4, dataset_size=9)
        >>> slow = ferrosampler.reference.mindspore.DistributedSampler(2, 1, seed=4, dataset_size=9)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class PKSampler(_mindspore.PKSampler):
    """``ferrosampler.mindspore.PKSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler.mindspore, ferrosampler.reference.mindspore
        >>> fast = ferrosampler.mindspore.PKSampler(2, labels=[0, 0, 1, 1, 1], seed=5)
        >>> slow = ferrosampler.reference.mindspore.PKSampler(2, labels=[0, 0, 1, 1, 1], seed=5)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class RandomSampler(_mindspore.RandomSampler):
    """``ferrosampler.mindspore.RandomSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler.mindspore, ferrosampler.reference.mindspore
        >>> fast = ferrosampler.mindspore.RandomSampler(num_samples=4, seed=6, dataset_size=10)
        >>> slow = ferrosampler.reference.mindspore.RandomSampler(num_samples=4, seed=6, dataset_size=10)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class SubsetRandomSampler(_mindspore.SubsetRandomSampler):
    """``ferrosampler.mindspore.SubsetRandomSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler.mindspore, ferrosampler.reference.mindspore
        >>> fast = ferrosampler.mindspore.SubsetRandomSampler([3, 1, 4], seed=7, dataset_size=5)
        >>> slow = ferrosampler.reference.mindspore.SubsetRandomSampler([3, 1, 4], seed=7, dataset_size=5)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class WeightedRandomSampler(_mindspore.WeightedRandomSampler):
    """``ferrosampler.mindspore.WeightedRandomSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler.mindspore, ferrosampler.reference.mindspore
        >>> fast = ferrosampler.mindspore.WeightedRandomSampler([1, 0, 3], seed=8, dataset_size=3)
        >>> slow = ferrosampler.reference.mindspore.WeightedRandomSampler([1, 0, 3], seed=8, dataset_size=3)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


__all__ = [
    "DistributedSampler",
    "PKSampler",
    "RandomSampler",
    "SequentialSampler",
    "Shuffle",
    "SubsetRandomSampler",
    "SubsetSampler",
    "WeightedRandomSampler",
]
