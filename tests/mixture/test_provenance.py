"""Where an item is served in a mixture's epoch (spec §23.9): ``positions_of`` is every occurrence, in position
order, on both engines and under DistributedSamplerWrapper; Rust == reference; no epoch is computed for it."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ferrosampler
import ferrosampler.reference
from ferrosampler import _core
from ferrosampler.reference import _engine as ref
from ferrosampler.reference._engine.mixture import slot_select, slot_source

from .test_conformance import plans

SMALL = [
    ([5, 300, 40], [3.0, 1.0, 2.0], 2000),  # source 0 up-weighted: each item about 240 times an epoch
    ([3, 2000, 17, 1], [(0, [1.0, 0.0, 1.0, 0.5]), (700, [0.0, 1.0, 2.0, 0.0]), (1500, [1.0, 1.0, 1.0, 1.0])], 2300),
    ([1500, 900], [1.0, 1.0], 1100),  # down-weighted: many items served 0 times
    ([200] * 9, [1.0 + s for s in range(9)], 1025),  # a last block of one position
]


@pytest.mark.parametrize("family", [ferrosampler, ferrosampler.reference], ids=["rust", "reference"])
@pytest.mark.parametrize(("sizes", "weights", "num_samples"), SMALL)
def test_every_position_of_small_epochs(family, sizes, weights, num_samples):
    sampler = family.MixtureSampler(sizes, weights, num_samples=num_samples, seed=11)
    for epoch in (0, 1, 6):
        indices = sampler.epoch_indices(epoch)
        for index in range(sum(sizes)):
            where = [place.position for place in sampler.positions_of(index, epoch)]
            assert where == np.flatnonzero(indices == index).tolist(), (epoch, index)
            first = sampler.position_of(index, epoch)
            assert (first is None and not where) or (first is not None and first.position == where[0])
        for p in range(0, num_samples, 7):
            place = sampler.position_of(int(indices[p]), epoch)
            assert place is not None and indices[place.position] == indices[p] and place.position <= p


def test_an_unseeded_sampler_answers_for_a_states_seed():
    sampler = ferrosampler.MixtureSampler([30, 70], [1.0, 4.0], num_samples=500)
    iterator = iter(sampler)
    served = [next(iterator) for _ in range(500)]
    seed = sampler.state_dict()["epoch_seed"]
    places = list(sampler._locate(served[123], 0, seed, True))
    assert 123 in [place.position for place in places]
    with pytest.raises(ValueError, match="fixed seed"):
        sampler.position_of(0, 0)


@pytest.mark.parametrize("seed", range(4))
def test_random_positions_at_n_up_to_2_40(seed):
    rng = random.Random(seed)
    sizes = [rng.randrange(2**36, 2**39) for _ in range(5)]
    num_samples = rng.choice([2**40, 2**40 - 3, rng.randrange(2**38, 2**40)])
    schedule = [(0, [rng.random() + 0.01 for _ in sizes]), (num_samples // 3, [1.0, 0.0, 2.0, 3.0, 0.5])]
    sampler = ferrosampler.MixtureSampler(sizes, schedule, num_samples=num_samples, seed=seed)
    plan = sampler._plan
    for _ in range(25):
        epoch, p = rng.randrange(3), rng.randrange(num_samples)
        index = int(plan.draws(seed, epoch, p, 1)[0])
        places = sampler.positions_of(index, epoch)
        assert p in [place.position for place in places]
        positions = [place.position for place in places]
        assert positions == sorted(positions) and len(positions) < 100
        assert all(int(plan.draws(seed, epoch, q, 1)[0]) == index for q in positions)


@pytest.mark.parametrize("replicas", [2, 3, 8])
def test_under_distributed_sampler_wrapper(replicas):
    def shard(rank):
        inner = ferrosampler.MixtureSampler([7, 500, 60], [(0, [4.0, 1.0, 1.0]), (300, [1.0, 1.0, 1.0])], 1001, seed=5)
        return ferrosampler.DistributedSamplerWrapper(inner, num_replicas=replicas, rank=rank)

    ranks = [shard(rank) for rank in range(replicas)]
    for epoch in (0, 2):
        served = []
        for sampler in ranks:
            sampler.set_epoch(epoch)
            served.append(list(sampler))
        for index in (0, 3, 6, 7, 250, 506, 507, 566):
            places = ranks[0].positions_of(index, epoch)
            expected = sorted(
                (rank + position * replicas, rank, position)
                for rank in range(replicas)
                for position, value in enumerate(served[rank])
                if value == index
            )
            assert [(p.global_position, p.rank, p.position) for p in places] == expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), plan=plans(), seed=st.integers(0, 2**64 - 1))
def test_positions_are_the_references(data, plan, seed):
    sizes, _, _, num_samples = plan
    fast, slow = _core.MixturePlan(*plan), ref.MixturePlan(*plan)
    epoch = data.draw(st.integers(0, min(5, 2**64 // num_samples - 1)))
    position = data.draw(st.integers(0, num_samples - 1))
    index = int(fast.draws(seed, epoch, position, 1)[0])
    source = int(np.searchsorted(np.cumsum(sizes), index, side="right"))
    assume(num_samples // sizes[source] <= 500)  # at most a few hundred occurrences
    got = fast.positions(seed, epoch, index)
    assert got == slow.positions(seed, epoch, index)
    assert position in got
    other = data.draw(st.integers(0, sum(sizes) - 1))
    if num_samples // sizes[int(np.searchsorted(np.cumsum(sizes), other, side="right"))] <= 500:
        assert fast.positions(seed, epoch, other) == slow.positions(seed, epoch, other)


@given(plan=plans(), g=st.integers(0, 2**40))
@settings(max_examples=150, deadline=None)
def test_slot_select_inverts_slot_source(plan, g):
    prefixes = ref.MixturePlan(*plan)._prefixes
    for prefix in prefixes:
        s, j = slot_source(prefix, g)
        assert slot_select(prefix, s, j) == g


@pytest.mark.parametrize("engine", [_core, ref], ids=["rust", "reference"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 0, 350), r"index must be in \[0, 350\), got index=350"),
        ((0, 0, -1), r"index must be in \[0, 350\), got index=-1"),
        ((-1, 0, 0), "seed"),
        ((0, 2**56, 0), "epoch"),
        ((0, 2**63, 0), "epoch"),
    ],
)
def test_refusals_name_the_argument(engine, args, message):
    plan = engine.MixturePlan([50, 300], [0], np.array([1.0, 1.0]), 2**62)
    with pytest.raises(ValueError, match=message):
        plan.positions(*args)


def test_the_run_limit_is_refused_alike():
    for engine in (_core, ref):
        plan = engine.MixturePlan([50, 300], [0], np.array([1.0, 1.0]), 2**62)
        with pytest.raises(ValueError, match=r"\(epoch \+ 1\) \* num_samples must be <= 2\*\*64, got epoch=4"):
            plan.positions(0, 4, 0)
