"""``set_weights``: new sampling weights, checked at once as a constructor checks them, used from the next epoch."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._protocol.state import fingerprint
from .weights import torch_weights


class Reweightable:
    """Mixin for the weighted samplers. A subclass defines ``_prepare_weights(weights)`` (the constructor's
    checks and tables, returning what ``_use_weights`` installs) and calls ``_weights_for_new_epoch()``
    where an epoch starts; the epoch in progress never sees new weights."""

    weights: Any
    _engine: Any
    _table: Any
    _weights_digest: str | None = None

    def _weight_snapshot(self) -> np.ndarray:
        """The float64 weights in effect (a snapshot the sampler owns and never changes)."""
        return np.asarray(self.weights)

    @property
    def _weights_fingerprint(self) -> str:
        """The weights' fingerprint, computed at first use (a state_dict) rather than at every construction:
        hashing 10^7 weights costs about as much as building their alias table."""
        if self._weights_digest is None:
            self._weights_digest = fingerprint(self._weight_snapshot())
        return self._weights_digest

    def _draws_per_epoch(self) -> int:
        """How many draws an epoch makes (without replacement, at most the non-zero weights)."""
        raise NotImplementedError

    def _prepare_weights(self, weights: Any) -> Any:
        """torch's weights: validated, snapshotted as float64, and their table (the MindSpore sampler overrides)."""
        values = torch_weights(weights)
        table = self._engine.WeightTable(values)
        drawn = self._draws_per_epoch()
        if not getattr(self, "replacement", True) and drawn > table.nonzero:
            raise ValueError(
                f"num_samples should be at most the number of non-zero weights ({table.nonzero}) "
                f"when replacement=False, but got num_samples={drawn}"
            )
        return values, table

    def _use_weights(self, prepared: Any) -> None:
        self.weights, self._table = prepared
        self._weights_digest = None

    def set_weights(self, new_weights: Any) -> None:
        """Weights for the epochs that start from now on (one per row, as many as before).

        Checked now, with the constructor's errors; the epoch being iterated, if any, keeps the
        weights it started with. Calling it again before the next epoch replaces the pending weights."""
        prepared = self._prepare_weights(new_weights)
        if len(prepared[0]) != len(self.weights):
            raise ValueError(
                f"set_weights needs one weight per row as before: {len(self.weights)} weights, got {len(prepared[0])}"
            )
        self._pending_weights = prepared

    def _weights_for_new_epoch(self) -> None:
        """Called when an epoch starts: pending weights (from set_weights) take effect now."""
        pending = self.__dict__.pop("_pending_weights", None)
        if pending is not None:
            self._use_weights(pending)
