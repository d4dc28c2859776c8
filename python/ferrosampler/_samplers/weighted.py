"""torch's WeightedRandomSampler: alias draws with replacement (spec §7), successive sampling without (§8)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._balanced import FromLabelsMixin
from .._checks import boolean, positive_integer
from .._iteration import CHUNK
from .._reweighting import Reweightable
from .._state import fingerprint
from .._weights import torch_weights
from ._random_epochs import _RandomEpochs


class WeightedRandomSampler(FromLabelsMixin, Reweightable, _RandomEpochs):
    """P(i) ∝ weights[i]: integer alias table with replacement (spec §7), exact
    successive sampling without (spec §8). Weights are validated and snapshotted here;
    ``set_weights`` replaces them from the next epoch on, ``from_labels`` builds them (spec §17, §21).

    Resume (spec §13) seeks in O(1) with replacement; without replacement the draws are
    sequential, so the engine regenerates the epoch's prefix itself (in Rust, nothing
    replayed through Python) and iteration continues after it."""

    _state_kind = "torch.WeightedRandomSampler"

    def __init__(
        self,
        weights: Any,
        num_samples: int,
        replacement: bool = True,
        generator: Any = None,
        *,
        seed: int | None = None,
    ) -> None:
        self.num_samples = positive_integer("num_samples", num_samples)
        self.replacement = boolean("replacement", replacement)
        self._use_weights(self._prepare_weights(weights))
        super().__init__(seed, generator)

    def _prepare_weights(self, weights: Any) -> tuple[np.ndarray, Any, str]:
        values = torch_weights(weights)
        table = self._engine.WeightTable(values)
        if not self.replacement and self.num_samples > table.nonzero:
            raise ValueError(
                f"num_samples should be at most the number of non-zero weights ({table.nonzero}) "
                f"when replacement=False, but got num_samples={self.num_samples}"
            )
        return values, table, fingerprint(values)  # once per snapshot, which never changes

    def _use_weights(self, prepared: tuple[np.ndarray, Any, str]) -> None:
        self.weights, self._table, self._weights_fingerprint = prepared

    def __len__(self) -> int:
        return self.num_samples

    def _shape(self) -> tuple[int, int]:
        self._weights_for_new_epoch()  # read once at the start of an epoch
        return len(self.weights), self.num_samples

    def _chunk(self, n: int) -> int:
        return CHUNK if self.replacement else self.num_samples

    def _order_parameters(self) -> tuple[Any, ...]:
        return self._weights_fingerprint, self.num_samples, self.replacement

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> Any:
        if self.replacement:
            return self._table.alias_draws(seed, epoch, start, count)
        return self._table.without_replacement(seed, epoch, start + count)[start:]
