"""Pure-Python reference engine: docs/spec.md, step for step, with the spec's names.

One module per Rust module (``limits`` ↔ src/limits.rs, ``keystream`` ↔ src/keystream.rs, …):
every function has a twin of the same name and the same steps in the Rust extension
``ferrosampler._core``, and the two must agree bit for bit. Rust returns numpy arrays, this
package returns plain lists of ints. Standard library only, but for two constants it reads from the
Rust core, where they are written once: ``PERMUTATIONS``, the block algorithms' names, and
``WITHOUT_REPLACEMENT``, the without-replacement algorithms' names.
"""

from __future__ import annotations

from .bounded import bounded, bounded128
from .chacha import chacha_block
from .classes import ClassLayout
from .keystream import (
    CLASS_ORDER,
    LENGTH_STEPS,
    MAIN,
    MIXTURE_ITEMS,
    MIXTURE_ORDER,
    PK_CLASSES,
    PK_ROWS,
    Keystream,
    expand_seed,
    keystream_words,
    stream_id,
)
from .lengths import LengthPlan, LengthTable
from .limits import EPOCH_LIMIT, POPULATION_LIMIT, POSITION_LIMIT, WEIGHTS_LIMIT
from .mixture import MixturePlan
from .permutation import (
    PERMUTATIONS,
    SPARSE_RATIO,
    Bijection,
    Feistel,
    feistel_values,
    fisher_yates_prefix,
    inverse_permutation,
    permutation_stream,
    prefix_is_sparse,
    round_keys,
)
from .sharding import strided_permutation
from .threads import _set_min_chunk as _set_min_chunk
from .threads import get_num_threads, set_num_threads
from .uniform import uniform_draws
from .weights import (
    WITHOUT_REPLACEMENT,
    AliasTable,
    Fenwick,
    WeightTable,
    exponential,
    integer_weights,
    weighted_keys,
    weighted_without_replacement,
)

# The spec version this engine implements; a test checks it equals ferrosampler._core.SPEC_VERSION.
SPEC_VERSION = 3

__all__ = [
    "CLASS_ORDER",
    "EPOCH_LIMIT",
    "LENGTH_STEPS",
    "MAIN",
    "MIXTURE_ITEMS",
    "MIXTURE_ORDER",
    "PERMUTATIONS",
    "PK_CLASSES",
    "PK_ROWS",
    "POPULATION_LIMIT",
    "POSITION_LIMIT",
    "SPARSE_RATIO",
    "SPEC_VERSION",
    "WEIGHTS_LIMIT",
    "WITHOUT_REPLACEMENT",
    "AliasTable",
    "Bijection",
    "ClassLayout",
    "Feistel",
    "Fenwick",
    "Keystream",
    "LengthPlan",
    "LengthTable",
    "MixturePlan",
    "WeightTable",
    "bounded",
    "bounded128",
    "chacha_block",
    "expand_seed",
    "exponential",
    "feistel_values",
    "fisher_yates_prefix",
    "get_num_threads",
    "integer_weights",
    "inverse_permutation",
    "keystream_words",
    "permutation_stream",
    "prefix_is_sparse",
    "round_keys",
    "set_num_threads",
    "stream_id",
    "strided_permutation",
    "uniform_draws",
    "weighted_keys",
    "weighted_without_replacement",
]
