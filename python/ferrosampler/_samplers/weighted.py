"""torch's WeightedRandomSampler: alias draws with replacement (spec §7), successive sampling without (§8)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .._inputs.balanced import FromLabelsMixin
from .._inputs.checks import WITHOUT_REPLACEMENT, algorithm_value, boolean, positive_integer
from .._inputs.reweighting import Reweightable
from .._protocol.iteration import CHUNK
from .._protocol.provenance import Position, not_locatable
from ._algorithm import WithoutReplacementAlgorithm
from ._random_epochs import _RandomEpochs

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt
    import torch


class WeightedRandomSampler(FromLabelsMixin, Reweightable, WithoutReplacementAlgorithm, _RandomEpochs):
    """torch's WeightedRandomSampler: ``num_samples`` indices of ``range(len(weights))`` with
    P(i) ∝ weights[i], by an integer alias table with replacement (spec §7) and successive
    sampling without (spec §8: exponential keys on the engine's threads, or, with
    ``algorithm="sequential"``, spec v2's prefix-sum tree). ``set_weights`` replaces the weights
    from the next epoch on, ``from_labels`` builds them from class labels (spec §17, §21).

    The weights are validated and snapshotted (a read-only float64 copy) at construction:
    later edits to the input do not count. Resume (spec §13) seeks in O(1) with replacement;
    without replacement the engine recomputes the epoch's prefix itself (in Rust, nothing
    replayed through Python) and iteration continues after it. A state saved by spec v2
    resumes with the sequential algorithm it was saved with.

    Args:
        weights: 1-D non-negative, finite real weights (a list, numpy array or torch tensor),
            not all zero; they need not sum to 1.
        num_samples: Indices per epoch.
        replacement: Draw with replacement (default) or each index at most once.
        generator: A ``torch.Generator``, an int (a fixed seed) or None, as in RandomSampler.
        seed: A fixed seed in [-2**63, 2**64), as in RandomSampler.
        algorithm: Without replacement: ``"keys"`` (default: exponential keys, parallel) or
            ``"sequential"`` (spec v2's output); both draw exactly by successive sampling.

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
        algorithm: str = WITHOUT_REPLACEMENT[0],
    ) -> None:
        self.num_samples = positive_integer("num_samples", num_samples)
        self.replacement = boolean("replacement", replacement)
        self.algorithm = algorithm_value(algorithm)
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
        fields: dict[str, Any] = {"n": len(self.weights), "num_samples": self.num_samples}
        fields["replacement"] = self.replacement
        if not self.replacement:
            fields["algorithm"] = self.algorithm
        return fields

    def _shape(self) -> tuple[int, int]:
        self._weights_for_new_epoch()  # read once at the start of an epoch
        return len(self.weights), self.num_samples

    def _shape_in_effect(self) -> tuple[int, int]:
        return len(self.weights), self.num_samples

    def _chunk(self, n: int) -> int:
        return CHUNK if self.replacement else self.num_samples

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        if self.replacement:
            raise not_locatable(self, "every index is an independent weighted draw (spec §7)")
        raise not_locatable(self, "without replacement each draw depends on the earlier ones (spec §8)")

    def _order_parameters(self) -> tuple[Any, ...]:
        return self._weights_fingerprint, self.num_samples, self.replacement, *self._algorithm_parameters()

    def state_dict(self) -> dict[str, Any]:
        """The sampler's progress as a small JSON-serialisable dict (spec §13), with ``algorithm``.

        Examples:
            >>> from ferrosampler import WeightedRandomSampler
            >>> sampler = WeightedRandomSampler([1.0, 2.0, 3.0], 2, replacement=False, seed=1)
            >>> state = sampler.state_dict()
            >>> state["algorithm"], state["position"]
            ('keys', 0)
        """
        return {**super().state_dict(), **self._algorithm_field()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resume from a ``state_dict()`` (spec §13). Without replacement a state recording another ``algorithm``
        is refused; a state saved by spec v2 (no ``algorithm`` field) resumes with ``"sequential"``, its
        algorithm, which the sampler keeps from then on.

        Raises:
            ValueError: ``state`` does not match this sampler; the message names the field.

        Examples:
            >>> from ferrosampler import WeightedRandomSampler
            >>> old = WeightedRandomSampler([1.0, 2.0, 3.0], 2, replacement=False, seed=1, algorithm="sequential")
            >>> state = old.state_dict()
            >>> del state["algorithm"]  # as spec v2 saved it
            >>> resumed = WeightedRandomSampler([1.0, 2.0, 3.0], 2, replacement=False, seed=1)
            >>> resumed.load_state_dict(state)
            >>> resumed.algorithm
            'sequential'
        """
        self._load_with_algorithm(state, lambda: super(WeightedRandomSampler, self).load_state_dict(state))

    def _seekable(self) -> bool:
        return self.replacement  # spec §8 is sequential: each draw depends on the ones before it

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> Any:
        if self.replacement:
            return self._table.alias_draws(seed, epoch, start, count, stride=stride)
        return self._table.without_replacement(seed, epoch, start + count, self.algorithm)[start:]
