"""ferrosampler.mindspore's samplers with the pure-Python reference engine plugged in.

``ferrosampler.mindspore.X(*args)`` and ``ferrosampler.reference.mindspore.X(*args)`` must
yield the same indices; SequentialSampler and SubsetSampler draw nothing and are shared.
"""

from typing import TYPE_CHECKING

from .. import mindspore as _mindspore
from . import _engine
from ._twins import twins

if TYPE_CHECKING:  # the twins subclass these classes and take the same arguments
    from ..mindspore import *  # noqa: F403
else:
    globals().update(twins(_mindspore, _engine, __name__))

__all__ = []
__all__ += _mindspore.__all__
