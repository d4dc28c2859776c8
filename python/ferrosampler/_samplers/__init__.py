"""torch.utils.data-compatible samplers on the ferrosampler engine, one module per family.

This module's ``__all__`` is the one list of samplers: ``ferrosampler`` exports it and
``ferrosampler.reference`` derives its twins from it. Each random sampler turns (seed, epoch)
into one epoch of indices through its ``_engine``: the Rust extension here, the pure-Python
reference in ``ferrosampler.reference``, so both build identical objects from identical arguments.
"""

from .batch import BatchSampler
from .distributed import DistributedSampler
from .distributed_weighted import DistributedWeightedSampler
from .infinite import InfiniteSampler
from .length_grouped import LengthGroupedBatchSampler
from .m_per_class import MPerClassSampler
from .mixture import MixtureSampler
from .pk_batches import PKBatchSampler
from .random import RandomSampler
from .sequential import SequentialSampler
from .subset import SubsetRandomSampler
from .weighted import WeightedRandomSampler
from .wrapper import DistributedSamplerWrapper

__all__ = [
    "BatchSampler",
    "DistributedSampler",
    "DistributedSamplerWrapper",
    "DistributedWeightedSampler",
    "InfiniteSampler",
    "LengthGroupedBatchSampler",
    "MPerClassSampler",
    "MixtureSampler",
    "PKBatchSampler",
    "RandomSampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]
