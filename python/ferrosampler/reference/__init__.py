"""Pure-Python reference of docs/spec.md (standard library only in the engine).

The classes here are ferrosampler's classes with the pure-Python engine plugged in, so
``ferrosampler.X(*args)`` and ``ferrosampler.reference.X(*args)`` must yield the same
indices; run the project's conformance tests to check it on your machine.
"""

from .. import _balanced, _samplers
from . import _engine
from ._engine import SPEC_VERSION


class RandomSampler(_samplers.RandomSampler):
    """``ferrosampler.RandomSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> fast = ferrosampler.RandomSampler(range(10), seed=7)
        >>> slow = ferrosampler.reference.RandomSampler(range(10), seed=7)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class SubsetRandomSampler(_samplers.SubsetRandomSampler):
    """``ferrosampler.SubsetRandomSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> fast = ferrosampler.SubsetRandomSampler([5, 6, 7, 8], seed=1)
        >>> slow = ferrosampler.reference.SubsetRandomSampler([5, 6, 7, 8], seed=1)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class WeightedRandomSampler(_samplers.WeightedRandomSampler):
    """``ferrosampler.WeightedRandomSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> fast = ferrosampler.WeightedRandomSampler([0.5, 0.0, 2.0], num_samples=6, seed=3)
        >>> slow = ferrosampler.reference.WeightedRandomSampler([0.5, 0.0, 2.0], num_samples=6, seed=3)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class DistributedSampler(_samplers.DistributedSampler):
    """``ferrosampler.DistributedSampler`` on the pure-Python reference engine:
    same arguments, same indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> fast = ferrosampler.DistributedSampler(range(10), num_replicas=3, rank=1, seed=2)
        >>> slow = ferrosampler.reference.DistributedSampler(range(10), num_replicas=3, rank=1, seed=2)
        >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
        True
    """

    _engine = _engine


class DistributedWeightedSampler(_samplers.DistributedWeightedSampler):
    """``ferrosampler.DistributedWeightedSampler`` on the pure-Python engine: same arguments, same indices.

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> weights = [1.0, 0.0, 2.0, 3.0]
        >>> fast = ferrosampler.DistributedWeightedSampler(weights, num_replicas=2, rank=1, seed=6)
        >>> slow = ferrosampler.reference.DistributedWeightedSampler(weights, num_replicas=2, rank=1, seed=6)
        >>> list(slow) == list(fast)
        True
    """

    _engine = _engine


class PKBatchSampler(_samplers.PKBatchSampler):
    """``ferrosampler.PKBatchSampler`` on the pure-Python engine: same arguments, same batches.

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> labels = [0, 0, 1, 1, 2, 2]
        >>> fast = list(ferrosampler.PKBatchSampler(labels, p=2, k=2, seed=3))
        >>> list(ferrosampler.reference.PKBatchSampler(labels, p=2, k=2, seed=3)) == fast
        True
    """

    _engine = _engine


class LengthGroupedBatchSampler(_samplers.LengthGroupedBatchSampler):
    """``ferrosampler.LengthGroupedBatchSampler`` on the pure-Python engine: same arguments, same batches.

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> lengths = [5, 1, 9, 3, 3, 8, 2, 7]
        >>> fast = list(ferrosampler.LengthGroupedBatchSampler(lengths, 2, window=4, seed=3))
        >>> list(ferrosampler.reference.LengthGroupedBatchSampler(lengths, 2, window=4, seed=3)) == fast
        True
    """

    _engine = _engine


class MPerClassSampler(_samplers.MPerClassSampler):
    """``ferrosampler.MPerClassSampler`` on the pure-Python engine: same arguments, same indices.

    Examples:
        >>> import ferrosampler, ferrosampler.reference
        >>> labels = [0, 0, 1, 1, 2, 2]
        >>> fast = list(ferrosampler.MPerClassSampler(labels, m=2, length_before_new_iter=6, seed=3))
        >>> list(ferrosampler.reference.MPerClassSampler(labels, m=2, length_before_new_iter=6, seed=3)) == fast
        True
    """

    _engine = _engine


# No randomness, nothing to check: the same classes and functions.
SequentialSampler = _samplers.SequentialSampler
BatchSampler = _samplers.BatchSampler
# The wrapper draws nothing itself: the inner sampler's engine decides.
DistributedSamplerWrapper = _samplers.DistributedSamplerWrapper
class_balanced_weights = _balanced.class_balanced_weights
class_counts = _balanced.class_counts

__all__ = [
    "SPEC_VERSION",
    "BatchSampler",
    "DistributedSampler",
    "DistributedSamplerWrapper",
    "DistributedWeightedSampler",
    "LengthGroupedBatchSampler",
    "MPerClassSampler",
    "PKBatchSampler",
    "RandomSampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "class_balanced_weights",
    "class_counts",
]
