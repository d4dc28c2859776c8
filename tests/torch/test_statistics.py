"""Goodness of fit of the distributions themselves.

Every test uses fixed seeds, so it is deterministic: it cannot flake. Each asserts a
chi-square p-value above ALPHA = 1e-6, so a correct implementation fails a given test
for a given seed with probability 1e-6 (the false-alarm rate if the seeds were changed);
a biased table or shuffle fails it with near certainty at these sample sizes.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import ferrosampler as fs
from ferrosampler import _core as core

stats = pytest.importorskip("scipy.stats")
ALPHA = 1e-6


def p_value(observed: np.ndarray, expected: np.ndarray, ddof: int = 0) -> float:
    keep = expected > 0
    assert observed[~keep].sum() == 0, "an outcome with probability 0 occurred"
    return float(stats.chisquare(observed[keep], expected[keep], ddof=ddof).pvalue)


def test_alias_draws_follow_the_weights() -> None:
    weights = np.array([0.0, 1.0, 1e4, 3.5, 0.0, 2.0, 250.0, 0.01] * 8)
    draws = fs.WeightedRandomSampler(weights, 2_000_000, seed=12345).epoch_indices(0)
    observed = np.bincount(draws, minlength=len(weights))
    expected = weights / weights.sum() * len(draws)
    assert p_value(observed, expected) > ALPHA


def test_alias_draws_with_many_categories() -> None:
    rng = np.random.default_rng(7)
    weights = rng.pareto(1.5, 5000)
    draws = fs.WeightedRandomSampler(weights, 3_000_000, seed=99).epoch_indices(0)
    observed = np.bincount(draws, minlength=len(weights))
    expected = weights / weights.sum() * len(draws)
    # Pool categories into 200 quantile bins so expected counts are large.
    order = np.argsort(expected)
    bins = np.array_split(order, 200)
    assert p_value(np.array([observed[b].sum() for b in bins]), np.array([expected[b].sum() for b in bins])) > ALPHA


def test_uniform_draws_are_uniform() -> None:
    draws = fs.RandomSampler(range(1000), replacement=True, num_samples=2_000_000, seed=3).epoch_indices(0)
    observed = np.bincount(draws, minlength=1000)
    assert p_value(observed, np.full(1000, 2000.0)) > ALPHA


def test_all_permutations_of_five_are_equally_likely() -> None:
    n, blocks = 5, 240_000
    out = core.permutation_stream(2024, core.MAIN, 0, n, 0, n * blocks).reshape(blocks, n)
    codes = np.zeros(blocks, dtype=np.int64)
    for column in range(n):
        codes = codes * n + out[:, column]
    index = {sum(p[i] * n ** (n - 1 - i) for i in range(n)): k for k, p in enumerate(itertools.permutations(range(n)))}
    observed = np.bincount([index[c] for c in codes.tolist()], minlength=math.factorial(n))
    assert p_value(observed, np.full(math.factorial(n), blocks / math.factorial(n))) > ALPHA


def test_every_element_is_equally_likely_at_every_position() -> None:
    n, blocks = 40, 40_000
    out = core.permutation_stream(77, core.MAIN, 3, n, 0, n * blocks).reshape(blocks, n)
    table = np.zeros((n, n))
    for position in range(n):
        table[position] = np.bincount(out[:, position], minlength=n)
    expected = blocks / n
    statistic = float(((table - expected) ** 2 / expected).sum())
    assert stats.chi2.sf(statistic, (n - 1) ** 2) > ALPHA


def test_weighted_without_replacement_is_successive_sampling() -> None:
    weights = np.array([1.0, 2.0, 0.0, 4.0, 8.0, 0.5])
    table = core.WeightTable(weights)
    epochs = 60_000
    firsts, seconds = np.zeros(6), np.zeros(6)
    for epoch in range(epochs):
        a, b = table.without_replacement(31337, epoch, 2).tolist()
        firsts[a] += 1
        seconds[b] += 1
    total = weights.sum()
    p_first = weights / total
    p_second = np.array(
        [sum(p_first[i] * w / (total - weights[i]) for i in range(6) if i != j) for j, w in enumerate(weights)]
    )
    assert p_value(firsts, p_first * epochs) > ALPHA
    assert p_value(seconds, p_second * epochs) > ALPHA


def test_distributed_shards_see_every_element_equally_often_across_epochs() -> None:
    n, replicas, epochs = 12, 4, 30_000
    counts = np.zeros((replicas, n))
    sampler = [fs.DistributedSampler(range(n), replicas, r, seed=5) for r in range(replicas)]
    for epoch in range(epochs):
        for r in range(replicas):
            sampler[r].set_epoch(epoch)
            counts[r] += np.bincount(sampler[r].epoch_indices(), minlength=n)
    expected = epochs * (n // replicas) / n
    statistic = float(((counts - expected) ** 2 / expected).sum())
    assert stats.chi2.sf(statistic, (replicas - 1) * (n - 1)) > ALPHA
