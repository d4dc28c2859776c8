"""MindSpore, imported if installed: Shuffle and the Sampler base class, with stand-ins without it."""

from __future__ import annotations

from enum import Enum
from typing import Any

try:
    import mindspore._c_dataengine as cde
    import mindspore.dataset as ms_dataset
except ImportError:
    ms_dataset = None


if ms_dataset is not None:
    Shuffle = ms_dataset.Shuffle
    SamplerBase: Any = ms_dataset.Sampler
else:

    class Shuffle(str, Enum):  # type: ignore[no-redef]
        """mindspore.dataset.Shuffle, for use without MindSpore installed."""

        FALSE = "false"
        ADAPTIVE = "adaptive"
        GLOBAL = "global"
        PARTIAL = "partial"
        FILES = "files"
        INFILE = "infile"

    class SamplerBase:  # type: ignore[no-redef]
        """The attributes mindspore.dataset.Sampler.__init__ sets, without MindSpore."""

        def __init__(self, num_samples: int | None = None) -> None:
            self.num_samples = num_samples
            self.dataset_size = 0
            self.child_sampler: Any = None


def config_seed() -> int | None:
    """mindspore.dataset.config's seed, or None without MindSpore."""
    return None if ms_dataset is None else ms_dataset.config.get_seed()


def prebuilt_sampler(view: Any) -> Any:
    """The C++ sampler object that drives ``view`` (only called inside a MindSpore pipeline)."""
    return cde.PreBuiltSamplerObj(0, view)
