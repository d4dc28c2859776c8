"""Long Rust-vs-reference runs at larger sizes; `pytest -m slow` (minutes, not in the default suite)."""

from __future__ import annotations

import random

import numpy as np
import pytest

import ferrosampler._core as rust
from ferrosampler.reference import _engine as reference

pytestmark = pytest.mark.slow


def same(a, b) -> None:
    assert [int(x) for x in a] == [int(x) for x in b]


@pytest.mark.parametrize("seed", range(4))
def test_engines_agree_on_large_random_cases(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        s, e = rng.getrandbits(64), rng.getrandbits(56)
        n = rng.choice([rng.randint(1, 5000), 2 ** rng.randint(1, 12) + rng.choice([-1, 0, 1])])
        start, count = rng.randint(0, 3 * n), rng.randint(0, 2 * n)
        same(rust.permutation_stream(s, 0, e, n, start, count), reference.permutation_stream(s, 0, e, n, start, count))
        same(rust.uniform_draws(s, e, n, start, count), reference.uniform_draws(s, e, n, start, count))
        weights = [rng.choice([0.0, rng.random(), rng.expovariate(1e-3), 1e-200]) for _ in range(n)] + [1.0]
        fast, slow = rust.WeightTable(np.array(weights)), reference.WeightTable(weights)
        same(fast.alias_draws(s, e, start, count), slow.alias_draws(s, e, start, count))
        k = min(fast.nonzero, count)
        same(fast.without_replacement(s, e, k), slow.without_replacement(s, e, k))


def test_permutations_are_bijections_around_powers_of_two() -> None:
    for k in range(1, 21):
        for n in (2**k - 1, 2**k, 2**k + 1):
            out = rust.permutation_stream(k, 0, 0, n, 0, n)
            assert np.array_equal(np.sort(out), np.arange(n))
