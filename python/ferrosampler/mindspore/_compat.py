"""MindSpore, imported if installed: Shuffle and the Sampler base class, with stand-ins without it."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

try:
    import mindspore._c_dataengine as cde
    import mindspore.dataset as ms_dataset
except ImportError:
    ms_dataset = None


if ms_dataset is not None and not TYPE_CHECKING:
    Shuffle = ms_dataset.Shuffle
    SamplerBase = ms_dataset.Sampler
else:
    # Type checkers (MindSpore has no type information) see these stand-ins, which have
    # MindSpore's Shuffle members and the attributes its Sampler.__init__ sets.

    class Shuffle(str, Enum):
        """mindspore.dataset.Shuffle, for use without MindSpore installed.

        Examples:
            >>> from ferrosampler.mindspore import Shuffle
            >>> Shuffle.GLOBAL.name
            'GLOBAL'
        """

        FALSE = "false"
        ADAPTIVE = "adaptive"
        GLOBAL = "global"
        PARTIAL = "partial"
        FILES = "files"
        INFILE = "infile"

    class SamplerBase:
        """The attributes mindspore.dataset.Sampler.__init__ sets, without MindSpore."""

        def __init__(self, num_samples: int | None = None) -> None:
            self.num_samples = num_samples
            self.dataset_size = 0
            self.child_sampler: Any = None


def config_seed() -> int | None:
    """mindspore.dataset.config's seed, or None without MindSpore."""
    return None if ms_dataset is None else ms_dataset.config.get_seed()


def builtin_sampler_class(name: str) -> type | None:
    """mindspore.dataset's own sampler class ``name``, or None without MindSpore."""
    return None if ms_dataset is None else getattr(ms_dataset, name, None)


def fast_recovery() -> bool:
    """mindspore.dataset.config's fast_recovery (how a failover reset replays the pipeline), True without MindSpore."""
    return True if ms_dataset is None else bool(ms_dataset.config.get_fast_recovery())


def prebuilt_sampler(view: Any) -> Any:
    """The C++ sampler object that drives ``view`` (only called inside a MindSpore pipeline)."""
    return cde.PreBuiltSamplerObj(0, view)
