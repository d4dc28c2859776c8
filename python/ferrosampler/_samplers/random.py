"""torch's RandomSampler: uniform permutations (spec §5) or uniform draws with replacement (spec §4)."""

from __future__ import annotations

from collections.abc import Iterator, Sized
from typing import TYPE_CHECKING, Any

from .._inputs.checks import (
    Permutation,
    boolean,
    dataset_index,
    epoch_value,
    permutation_value,
    positive_integer,
    sized_length,
)
from .._protocol.describe import safe_len
from .._protocol.iteration import CHUNK
from .._protocol.provenance import Position, block_positions, not_locatable
from ._random_epochs import _RandomEpochs

if TYPE_CHECKING:
    import torch


class RandomSampler(_RandomEpochs):
    """torch's RandomSampler: uniform permutations of ``range(len(data_source))`` (spec §5) or
    uniform draws with replacement (spec §4), keyed by (seed, epoch).

    Without replacement an epoch of ``num_samples`` indices is a sequence of independent
    permutations of length ``len(data_source)`` (the last one cut short), as in torch.
    Resume (``state_dict``/``load_state_dict``, spec §13) seeks in O(1) for draws with
    replacement and Feistel permutations; with Fisher–Yates the engine recomputes the
    resumed block's prefix itself (in Rust, nothing replayed through Python).

    Args:
        data_source: The dataset; only its ``len()`` is read, at construction (unless
            ``num_samples`` is given) and at the start of every epoch, as torch does.
        replacement: Draw with replacement (uniform, independent draws) instead of permuting.
        num_samples: Indices per epoch; default ``len(data_source)``, re-read each epoch.
        generator: A ``torch.Generator`` to draw each epoch's seed from, or an int: a fixed
            seed, like ``seed=``. None draws from torch's global generator (or, without torch,
            from the source ``ferrosampler.manual_seed`` seeds).
        seed: A fixed seed in [-2**63, 2**64) (reduced mod 2**64): epoch e is then the same
            on every machine and run, whatever the thread or worker count.
        permutation: ``"feistel"`` (default: random access, O(1) resume) or ``"fisher-yates"``
            (spec v1 output).

    Raises:
        ValueError: ``num_samples`` or ``len(data_source)`` is not positive, ``permutation`` is
            unknown, or both ``seed`` and ``generator`` are given.
        ArgumentTypeError: A wrong-typed argument (``replacement`` not a bool, ``num_samples``
            not an int, ``data_source`` without ``len()``, ``generator`` neither a
            torch.Generator nor an int).

    Examples:
        >>> from ferrosampler import RandomSampler
        >>> sampler = RandomSampler(range(10), seed=7)
        >>> len(sampler), sorted(sampler) == list(range(10))
        (10, True)
        >>> list(RandomSampler(range(10), seed=7)) == list(RandomSampler(range(10), seed=7))
        True

        With replacement, ``num_samples`` draws from ``range(5)``:

        >>> draws = list(RandomSampler(range(5), replacement=True, num_samples=8, seed=3))
        >>> len(draws), set(draws) <= set(range(5))
        (8, True)

        The pure-Python reference gives the same indices:

        >>> import ferrosampler.reference
        >>> list(ferrosampler.reference.RandomSampler(range(10), seed=7)) == list(RandomSampler(range(10), seed=7))
        True
    """

    _state_kind = "torch.RandomSampler"

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: torch.Generator | int | None = None,
        *,
        seed: int | None = None,
        permutation: Permutation = "feistel",
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
        """Indices per epoch: the ``num_samples`` given, else ``len(data_source)`` read now.

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> RandomSampler(range(10), seed=1).num_samples
            10
            >>> RandomSampler(range(10), num_samples=25, seed=1).num_samples
            25
        """
        if self._num_samples is None:
            return sized_length("data_source", self.data_source)
        return self._num_samples

    def __len__(self) -> int:
        """The number of indices an epoch yields: ``num_samples``.

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> len(RandomSampler(range(4), replacement=True, num_samples=9, seed=0))
            9
        """
        return self.num_samples

    def _repr_fields(self) -> dict[str, Any]:
        n = safe_len(self.data_source)
        num_samples = n if self._num_samples is None else self._num_samples
        fields: dict[str, Any] = {"n": n, "replacement": self.replacement, "num_samples": num_samples}
        if not self.replacement:
            fields["permutation"] = self.permutation
        return fields

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

    def _block(self, n: int) -> int | None:
        return n if not self.replacement and self.permutation == "fisher-yates" else None

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> Any:
        if self.replacement:
            return self._engine.uniform_draws(seed, epoch, n, start, count, stride=stride)
        return self._engine.permutation_stream(
            seed, self._engine.MAIN, epoch, n, start, count, stride=stride, permutation=self.permutation
        )

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        # Without replacement an epoch is permutation blocks of n (spec §25.3): one place per block it reaches.
        if self.replacement:
            raise not_locatable(self, "with replacement=True every index is an independent uniform draw")
        n, length = self._shape()
        index = dataset_index(index, n)
        epoch = epoch_value(epoch)
        key = self._epoch_seed(seed)
        for position in block_positions(self._engine, key, epoch, n, length, [index], self.permutation):
            yield Position(epoch, position)
