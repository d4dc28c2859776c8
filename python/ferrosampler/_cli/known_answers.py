"""Spec v1 known answers (tests/golden/vectors.json has more).

They catch a change that would move both engines together, which comparing the two cannot.
Each entry is (a call on an engine module, the values it must return): data only, so a spec
revision changes this file alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

KnownAnswer = tuple[Callable[[Any], Any], list[int]]

KNOWN_ANSWERS: list[KnownAnswer] = [
    (lambda m: m.keystream_words(0, 0, 0, 0, 4), [764339688, 3214201139, 2799327745, 980649845]),
    (lambda m: m.permutation_stream(0, 0, 0, 10, 0, 10), [7, 3, 1, 2, 6, 5, 0, 8, 4, 9]),
    (lambda m: m.WeightTable(np.array([1.0, 0.0, 2.5, 1e-3])).alias_draws(0, 0, 0, 8), [2, 2, 0, 2, 2, 2, 2, 0]),
    (lambda m: m.strided_permutation(0, 0, 10, True, 1, 3, 4), [3, 6, 8, 7]),
]
