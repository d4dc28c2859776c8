"""The Rust engine (its binding: src/python/). Every function is a pure function of its arguments;
docs/spec.md defines each one to the bit. Integer arguments refuse bools; ``WeightTable`` takes a
contiguous 1-D float64 array only."""

from collections.abc import Sequence
from typing import Final, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "CLASS_ORDER",
    "MAIN",
    "MIXTURE_ITEMS",
    "MIXTURE_ORDER",
    "PERMUTATIONS",
    "PK_CLASSES",
    "PK_ROWS",
    "SPEC_VERSION",
    "WITHOUT_REPLACEMENT",
    "ClassLayout",
    "IndexIterator",
    "LengthPlan",
    "LengthTable",
    "MixturePlan",
    "WeightTable",
    "__version__",
    "_set_min_chunk",
    "bounded",
    "bounded128",
    "expand_seed",
    "get_num_threads",
    "inverse_permutation",
    "kernel",
    "keystream_words",
    "permutation_stream",
    "set_num_threads",
    "stream_id",
    "strided_permutation",
    "uniform_draws",
]

MAIN: Final[int]
CLASS_ORDER: Final[int]
PK_CLASSES: Final[int]
PK_ROWS: Final[int]
MIXTURE_ORDER: Final[int]
MIXTURE_ITEMS: Final[int]
SPEC_VERSION: Final[int]
"""The version of docs/spec.md the engine implements: one seed gives the same indices everywhere within it."""
PERMUTATIONS: Final[tuple[str, ...]]
"""The block algorithms' names (spec §5), the default first."""
WITHOUT_REPLACEMENT: Final[tuple[str, ...]]
"""The algorithms of weighted sampling without replacement (spec §8), the default first."""
__version__: Final[str]

def expand_seed(seed: int) -> list[int]: ...
def stream_id(purpose: int, epoch: int) -> int: ...
def bounded(x: int, n: int) -> int: ...
def bounded128(x0: int, x1: int, r: int) -> int: ...
def keystream_words(seed: int, purpose: int, epoch: int, start: int, count: int) -> npt.NDArray[np.uint32]: ...
def uniform_draws(seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> npt.NDArray[np.int64]: ...
def permutation_stream(
    seed: int,
    purpose: int,
    epoch: int,
    n: int,
    start: int,
    count: int,
    permutation: str = "feistel",
    stride: int = 1,
) -> npt.NDArray[np.int64]: ...
def strided_permutation(
    seed: int,
    epoch: int,
    n: int,
    shuffle: bool,
    first: int,
    stride: int,
    count: int,
    permutation: str = "feistel",
) -> npt.NDArray[np.int64]: ...
def inverse_permutation(
    seed: int,
    purpose: int,
    epoch: int,
    n: int,
    block: int,
    values: npt.NDArray[np.int64] | Sequence[int],
    permutation: str = "feistel",
) -> npt.NDArray[np.int64]: ...
def kernel() -> str: ...
def get_num_threads() -> int: ...
def set_num_threads(n: int) -> None: ...
def _set_min_chunk(n: int) -> None: ...

@final
class IndexIterator:
    """The ints of a 1-D int64 array (copied), handed out one at a time; ``__length_hint__`` is exact."""

    def __new__(cls, values: npt.NDArray[np.int64], /) -> IndexIterator: ...
    def __iter__(self) -> IndexIterator: ...
    def __next__(self) -> int: ...
    def take(self, count: int, /) -> list[int]: ...
    def __length_hint__(self) -> int: ...
    def __reduce__(self) -> tuple[object, tuple[npt.NDArray[np.int64]]]: ...

@final
class WeightTable:
    def __new__(cls, weights: npt.NDArray[np.float64]) -> WeightTable: ...
    @property
    def n(self) -> int: ...
    @property
    def nonzero(self) -> int: ...
    def integer_weights(self) -> npt.NDArray[np.uint64]: ...
    def alias_table(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]: ...
    def alias_draws(self, seed: int, epoch: int, start: int, count: int, stride: int = 1) -> npt.NDArray[np.int64]: ...
    def without_replacement(self, seed: int, epoch: int, k: int, algorithm: str = "keys") -> npt.NDArray[np.int64]: ...
    def __len__(self) -> int: ...
    @staticmethod
    def _from_integer_weights(masses: list[int]) -> WeightTable: ...
    def __reduce__(self) -> tuple[object, tuple[list[int]]]: ...

@final
class ClassLayout:
    def __new__(cls, rows: npt.NDArray[np.int64], offsets: npt.NDArray[np.int64]) -> ClassLayout: ...
    @property
    def num_classes(self) -> int: ...
    def __len__(self) -> int: ...
    def pk_draws(
        self,
        seed: int,
        epoch: int,
        class_order: npt.NDArray[np.int64],
        num_val: int,
        start: int,
        count: int,
        stride: int = 1,
    ) -> npt.NDArray[np.int64]: ...
    def pk_batches(
        self, seed: int, epoch: int, p: int, k: int, replacement: bool, start: int, count: int, stride: int = 1
    ) -> npt.NDArray[np.int64]: ...
    def m_per_class_units(
        self, seed: int, epoch: int, group: int, m: int, start: int, count: int, stride: int = 1
    ) -> npt.NDArray[np.int64]: ...
    def __reduce__(self) -> tuple[object, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]: ...

@final
class LengthTable:
    def __new__(cls, lengths: npt.NDArray[np.int64]) -> LengthTable: ...
    def __len__(self) -> int: ...
    @property
    def total(self) -> int: ...
    def lengths(self) -> npt.NDArray[np.int64]: ...
    def plan(
        self,
        seed: int,
        epoch: int,
        batch_size: int | None,
        max_tokens: int | None,
        window: int,
        group: int,
        shuffle: bool,
        drop_last: bool,
        permutation: str = "feistel",
    ) -> LengthPlan: ...
    def __reduce__(self) -> tuple[object, tuple[npt.NDArray[np.int64]]]: ...

@final
class LengthPlan:
    @property
    def num_batches(self) -> int: ...
    @property
    def num_steps(self) -> int: ...
    @property
    def group(self) -> int: ...
    @property
    def distinct_batches(self) -> int: ...
    def locate(self, index: int) -> tuple[int, int, int, int] | None: ...
    def batches(
        self, start: int, count: int, stride: int = 1
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...

@final
class MixturePlan:
    BLOCK: Final[int]
    def __new__(
        cls, sizes: list[int], starts: list[int], weights: npt.NDArray[np.float64], num_samples: int
    ) -> MixturePlan: ...
    @property
    def sizes(self) -> list[int]: ...
    @property
    def offsets(self) -> list[int]: ...
    @property
    def starts(self) -> list[int]: ...
    @property
    def weights(self) -> npt.NDArray[np.float64]: ...
    @property
    def num_samples(self) -> int: ...
    @property
    def num_phases(self) -> int: ...
    @property
    def depth(self) -> int: ...
    def masses(self) -> list[list[int]]: ...
    def slot_source(self, phase: int, g: int) -> tuple[int, int]: ...
    def slot_count(self, phase: int, source: int, slots: int) -> int: ...
    def draws(self, seed: int, epoch: int, start: int, count: int, stride: int = 1) -> npt.NDArray[np.int64]: ...
    def positions(self, seed: int, epoch: int, index: int) -> list[int]: ...
    @staticmethod
    def exhausted_length(sizes: list[int], weights: npt.NDArray[np.float64], all_sources: bool) -> int: ...
    def __reduce__(
        self,
    ) -> tuple[object, tuple[list[int], list[int], npt.NDArray[np.float64], int]]: ...
