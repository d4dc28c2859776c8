"""What spec §23.6 promises, checked on real epochs: the prefix bound at every L of epochs up to 10^6 (and over
whole runs), spot checks near position 2^40, whole passes across epoch boundaries, zero weights never drawn,
schedules switching exactly at their starts, and the exhaustion lengths' definition. Counts are vectorised
with numpy; the expected counts come from the masses, independently of the engine's slot arithmetic."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

import ferrosampler
from ferrosampler import _core

BLOCK = _core.MixturePlan.BLOCK


def depth(sources: int) -> int:
    return (sources - 1).bit_length()


def sources_of(plan, values: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(plan.offsets), values, side="right") - 1


def prefix_geometry(plan, length: int) -> tuple[np.ndarray, np.ndarray]:
    """For each prefix L = 1 … length of an epoch: its phase i (the last start below L) and r, the positions it
    holds of an unfinished block (0 when L ends a block or a phase)."""
    starts = np.asarray(plan.starts, dtype=np.int64)
    ends = np.append(starts[1:], plan.num_samples)
    lengths = np.arange(1, length + 1, dtype=np.int64)
    phase = np.searchsorted(starts, lengths, side="left") - 1
    into = lengths - starts[phase]
    r = into % BLOCK
    r[lengths == ends[phase]] = 0
    return phase, r


def expected_counts(plan, s: int, length: int) -> np.ndarray:
    """x_s(L) for L = 1 … length: Σ over the first L positions of the phase's share m_s / M (float64, exact to
    about 1e-9 at 10^6 positions)."""
    masses = plan.masses()
    starts = list(plan.starts)
    share = np.zeros(length, dtype=np.float64)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else plan.num_samples
        share[start : min(end, length)] = masses[i][s] / sum(masses[i])
    return np.cumsum(share)


def check_prefix_bound(plan, seed: int, epoch: int) -> float:
    """|count_s(L) − x_s(L)| < 2D·(i + 1) + r at every L, and < 2D·(i + 1) where a block or phase ends.
    Returns the largest error seen, relative to the bound."""
    n = plan.num_samples
    values = plan.draws(seed, epoch, 0, n)
    sources = sources_of(plan, values)
    phase, r = prefix_geometry(plan, n)
    d = depth(len(plan.sizes))
    worst = 0.0
    for s in range(len(plan.sizes)):
        counts = np.cumsum(sources == s, dtype=np.int64)
        error = np.abs(counts - expected_counts(plan, s, n))
        bound = 2 * d * (phase + 1) + r
        assert np.all(error < bound + 1e-6), (s, int(np.argmax(error - bound)))
        at_ends = r == 0
        assert np.all(error[at_ends] < 2 * d * (phase[at_ends] + 1) + 1e-6), s
        worst = max(worst, float(np.max(error / (bound + 1))))
    return worst


SIXTEEN = _core.MixturePlan(
    [10**6 + 7919 * s for s in range(16)], [0], np.array([1.0 + (s * 5) % 7 for s in range(16)]), 10**6
)


@pytest.mark.parametrize("epoch", [0, 5])
def test_prefix_bound_at_every_position_of_a_million_positions(epoch):
    check_prefix_bound(SIXTEEN, seed=3, epoch=epoch)


def test_prefix_bound_with_a_schedule():
    plan = _core.MixturePlan(
        [500, 70, 10**5, 3, 2**40],
        [0, 4097, 4200, 150_000],
        np.array([1, 2, 0, 0, 5, 0, 0, 1, 1, 0, 3, 1, 4, 1, 5, 0.5, 0.25, 0.125, 0.0625, 0.0625], dtype=np.float64),
        300_000,
    )
    for epoch in (0, 2):
        check_prefix_bound(plan, seed=11, epoch=epoch)


def random_plan(rng: random.Random):
    sources = rng.choice([1, 2, 3, 5, 16, 33, 64])
    sizes = [rng.choice([1, 7, 128, 129, 5000, 2**40]) for _ in range(sources)]
    n = rng.randrange(1, 10**6)
    phases = rng.randrange(1, 5) if n > 4 else 1
    starts = [0, *sorted(rng.sample(range(1, n), phases - 1))]
    weights = []
    for _ in starts:
        row = [rng.choice([0.0, 1.0, 0.1, 3.0, 1e-9, rng.random()]) for _ in range(sources)]
        row[rng.randrange(sources)] = 1.0
        weights += row
    return _core.MixturePlan(sizes, starts, np.array(weights, dtype=np.float64), n)


def test_prefix_bound_on_a_random_plan():
    check_prefix_bound(random_plan(random.Random(2026)), seed=5, epoch=1)


@pytest.mark.slow
@pytest.mark.parametrize("case", range(30))
def test_prefix_bound_on_random_plans(case):
    rng = random.Random(case)
    plan = random_plan(rng)
    for epoch in (0, rng.randrange(1, 1000)):
        check_prefix_bound(plan, seed=case, epoch=epoch)


def test_the_bound_is_not_vacuous():
    # i.i.d. choices with the same weights break the block-end bound at once (drift ~ sqrt(L)).
    rng = np.random.default_rng(1)
    masses = np.array(SIXTEEN.masses()[0], dtype=np.float64)
    sources = rng.choice(16, size=10**5, p=masses / masses.sum())
    counts = np.cumsum(sources == 0)
    expected = np.arange(1, 10**5 + 1) * masses[0] / masses.sum()
    ends = np.arange(BLOCK, 10**5 + 1, BLOCK) - 1
    assert np.max(np.abs(counts - expected)[ends]) > 2 * depth(16)


def test_no_drift_over_whole_runs():
    # Counted from the run's start, epoch after epoch: |count − x| < D + r (one phase: the stream never restarts).
    plan = _core.MixturePlan([3, 1000, 77], [0], np.array([0.3, 0.5, 0.2]), 100_003)
    epochs = 4
    values = np.concatenate([plan.draws(9, e, 0, plan.num_samples) for e in range(epochs)])
    sources = sources_of(plan, values)
    masses = plan.masses()[0]
    p = np.arange(1, len(values) + 1) % plan.num_samples  # prefixes ending at an epoch end: p = 0
    r = p % BLOCK
    for s, m in enumerate(masses):
        error = np.abs(np.cumsum(sources == s) - np.arange(1, len(values) + 1) * (m / sum(masses)))
        assert np.all(error < depth(3) + r + 1e-6), s


def test_spot_checks_near_position_2_to_the_40():
    n = 2**41 + 12_345
    plan = _core.MixturePlan([2**48, 5, 2**30, 999, 2**20], [0], np.array([0.4, 0.1, 0.2, 0.2, 0.1]), n)
    masses = plan.masses()[0]
    total = sum(masses)
    d = depth(5)
    for epoch in (0, 2):
        first = (2**40 // BLOCK - 4) * BLOCK  # a block-aligned window of 8 blocks around 2^40
        values = plan.draws(21, epoch, first, 8 * BLOCK)
        counts = Counter(sources_of(plan, values).tolist())
        base = epoch * n  # the slot stream continues across epochs
        for s, m in enumerate(masses):
            before = plan.slot_count(0, s, base + first)
            after = plan.slot_count(0, s, base + first + 8 * BLOCK)
            assert counts[s] == after - before, s  # whole blocks hold exactly their slots
            # No drift at 2^40: the stream's count is within D of its exact share (Python integers).
            assert abs(before * total - (base + first) * m) < d * total, s
            assert abs(counts[s] * total - 8 * BLOCK * m) < 2 * d * total, s
        # A strided read there is the same positions.
        assert plan.draws(21, epoch, first + 5, 100, stride=77).tolist() == values[5::77][:100].tolist()


def test_passes_run_across_epoch_boundaries():
    # Shares 1/20, 16/20, 3/20 of 200 positions: exactly 10, 160 and 30 an epoch.
    sampler = ferrosampler.MixtureSampler([10, 500, 37], [1, 16, 3], num_samples=200, seed=3)
    seen: Counter[int] = Counter()
    for epoch in range(12):
        values = sampler.epoch_indices(epoch).tolist()
        seen.update(values)
        for s, (size, offset) in enumerate(zip(sampler.sizes, sampler.offsets, strict=True)):
            counts = [seen[offset + j] for j in range(size)]
            low, extra = divmod(sum(counts), size)
            assert all(c in (low, low + 1) for c in counts), (epoch, s)
            assert sum(c == low + 1 for c in counts) == extra, (epoch, s)
        # Source 0 gets 10 positions an epoch, 10 items: each epoch is one whole pass.
        assert sorted(v for v in values if v < 10) == list(range(10))
    # Source 2 (37 items, 30 an epoch): epoch 1 shows the 7 items epoch 0 missed.
    first, second = ({v for v in sampler.epoch_indices(e).tolist() if v >= 510} for e in (0, 1))
    assert len(first) == 30 and set(range(510, 547)) - first <= second


def test_zero_weights_never_appear():
    sampler = ferrosampler.MixtureSampler(
        [5, 6, 7, 8], [(0, [1, 0, 2, 0]), (700, [0, 1, 0, 0]), (1500, [3, 0, 0, 1])], num_samples=2600, seed=4
    )
    allowed = [{0, 2}, {1}, {0, 3}]
    for epoch in range(3):
        sources = sampler.sources_of(sampler.epoch_indices(epoch))
        for phase, (lo, hi) in enumerate([(0, 700), (700, 1500), (1500, 2600)]):
            assert set(sources[lo:hi].tolist()) == allowed[phase], (epoch, phase)


def test_schedules_switch_exactly_at_their_starts():
    for family in (ferrosampler, ferrosampler.reference):
        sampler = family.MixtureSampler(
            [50, 60, 70], [(0, [1, 0, 0]), (123, [0, 1, 0]), (2000, [0, 0, 1])], num_samples=2345, seed=8
        )
        sources = sampler.sources_of(sampler.epoch_indices(1))
        assert (sources[:123] == 0).all() and (sources[123:2000] == 1).all() and (sources[2000:] == 2).all()
    # Mixed phases: each complete phase instance holds its shares to within 2D.
    sampler = ferrosampler.MixtureSampler([50, 60, 70], [(0, [1, 1, 2]), (1000, [5, 0, 1])], num_samples=3000, seed=1)
    sources = sampler.sources_of(sampler.epoch_indices(4))
    for (lo, hi), weights in [((0, 1000), [1, 1, 2]), ((1000, 3000), [5, 0, 1])]:
        counts = np.bincount(sources[lo:hi], minlength=3)
        assert np.all(np.abs(counts - (hi - lo) * np.array(weights) / sum(weights)) < 2 * depth(3))


@pytest.mark.parametrize("which", ["first_exhausted", "all_exhausted"])
def test_exhaustion_lengths_are_the_shortest_epochs(which):
    rng = random.Random(which)
    for _ in range(25):
        sources = rng.randrange(1, 6)
        sizes = [rng.randrange(1, 60) for _ in range(sources)]
        weights = [rng.choice([0.0, 1.0, 2.5, 0.1]) for _ in range(sources)]
        weights[rng.randrange(sources)] = 1.0
        length = len(ferrosampler.MixtureSampler(sizes, weights, which, seed=2))
        assert complete(sizes, weights, which, length), (sizes, weights)
        assert length == 1 or not complete(sizes, weights, which, length - 1), (sizes, weights)


def complete(sizes: list[int], weights: list[float], which: str, length: int) -> bool:
    """Whether some (first_exhausted) or every (all_exhausted) source with weight has shown as many positions as
    items in epoch 0 of that length."""
    sampler = ferrosampler.MixtureSampler(sizes, weights, num_samples=length, seed=2)
    counts = np.bincount(sampler.sources_of(sampler.epoch_indices(0)), minlength=len(sizes))
    test = any if which == "first_exhausted" else all
    return test(counts[s] >= sizes[s] for s in range(len(sizes)) if weights[s] > 0)
