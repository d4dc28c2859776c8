"""ferrosampler: bit-exact, seekable dataset index samplers for PyTorch and MindSpore.

The torch.utils.data-compatible samplers live here; ``ferrosampler.mindspore`` has the
mindspore.dataset-compatible ones and ``ferrosampler.reference`` the pure-Python
reference implementation of docs/spec.md.

``SPEC_VERSION`` is the version of docs/spec.md the engine implements: the same seed gives the
same indices on every machine for one spec version.

Examples:
    >>> import ferrosampler, ferrosampler.reference
    >>> ferrosampler.SPEC_VERSION == ferrosampler.reference.SPEC_VERSION
    True
    >>> sampler = ferrosampler.RandomSampler(range(8), seed=1)
    >>> sorted(sampler) == list(range(8))
    True
"""

from . import _samplers
from ._core import SPEC_VERSION
from ._core import __version__ as __version__
from ._inputs.balanced import class_balanced_weights, class_counts
from ._inputs.checks import ArgumentTypeError
from ._inputs.seeding import manual_seed
from ._protocol.sharded import combine_states
from ._samplers import *  # noqa: F403  # the samplers: _samplers.__all__ is their one list

__all__ = [
    "SPEC_VERSION",
    "ArgumentTypeError",
    "class_balanced_weights",
    "class_counts",
    "combine_states",
    "manual_seed",
]
__all__ += _samplers.__all__
