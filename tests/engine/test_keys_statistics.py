"""Exponential keys (docs/spec.md §8.2) sample exactly by successive sampling: the frequencies of whole ordered
draws, first draws and pairwise inclusions over many seeds, against the exact successive-sampling probabilities
(enumerated from the integer masses), by chi-square.

Every test uses a fixed seed set, so it is deterministic: it cannot flake. Each asserts a p-value above ALPHA =
1e-6 (the false-alarm rate if the seeds were changed); a biased key (a wrong logarithm, a wrong tie rule, an
off-by-one draw) fails with near certainty at these sizes. The default run takes a fixed slice; the long sweep
is marked slow.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from ferrosampler import _core as core

stats = pytest.importorskip("scipy.stats")
ALPHA = 1e-6


def sequence_probabilities(masses: list[int], k: int) -> dict[tuple[int, ...], Fraction]:
    """Every ordered draw of k distinct indices and its exact successive-sampling probability."""
    total = sum(masses)
    out: dict[tuple[int, ...], Fraction] = {}
    for sequence in itertools.permutations([i for i, m in enumerate(masses) if m > 0], k):
        probability, left = Fraction(1), total
        for i in sequence:
            probability *= Fraction(masses[i], left)
            left -= masses[i]
        out[sequence] = probability
    return out


def draws(weights: list[float], k: int, seeds: range) -> list[tuple[int, ...]]:
    table = core.WeightTable(np.array(weights, dtype=np.float64))
    return [tuple(table.without_replacement(seed, 3, k, "keys").tolist()) for seed in seeds]


def p_value(observed: np.ndarray, expected: np.ndarray) -> float:
    keep = expected > 0
    assert observed[~keep].sum() == 0, "an outcome with probability 0 occurred"
    return float(stats.chisquare(observed[keep], expected[keep] * observed.sum() / expected[keep].sum()).pvalue)


def check_sequences(weights: list[float], k: int, seeds: range) -> None:
    masses = [int(m) for m in core.WeightTable(np.array(weights, dtype=np.float64)).integer_weights()]
    exact = sequence_probabilities(masses, k)
    cells = {sequence: index for index, sequence in enumerate(exact)}
    observed = np.zeros(len(cells))
    for sequence in draws(weights, k, seeds):
        observed[cells[sequence]] += 1  # a KeyError is an impossible draw (a zero weight, a repeat)
    expected = np.array([float(p) for p in exact.values()])
    assert p_value(observed, expected) > ALPHA


def check_first_and_pairs(weights: list[float], k: int, seeds: range) -> None:
    masses = [int(m) for m in core.WeightTable(np.array(weights, dtype=np.float64)).integer_weights()]
    n = len(masses)
    first, pairs = np.zeros(n), np.zeros((n, n))
    for sequence, probability in sequence_probabilities(masses, k).items():
        first[sequence[0]] += float(probability)
        for a, b in itertools.combinations(sorted(sequence), 2):
            pairs[a, b] += float(probability)
    seen_first, seen_pairs = np.zeros(n), np.zeros((n, n))
    for sequence in draws(weights, k, seeds):
        seen_first[sequence[0]] += 1
        for a, b in itertools.combinations(sorted(sequence), 2):
            seen_pairs[a, b] += 1
    assert p_value(seen_first, first) > ALPHA
    upper = np.triu_indices(n, 1)
    # Inclusion counts of the pairs are not a multinomial, but each pair's count is binomial: a z-score each.
    trials = len(seeds)
    p = pairs[upper]
    z = (seen_pairs[upper] - trials * p) / np.sqrt(np.maximum(trials * p * (1 - p), 1e-300))
    assert np.all(np.abs(z[p > 0]) < 5.5), "a pairwise inclusion frequency is off"
    assert np.all(seen_pairs[upper][p == 0] == 0)


# The weights: skewed, with zeros, a tie of masses and a tiny weight (its own index, never lost).
SMALL = [1.0, 2.0, 0.0, 4.0, 8.0, 0.5]
SPREAD = [3.0, 0.25, 1.0, 1.0, 0.0, 6.0, 1e-3, 2.0]


def test_whole_draws_follow_successive_sampling() -> None:
    check_sequences(SMALL, 3, range(30_000))


def test_first_draws_and_pairs_follow_successive_sampling() -> None:
    check_first_and_pairs(SPREAD, 4, range(20_000))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("weights", "k"),
    [(SMALL, 3), (SMALL, 5), (SPREAD, 2), ([1.0] * 6, 4), ([1.0, 1e6, 1.0, 2.0], 3)],
)
def test_whole_draws_long_sweep(weights: list[float], k: int) -> None:
    check_sequences(weights, k, range(1_000_000, 1_500_000))


@pytest.mark.slow
def test_first_draws_and_pairs_long_sweep() -> None:
    check_first_and_pairs([float(1 + i % 5) for i in range(12)] + [0.0, 0.3], 4, range(2_000_000, 2_400_000))
