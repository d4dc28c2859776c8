"""torch's RandomSampler: uniform permutations (spec §5) or uniform draws with replacement (spec §4)."""

from __future__ import annotations

from typing import Any

from .._checks import boolean, permutation_value, positive_integer, sized_length
from .._iteration import CHUNK
from ._random_epochs import _RandomEpochs


class RandomSampler(_RandomEpochs):
    """Uniform permutations (blocks of len(data_source), spec §5) or uniform draws with
    replacement (spec §4). ``permutation="feistel"`` (default, random access) or
    ``"fisher-yates"`` (spec v1 output) picks the permutation.

    Resume (``state_dict``/``load_state_dict``, spec §13) seeks in O(1) for draws with
    replacement and Feistel permutations; with Fisher–Yates the engine recomputes the
    resumed block's prefix itself (in Rust, nothing replayed through Python)."""

    _state_kind = "torch.RandomSampler"

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
        *,
        seed: int | None = None,
        permutation: str = "feistel",
    ) -> None:
        self.replacement = boolean("replacement", replacement)
        self.permutation = permutation_value(permutation)
        self.data_source = data_source
        self._num_samples = None if num_samples is None else positive_integer("num_samples", num_samples)
        if self._num_samples is None:
            positive_integer("num_samples", sized_length("data_source", data_source))
        super().__init__(seed, generator)

    @property
    def num_samples(self) -> int:
        if self._num_samples is None:
            return sized_length("data_source", self.data_source)
        return self._num_samples

    def __len__(self) -> int:
        return self.num_samples

    def _shape(self) -> tuple[int, int]:
        n = sized_length("data_source", self.data_source)
        if n == 0:
            raise ValueError("data_source is empty: RandomSampler needs at least one element")
        return n, self.num_samples

    def _chunk(self, n: int) -> int:
        if self.replacement or self.permutation == "feistel":
            return CHUNK
        return n * max(1, CHUNK // n)  # whole Fisher–Yates blocks, so no block's prefix is computed twice

    def _order_parameters(self) -> tuple[Any, ...]:
        permutation = None if self.replacement else self.permutation
        return len(self.data_source), self.num_samples, self.replacement, permutation

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> Any:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, start, count)
        return self._engine.permutation_stream(
            seed, self._engine.MAIN, epoch, n, start, count, permutation=self.permutation
        )
