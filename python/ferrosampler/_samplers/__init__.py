"""torch.utils.data-compatible samplers on the ferrosampler engine, one module per family.

Each random sampler turns (seed, epoch) into one epoch of indices through one engine
function; ``_engine`` is the Rust extension here and the pure-Python reference in
``ferrosampler.reference``, so both build identical objects from identical arguments.
"""

from ._random_epochs import _RandomEpochs
from .batch import BatchSampler
from .distributed import DistributedSampler
from .distributed_weighted import DistributedWeightedSampler
from .length_grouped import LengthGroupedBatchSampler
from .m_per_class import MPerClassSampler
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
    "LengthGroupedBatchSampler",
    "MPerClassSampler",
    "PKBatchSampler",
    "RandomSampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "_RandomEpochs",
]
