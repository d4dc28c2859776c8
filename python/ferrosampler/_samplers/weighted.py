"""torch's WeightedRandomSampler: alias draws with replacement (spec §7), successive sampling without (§8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._inputs.balanced import FromLabelsMixin
from .._inputs.checks import boolean, positive_integer
from .._inputs.reweighting import Reweightable
from .._protocol.iteration import CHUNK
from ._random_epochs import _RandomEpochs

if TYPE_CHECKING:
    import numpy.typing as npt
    import torch


class WeightedRandomSampler(FromLabelsMixin, Reweightable, _RandomEpochs):
    """torch's WeightedRandomSampler: ``num_samples`` indices of ``range(len(weights))`` with
    P(i) ∝ weights[i], by an integer alias table with replacement (spec §7) and exact
    successive sampling without (spec §8). ``set_weights`` replaces the weights from the next
    epoch on, ``from_labels`` builds them from class labels (spec §17, §21).

    The weights are validated and snapshotted (a read-only float64 copy) at construction:
    later edits to the input do not count. Resume (spec §13) seeks in O(1) with replacement;
    without replacement the draws are sequential, so the engine regenerates the epoch's
    prefix itself (in Rust, nothing replayed through Python) and iteration continues after it.

    Args:
        weights: 1-D non-negative, finite real weights (a list, numpy array or torch tensor),
            not all zero; they need not sum to 1.
        num_samples: Indices per epoch.
        replacement: Draw with replacement (default) or each index at most once.
        generator: A ``torch.Generator``, an int (a fixed seed) or None, as in RandomSampler.
        seed: A fixed seed in [-2**63, 2**64), as in RandomSampler.

    Raises:
        ValueError: ``num_samples`` is not positive, or above the number of non-zero weights
            without replacement; ``weights`` is not 1-D, has a negative, non-finite or too
            large value, or is all zero; both ``seed`` and ``generator`` are given.
        ArgumentTypeError: ``weights`` are not numbers, or another argument has a wrong type.

    Examples:
        >>> from collections import Counter
        >>> from ferrosampler import WeightedRandomSampler
        >>> sampler = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=1000, seed=5)
        >>> counts = Counter(sampler)
        >>> len(sampler), sorted(counts), 600 < counts[2] < 900
        (1000, [1, 2], True)

        Without replacement each index comes at most once:

        >>> sorted(WeightedRandomSampler([0.1, 0.0, 0.9, 0.5], num_samples=3, replacement=False, seed=1))
        [0, 2, 3]
    """

    _state_kind = "torch.WeightedRandomSampler"

    def __init__(
        self,
        weights: npt.ArrayLike,
        num_samples: int,
        replacement: bool = True,
        generator: torch.Generator | int | None = None,
        *,
        seed: int | None = None,
    ) -> None:
        self.num_samples = positive_integer("num_samples", num_samples)
        self.replacement = boolean("replacement", replacement)
        self._use_weights(self._prepare_weights(weights))
        super().__init__(seed, generator)

    def _draws_per_epoch(self) -> int:
        return self.num_samples

    def __len__(self) -> int:
        """``num_samples``: the indices an epoch yields.

        Examples:
            >>> from ferrosampler import WeightedRandomSampler
            >>> len(WeightedRandomSampler([1, 2], num_samples=7, seed=0))
            7
        """
        return self.num_samples

    def _repr_fields(self) -> dict[str, Any]:
        return {"n": len(self.weights), "num_samples": self.num_samples, "replacement": self.replacement}

    def _shape(self) -> tuple[int, int]:
        self._weights_for_new_epoch()  # read once at the start of an epoch
        return len(self.weights), self.num_samples

    def _shape_in_effect(self) -> tuple[int, int]:
        return len(self.weights), self.num_samples

    def _chunk(self, n: int) -> int:
        return CHUNK if self.replacement else self.num_samples

    def _order_parameters(self) -> tuple[Any, ...]:
        return self._weights_fingerprint, self.num_samples, self.replacement

    def _seekable(self) -> bool:
        return self.replacement  # spec §8 is sequential: each draw depends on the ones before it

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> Any:
        if self.replacement:
            return self._table.alias_draws(seed, epoch, start, count, stride=stride)
        return self._table.without_replacement(seed, epoch, start + count)[start:]
