"""Pure-Python reference of docs/spec.md (standard library only in the engine).

The classes here are ferrosampler's classes with the pure-Python engine plugged in, so
``ferrosampler.X(*args)`` and ``ferrosampler.reference.X(*args)`` must yield the same
indices; run the project's conformance tests to check it on your machine. A sampler that
draws nothing (SequentialSampler, BatchSampler, DistributedSamplerWrapper: the inner
sampler's engine decides) is the same class as ferrosampler's.

Examples:
    >>> import ferrosampler, ferrosampler.reference
    >>> fast = ferrosampler.RandomSampler(range(10), seed=7)
    >>> slow = ferrosampler.reference.RandomSampler(range(10), seed=7)
    >>> slow.epoch_indices().tolist() == fast.epoch_indices().tolist()
    True
    >>> ferrosampler.reference.BatchSampler is ferrosampler.BatchSampler
    True
"""

from typing import TYPE_CHECKING

from .. import _samplers
from .._inputs import balanced as _balanced
from . import _engine
from ._engine import SPEC_VERSION
from ._twins import twins

if TYPE_CHECKING:  # the twins subclass these classes and take the same arguments
    from .._samplers import *  # noqa: F403
else:
    globals().update(twins(_samplers, _engine, __name__))

class_balanced_weights = _balanced.class_balanced_weights
"""The same function as ``ferrosampler.class_balanced_weights``: it draws nothing."""
class_counts = _balanced.class_counts
"""The same function as ``ferrosampler.class_counts``: it draws nothing."""

__all__ = ["SPEC_VERSION", "class_balanced_weights", "class_counts"]
__all__ += _samplers.__all__
