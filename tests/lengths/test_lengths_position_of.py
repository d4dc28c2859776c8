"""Where a sample is served by LengthGroupedBatchSampler (spec §24.4): ``LengthPlan.locate`` Rust == reference
under hypothesis and against the plan read forwards; ``position_of`` / ``positions_of`` against the epochs that
iterating yields, for every index of small epochs, every rank, padding repeats and drop_last included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler._core as rust
from ferrosampler.reference import _engine as reference


def _forwards(plan):
    """index -> [(global position, offset)] read from every position of the plan."""
    places: dict[int, list[tuple[int, int]]] = {}
    n = plan.num_batches
    indices, offsets = plan.batches(0, n) if n else ([], [0])
    for g in range(n):
        for offset, index in enumerate(indices[offsets[g] : offsets[g + 1]]):
            places.setdefault(int(index), []).append((g, offset))
    return places


@st.composite
def _plans(draw):
    n = draw(st.one_of(st.integers(1, 40), st.integers(129, 200)))
    lengths = draw(
        st.lists(st.integers(0, 2**40) if draw(st.booleans()) else st.integers(0, 30), min_size=n, max_size=n)
    )
    if draw(st.booleans()):
        size = draw(st.integers(1, 9))
        batching = (size, None, size * draw(st.integers(1, 12)))
    else:
        batching = (None, draw(st.integers(1, 200)), draw(st.integers(1, 60)))
    group = draw(st.integers(1, 9))
    rest = (draw(st.booleans()), draw(st.booleans()), draw(st.sampled_from(["feistel", "fisher-yates"])))
    return lengths, draw(st.integers(0, 2**64 - 1)), draw(st.integers(0, 2**56 - 1)), (*batching, group, *rest)


@settings(max_examples=120, deadline=None)
@given(_plans())
def test_locate_rust_equals_reference_equals_the_plan_read_forwards(call):
    lengths, seed, epoch, args = call
    fast = rust.LengthTable(lengths).plan(seed, epoch, *args)
    slow = reference.LengthTable(lengths).plan(seed, epoch, *args)
    forwards = _forwards(fast)
    for index in range(len(lengths)):
        located = fast.locate(index)
        assert located == slow.locate(index), index
        assert _expand(located) == forwards.get(index, []), index


def _expand(located):
    """(g, offset, step, count) as the places it stands for."""
    if located is None:
        return []
    first, offset, step, count = located
    return [(first + c * step, offset) for c in range(count)]


@pytest.mark.parametrize(
    ("index", "message"),
    [(10, r"^index must be in \[0, 10\), got index=10$"), (-1, r"^index must be in \[0, 2\*\*64\), got index=-1")],
)
def test_locate_refuses_an_index_outside_the_table(engine, index, message):
    plan = engine.LengthTable(list(range(10))).plan(0, 0, 2, None, 4, 1, True, False)
    with pytest.raises(ValueError, match=message):
        plan.locate(index)
    with pytest.raises(TypeError, match="index"):
        plan.locate(1.5)


def _expected(samplers, epoch):
    """index -> sorted places (global, position, offset, rank) from every rank's epoch_batches(epoch)."""
    replicas = len(samplers)
    expected: dict[int, list[tuple[int, int, int, int]]] = {}
    for rank, sampler in enumerate(samplers):
        for position, batch in enumerate(sampler.epoch_batches(epoch)):
            for offset, index in enumerate(batch):
                expected.setdefault(index, []).append((position * replicas + rank, position, offset, rank))
    return {index: sorted(places) for index, places in expected.items()}


CASES = [
    {"batch_size": 4, "window": 12, "num_replicas": 3, "drop_last": False},
    {"batch_size": 4, "window": 12, "num_replicas": 3, "drop_last": True},
    {"batch_size": 3, "num_replicas": 1},
    {"max_tokens": 60, "window": 20, "num_replicas": 4},
    {"max_tokens": 60, "num_replicas": 2, "drop_last": True},
    {"batch_size": 5, "num_replicas": 2, "shuffle": False},
    {"batch_size": 2, "num_replicas": 2, "permutation": "fisher-yates"},
]


@pytest.mark.parametrize("n", [7, 150])
@pytest.mark.parametrize("case", CASES)
def test_position_of_agrees_with_iteration_for_every_index(family, n, case):
    lengths = np.random.default_rng(n).integers(0, 40, n)
    replicas = case.get("num_replicas", 1)
    samplers = [family.LengthGroupedBatchSampler(lengths, seed=11, rank=r, **case) for r in range(replicas)]
    for epoch in (0, 5):
        expected = _expected(samplers, epoch)
        for rank, sampler in enumerate(samplers):
            iterated = list(sampler) if epoch == 0 else None
            for index in range(n):
                places = sampler.positions_of(index, epoch)
                got = [(p.global_position, p.position, p.offset, p.rank) for p in places]
                assert got == expected.get(index, []), (index, rank)
                assert all(p.epoch == epoch for p in places)
                first = sampler.position_of(index, epoch)
                assert first == (places[0] if places else None)
                if iterated is not None:
                    mine = [p for p in places if p.rank == rank]
                    assert all(iterated[p.position][p.offset] == index for p in mine)


def test_every_rank_asks_the_same_and_padding_repeats_are_listed(family):
    # 11 batches over 4 ranks: the partial step of 3 batches repeats one of them on the fourth rank.
    lengths = list(range(44))
    samplers = [family.LengthGroupedBatchSampler(lengths, 4, num_replicas=4, rank=r, seed=2) for r in range(4)]
    repeated = [i for i in range(44) if len(samplers[0].positions_of(i, 1)) == 2]
    assert len(repeated) == 4  # one batch of 4 samples served twice
    for index in range(44):
        assert {tuple(s.positions_of(index, 1)) for s in samplers} == {tuple(samplers[0].positions_of(index, 1))}


def test_unseeded_and_bad_arguments(family):
    sampler = family.LengthGroupedBatchSampler([3, 1, 2], 1)
    with pytest.raises(ValueError, match="seed="):
        sampler.position_of(0, 0)
    assert family.LengthGroupedBatchSampler([3, 1, 2], 1, shuffle=False).position_of(0, 0).position == 2
    seeded = family.LengthGroupedBatchSampler([3, 1, 2], 1, seed=0)
    with pytest.raises(ValueError, match=r"index must be in \[0, 3\)"):
        seeded.position_of(3, 0)
    with pytest.raises(ValueError, match="epoch"):
        seeded.position_of(0, -1)
    with pytest.raises(TypeError, match="index"):
        seeded.position_of("0", 0)


def test_position_of_draws_nothing_and_moves_nothing(family):
    sampler = family.LengthGroupedBatchSampler(list(range(50)), 5, seed=4)
    before = sampler.state_dict()
    sampler.position_of(7, 3)
    assert sampler.state_dict() == before and sampler.epoch == 0


def test_a_huge_world_answers_without_listing_every_repeat(family):
    # One batch over 2**31 ranks: the partial step repeats it on every rank; position_of and this rank's places
    # are O(1), not a walk over 2**31 - 1 repeats.
    sampler = family.LengthGroupedBatchSampler([4, 2], 2, num_replicas=2**31, rank=2**31 - 5, seed=1)
    assert sampler.position_of(1, 0) == (0, 0, 0, 0, 0)
    assert sampler.position_of(0, 0).offset == 1
    assert list(sampler._locate(1, 0, None, False)) == [(0, 0, 0, 2**31 - 5, 2**31 - 5)]
    assert sampler.epoch_batches(0) == [[1, 0]]
