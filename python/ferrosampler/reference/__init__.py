"""Pure-Python reference of docs/spec.md (standard library only in the engine).

The classes here are ferrosampler's classes with the pure-Python engine plugged in, so
``ferrosampler.X(*args)`` and ``ferrosampler.reference.X(*args)`` must yield the same
indices; run the project's conformance tests to check it on your machine.
"""

from .. import _balanced, _samplers
from . import _engine
from ._engine import SPEC_VERSION


class RandomSampler(_samplers.RandomSampler):
    _engine = _engine


class SubsetRandomSampler(_samplers.SubsetRandomSampler):
    _engine = _engine


class WeightedRandomSampler(_samplers.WeightedRandomSampler):
    _engine = _engine


class DistributedSampler(_samplers.DistributedSampler):
    _engine = _engine


class DistributedWeightedSampler(_samplers.DistributedWeightedSampler):
    _engine = _engine


class PKBatchSampler(_samplers.PKBatchSampler):
    _engine = _engine


class MPerClassSampler(_samplers.MPerClassSampler):
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
    "MPerClassSampler",
    "PKBatchSampler",
    "RandomSampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "class_balanced_weights",
    "class_counts",
]
