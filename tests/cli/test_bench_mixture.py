"""The mixture bench cases time the right work: each setup's result checked against an independent computation
(no timing asserted)."""

from __future__ import annotations

import pytest

import ferrosampler as fs
from ferrosampler._cli import bench_mixture
from ferrosampler._cli.bench_cases import CASES
from ferrosampler.reference._engine.mixture import MixturePlan


def test_the_cases_are_listed() -> None:
    assert {"mixture-bulk", "mixture-seek", "mixture-peer"} <= set(CASES)


@pytest.mark.parametrize("n", [1, 15, 16, 1000, 4099])
def test_bulk_times_a_whole_16_source_epoch_against_random(n) -> None:
    sizes = bench_mixture.source_sizes(n)
    assert len(sizes) == 16 and (sum(sizes) == n or n < 16)
    ours = bench_mixture.mixture_bulk(n)()
    assert (
        ours.tolist() == fs.MixtureSampler(sizes, list(range(1, 17)), num_samples=n, seed=0).epoch_indices(0).tolist()
    )
    assert sorted(bench_mixture.random_bulk(n)().tolist()) == list(range(n))


@pytest.mark.parametrize("position", [0, bench_mixture.SEEK_POSITION])
def test_seek_reads_rank_3_of_8_from_the_position(position) -> None:
    count = 6
    served = CASES["mixture-seek"].ours(count)() if position else CASES["mixture-seek"].base(count)()
    plan = MixturePlan([1 << 46] * 16, [0], [1.0 + s for s in range(16)], 1 << 51)
    # Global position g is rank g mod 8's; resumed at a multiple of 8, rank 3 serves g = position + 3 + 8k.
    assert served == plan.draws(0, 0, position + 3, count, 8)


def test_peer_yields_n_items_of_the_same_sources() -> None:
    pytest.importorskip("torchdata")
    n = 2000
    theirs = CASES["mixture-peer"].base(n)()
    ours = CASES["mixture-peer"].ours(n)()
    assert len(theirs) == len(ours) == n
    assert all(0 <= index < n for index in theirs) and sorted(ours) != list(range(n))
