"""MindSpore's WeightedRandomSampler: alias draws (spec §7) or successive sampling without replacement (§8:
exponential keys, or spec v2's sequential draws with ``algorithm="sequential"``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .._inputs.balanced import FromLabelsMixin
from .._inputs.checks import WITHOUT_REPLACEMENT, algorithm_value
from .._inputs.reweighting import Reweightable
from .._inputs.weights import is_real_number, mindspore_weights
from .._protocol.iteration import int64
from .._protocol.provenance import Position, not_locatable
from .._samplers._algorithm import WithoutReplacementAlgorithm
from ._chain import _ChainedSampler
from ._checks import boolean, capped, num_samples_value


class WeightedRandomSampler(
    FromLabelsMixin, Reweightable, WithoutReplacementAlgorithm, _ChainedSampler, mindspore="WeightedRandomSampler"
):
    """k = min(num_samples or N, N) indices of [0, len(weights)) with P(i) ∝ weights[i]:
    alias draws with replacement (spec §7), successive sampling without (spec §8) followed
    by the zero-weight indices in ascending order. Under a user-fixed seed every epoch is
    the same (MindSpore reseeds identically each epoch). Resume seeks in O(1) with
    replacement; without, the engine regenerates the epoch's draws itself (in Rust).
    ``set_weights`` replaces the weights from the next epoch on; ``from_labels`` builds them (spec §17).

    Args:
        weights: A list of non-negative finite real numbers, not all zero (one number is
            wrapped in a list, as MindSpore does).
        num_samples: Row ids per epoch (None or 0: N).
        replacement: Draw with replacement (default) or each row at most once.
        seed: A fixed seed (then every epoch is the same); default: MindSpore's config seed, or a fresh one.
        dataset_size: The row count when used outside a MindSpore pipeline.

    Raises:
        TypeError: A weight is not a real number, or another argument has a wrong type.
        RuntimeError: ``weights`` is empty, negative, all zero or not finite; ``len(weights)``
            exceeds the dataset size, or is below ``num_samples`` without replacement.
        ValueError: A weight does not convert to float64, or ``num_samples`` is out of range.

    Examples:
        >>> from ferrosampler.mindspore import WeightedRandomSampler
        >>> sampler = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=3, replacement=False, seed=2, dataset_size=3)
        >>> sorted(sampler)
        [0, 1, 2]
        >>> fixed = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=5, seed=2, dataset_size=3)
        >>> list(fixed) == list(fixed), 0 in list(fixed)
        (True, False)
    """

    _repr_names: tuple[str, ...] = ("num_samples", "replacement")

    def __init__(
        self,
        weights: list[float] | float,
        num_samples: int | None = None,
        replacement: bool = True,
        *,
        seed: int | None = None,
        dataset_size: int | None = None,
        algorithm: str = WITHOUT_REPLACEMENT[0],
    ) -> None:
        prepared = self._prepare_weights(weights)
        num_samples = num_samples_value(num_samples)
        self.replacement = boolean("replacement", replacement)
        self.algorithm = algorithm_value(algorithm)
        if not self.replacement:
            self._repr_names = (*self._repr_names, "algorithm")
        self._use_weights(prepared)
        super().__init__(num_samples, seed, dataset_size)

    @classmethod
    def _from_mindspore(cls, sampler: Any) -> WeightedRandomSampler:
        return cls(sampler.weights, sampler.num_samples, sampler.replacement)

    @classmethod
    def _labels_weights(cls, weights: np.ndarray) -> Any:
        return weights.tolist()

    def _prepare_weights(self, weights: Any) -> tuple[list[Any], np.ndarray, Any]:
        if not isinstance(weights, list):
            weights = [weights]  # MindSpore's wrapping: a tuple or ndarray then fails the element check
        for position, weight in enumerate(weights):
            if not is_real_number(weight):
                raise TypeError(
                    f"type of weights element must be number, but got w[{position}]: {weight}, type: {type(weight)}."
                )
        values = mindspore_weights(weights)
        return weights, values, self._engine.WeightTable(values)

    def _use_weights(self, prepared: tuple[list[Any], np.ndarray, Any]) -> None:
        self.weights, self._weight_values, self._table = prepared
        self._zero_weight_ids = np.flatnonzero(self._weight_values == 0)
        self._weights_digest = None

    def _weight_snapshot(self) -> np.ndarray:
        return self._weight_values

    def _stream_epoch(self, epoch: int, seed_fixed: bool) -> int:
        return 0 if seed_fixed else epoch

    def _length(self, n: int) -> int:
        if len(self.weights) > n:
            raise RuntimeError(
                "Invalid parameter, size of sample weights must be less than or equal to num of data, otherwise "
                f"might cause generated id out of bound or other errors, but got weight size: {len(self.weights)}, "
                f"num of data: {n}"
            )
        k = capped(self.num_samples, n)
        if not self.replacement and len(self.weights) < k:
            raise RuntimeError(
                "Invalid parameter, without replacement, weight size must be greater than or equal to num_samples, "
                f"but got weight size: {len(self.weights)}, num_samples: {k}"
            )
        return k

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> Any:
        self._weights_for_new_epoch()  # called once per epoch, before any of its positions
        if self.replacement:
            return self._table.alias_draws(seed, epoch, start, k - start)
        drawn = self._table.without_replacement(seed, epoch, min(k, self._table.nonzero), self.algorithm)
        # Zero weights have key +inf in MindSpore's Efraimidis–Spirakis: last, by index.
        return np.concatenate([int64(drawn), self._zero_weight_ids[: k - len(drawn)]])[start:]

    def _seekable(self) -> bool:
        return bool(self.replacement)

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        if self.replacement:
            raise not_locatable(self, "every index is an independent weighted draw (spec §7)")
        raise not_locatable(self, "without replacement each draw depends on the earlier ones (spec §8)")

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> Any:
        # Without replacement (spec §8) the draws are computed whole and sliced.
        if self.replacement:
            return self._table.alias_draws(seed, epoch, first, count, stride)
        drawn = self._table.without_replacement(seed, epoch, min(k, self._table.nonzero), self.algorithm)
        whole = np.concatenate([int64(drawn), self._zero_weight_ids[: k - len(drawn)]])
        return whole[first : first + count * stride : stride]

    def _order_parameters(self) -> tuple[Any, ...]:
        return self._weights_fingerprint, self.num_samples, self.replacement, *self._algorithm_parameters()
