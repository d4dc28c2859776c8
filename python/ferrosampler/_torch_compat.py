"""torch's sampler base classes when torch is installed, plain stand-ins otherwise.

Trainers (Lightning, accelerate, HF Trainer) and type checkers test ``isinstance(s, Sampler)`` and
``isinstance(s, DistributedSampler)``, so our classes derive from torch's own where torch exists.
"""

from __future__ import annotations

import importlib.util
from typing import Any

TORCH_AVAILABLE = importlib.util.find_spec("torch") is not None

if TORCH_AVAILABLE:
    import torch
    import torch.utils.data

    SamplerBase: Any = torch.utils.data.Sampler
    DistributedSamplerBase: Any = torch.utils.data.DistributedSampler
else:
    torch: Any = None  # type: ignore[no-redef]

    class SamplerBase:  # type: ignore[no-redef]
        """Stands in for torch.utils.data.Sampler without torch."""

    class DistributedSamplerBase(SamplerBase):  # type: ignore[no-redef]
        """Stands in for torch.utils.data.DistributedSampler without torch."""
