"""torch's sampler base classes when torch is installed, plain stand-ins otherwise.

Trainers (Lightning, accelerate, HF Trainer) and type checkers test ``isinstance(s, Sampler)`` and
``isinstance(s, DistributedSampler)``, so our classes derive from torch's own where torch exists.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

__all__ = ["TORCH_AVAILABLE", "BatchSamplerBase", "DistributedSamplerBase", "SamplerBase", "torch"]

TORCH_AVAILABLE = importlib.util.find_spec("torch") is not None

if TYPE_CHECKING:
    # Type checkers see torch's generic classes, parameterised as each sampler yields: Sampler[int],
    # BatchSampler's Sampler[list[int]] (at run time these are the same classes, unparameterised).
    import torch
    import torch.utils.data

    SamplerBase = torch.utils.data.Sampler[int]
    BatchSamplerBase = torch.utils.data.Sampler[list[int]]
    DistributedSamplerBase = torch.utils.data.DistributedSampler[int]
elif TORCH_AVAILABLE:
    import torch
    import torch.utils.data

    SamplerBase = BatchSamplerBase = torch.utils.data.Sampler
    DistributedSamplerBase = torch.utils.data.DistributedSampler
else:
    torch = None

    class SamplerBase:
        """Stands in for torch.utils.data.Sampler without torch."""

    class DistributedSamplerBase(SamplerBase):
        """Stands in for torch.utils.data.DistributedSampler without torch."""

    BatchSamplerBase = SamplerBase
