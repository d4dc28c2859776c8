"""The view of a sampler chain that MindSpore's C++ pipeline drives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._chain import _ChainedSampler


class _PipelineView:
    """What MindSpore's C++ sampler drives (it calls these five methods by name).

    MindSpore asks ``get_num_samples()`` for the exact epoch length, while the public
    ``get_num_samples()`` must report the configured cap, so the pipeline talks to this view.
    It is built by ``parse()`` on the pipeline's own deep copy of the sampler."""

    def __init__(self, sampler: _ChainedSampler) -> None:
        self._sampler = sampler

    def _handshake(self, dataset_size: int) -> None:
        self._sampler.set_dataset_size(dataset_size)

    def get_num_samples(self) -> int:
        return len(self._sampler)

    def get_indices(self) -> np.ndarray:
        return self._sampler.epoch_indices()

    def _get_batch_sizes(self) -> list[int]:
        return []  # not a batch sampler

    def reset(self) -> None:
        """The next get_indices() is the next epoch already."""
