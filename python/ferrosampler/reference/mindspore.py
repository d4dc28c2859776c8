"""ferrosampler.mindspore's samplers with the pure-Python reference engine plugged in.

``ferrosampler.mindspore.X(*args)`` and ``ferrosampler.reference.mindspore.X(*args)`` must
yield the same indices; SequentialSampler and SubsetSampler draw nothing and are shared.
"""

from .. import mindspore as _mindspore
from . import _engine

Shuffle = _mindspore.Shuffle
SequentialSampler = _mindspore.SequentialSampler
SubsetSampler = _mindspore.SubsetSampler


class DistributedSampler(_mindspore.DistributedSampler):
    _engine = _engine


class PKSampler(_mindspore.PKSampler):
    _engine = _engine


class RandomSampler(_mindspore.RandomSampler):
    _engine = _engine


class SubsetRandomSampler(_mindspore.SubsetRandomSampler):
    _engine = _engine


class WeightedRandomSampler(_mindspore.WeightedRandomSampler):
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
