"""The view of a sampler chain that MindSpore's C++ pipeline drives, and what it can follow of a failover reset."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from .._inputs import limits as _limits
from ._compat import fast_recovery

if TYPE_CHECKING:
    from ._chain import _ChainedSampler

SLOW_RECOVERY_WARNING = (
    "ferrosampler.mindspore: mindspore.dataset.config.get_fast_recovery() is False. MindSpore's in-process "
    "failover reset (_reset_training_dataset, Model's fault recovery) then replays the pipeline's epochs "
    "through the same calls as new epochs, which a sampler cannot tell apart, so the rows after such a reset "
    "would not be the ones the interrupted run would have read. Recover through a new iterator with "
    "dataset.set_init_step(step) instead (docs/getting-started-mindspore.md, 'Recovering after a failure')."
)


class _PipelineView:
    """What MindSpore's C++ sampler drives (it calls these five methods by name).

    MindSpore asks ``get_num_samples()`` for the exact epoch length, while the public
    ``get_num_samples()`` must report the configured cap, so the pipeline talks to this view.
    It is built by ``parse()`` on the pipeline's own deep copy of the sampler, once per iterator:
    MindSpore keeps this object (and its C++ sampler) across a failover reset.

    Failover (MindSpore 2.10): ordinarily ``reset()`` follows every fetched epoch. A fast-recovery
    reset (``ds.config.get_fast_recovery()``, the default) to global step s of an iterator whose
    epochs have d steps replays the iterator's epochs 0 … s // d through ``get_indices()`` alone:
    one call per epoch to skip, then the epoch to resume, with no ``reset()`` in between. The view
    recognises a fetch that follows a fetch and serves the iterator's epoch that MindSpore is
    replaying. Nothing marks a replay that starts with a single fetch (s < d), or any slow-recovery
    replay, which runs through the ordinary ``get_indices()``/``reset()`` calls: those the sampler
    serves as new epochs, and slow recovery is warned of."""

    def __init__(self, sampler: _ChainedSampler) -> None:
        self._sampler = sampler
        self._first_epoch: int | None = None  # the sampler's epoch that is the iterator's epoch 0
        self._fetched = False  # an epoch was fetched and no reset() has followed it
        self._replayed = 0  # fetches since the last reset(), after the first: the iterator epoch replayed
        self._warned = False

    def _handshake(self, dataset_size: int) -> None:
        self._sampler.set_dataset_size(dataset_size)
        self._warn_if_slow_recovery()

    def get_num_samples(self) -> int:
        return len(self._sampler)

    def get_indices(self) -> np.ndarray:
        if self._first_epoch is None:
            self._first_epoch = self._sampler.epoch
        elif self._fetched:  # a failover replay: this fetch is the iterator's epoch `_replayed`
            self._replayed += 1
            self._sampler.set_epoch((self._first_epoch + self._replayed) % _limits.EPOCH_LIMIT)
        self._fetched = True
        return self._sampler.epoch_indices()

    def _get_batch_sizes(self) -> list[int]:
        return []  # not a batch sampler

    def reset(self) -> None:
        """The next get_indices() is the next epoch already."""
        self._fetched = False
        self._replayed = 0
        self._warn_if_slow_recovery()

    def _warn_if_slow_recovery(self) -> None:
        # MindSpore reads the setting when it resets, so it is looked at again at every epoch.
        if not self._warned and not fast_recovery():
            self._warned = True
            warnings.warn(SLOW_RECOVERY_WARNING, RuntimeWarning, stacklevel=2)
