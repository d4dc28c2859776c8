"""even=False (evaluation sharding): every index of an epoch on exactly one rank, ranks of unequal length,
resumable and elastic like the even shares."""

from __future__ import annotations

import itertools
import json

import pytest

import ferrosampler as fs


def make_distributed(n: int, world: int, rank: int, **options):
    return fs.DistributedSampler(range(n), world, rank, seed=5, even=False, **options)


def make_wrapper(n: int, world: int, rank: int, **options):
    return fs.DistributedSamplerWrapper(fs.RandomSampler(range(n), seed=5), world, rank, even=False, **options)


def make_batches(n: int, world: int, rank: int, **options):
    batches = fs.BatchSampler(fs.RandomSampler(range(n), seed=5), 3, False)
    return fs.DistributedSamplerWrapper(batches, world, rank, even=False, **options)


MAKERS = {"distributed": make_distributed, "wrapper": make_wrapper, "batches": make_batches}


def flat(values) -> list[int]:
    return [index for value in values for index in (value if isinstance(value, list) else [value])]


@pytest.mark.parametrize("name", list(MAKERS))
def test_every_index_goes_to_exactly_one_rank_and_the_first_ranks_take_one_more(name) -> None:
    make = MAKERS[name]
    for n in [1, 2, 3, 7, 10, 11, 29]:
        for world in range(1, 6):
            for shuffle in (True, False) if name == "distributed" else (True,):
                options = {"shuffle": shuffle} if name == "distributed" else {}
                ranks = [make(n, world, rank, **options) for rank in range(world)]
                for epoch in (0, 3):
                    for rank in ranks:
                        rank.set_epoch(epoch)
                    shares = [list(rank) for rank in ranks]
                    units = -(-n // 3) if name == "batches" else n  # the inner epoch's positions
                    assert [len(share) for share in shares] == [len(rank) for rank in ranks]
                    assert [len(share) for share in shares] == [
                        units // world + (r < units % world) for r in range(world)
                    ]
                    assert sorted(flat(value for share in shares for value in share)) == list(range(n))
                    if name == "distributed":  # the padded shares' positions, without the padding
                        padded = [fs.DistributedSampler(range(n), world, r, seed=5, **options) for r in range(world)]
                        for rank in padded:
                            rank.set_epoch(epoch)
                        assert all(list(p)[: len(s)] == s for p, s in zip(padded, shares, strict=True))


def test_the_uneven_epoch_of_a_distributed_sampler_is_its_epoch_indices() -> None:
    for rank in range(3):
        sampler = make_distributed(10, 3, rank)
        assert sampler.epoch_indices(2).tolist() == (sampler.set_epoch(2), list(sampler))[1]
        assert sampler.total_size == 10


def test_drop_last_and_even_false_are_refused_together() -> None:
    with pytest.raises(ValueError, match="even=False"):
        fs.DistributedSampler(range(10), 3, 0, drop_last=True, even=False)
    with pytest.raises(ValueError, match="even=False"):
        fs.DistributedSamplerWrapper(fs.RandomSampler(range(10), seed=1), 3, 0, drop_last=True, even=False)
    with pytest.raises(TypeError, match="even"):
        fs.DistributedSampler(range(10), 3, 0, even="no")


@pytest.mark.parametrize("name", ["distributed", "wrapper"])
def test_a_mid_epoch_state_resumes_on_another_world_with_nothing_lost_or_repeated(name) -> None:
    make, n = MAKERS[name], 29
    for steps, new_world, new_even in [(0, 2, False), (3, 2, False), (4, 5, False), (9, 4, True), (10, 1, False)]:
        saved = [make(n, 3, rank) for rank in range(3)]  # 10, 10, 9
        iterators = [iter(rank) for rank in saved]
        head = [list(itertools.islice(iterator, steps)) for iterator in iterators]
        states = [json.loads(json.dumps(rank.state_dict())) for rank in saved]
        assert all(state.get("even") is False for state in states)
        combined = fs.combine_states(states)
        assert combined["position"] == min(3 * steps, n)
        if new_even:  # an even world resumes it too, padding its own rest
            resumed = [fs.DistributedSampler(range(n), new_world, r, seed=5) for r in range(new_world)]
            if name == "wrapper":
                resumed = [
                    fs.DistributedSamplerWrapper(fs.RandomSampler(range(n), seed=5), new_world, r)
                    for r in range(new_world)
                ]
        else:
            resumed = [make(n, new_world, rank) for rank in range(new_world)]
        for rank in resumed:
            rank.load_state_dict(combined)
        rest = [list(rank) for rank in resumed]
        served = [index for share in head + rest for index in share]
        if new_even:
            assert sorted(set(served)) == list(range(n))
        else:
            assert sorted(served) == list(range(n))
            left = max(0, n - 3 * steps)
            assert [len(share) for share in rest] == [
                left // new_world + (r < left % new_world) for r in range(new_world)
            ]


def test_a_rank_whose_uneven_share_is_done_reports_the_epoch_end() -> None:
    ranks = [make_distributed(7, 3, rank) for rank in range(3)]  # 3, 2, 2
    iterators = [iter(rank) for rank in ranks]
    [list(iterator) for iterator in iterators[1:]]  # ranks 1 and 2 done; rank 0 has read nothing
    assert [rank.state_dict()["position"] for rank in ranks] == [0, 7, 7]
    assert fs.combine_states([rank.state_dict() for rank in ranks])["position"] == 0
    next(iterators[0]), next(iterators[0])
    assert ranks[0].state_dict()["position"] == 6  # two each: global positions 0 … 5 consumed
    resumed = make_distributed(7, 1, 0)
    resumed.load_state_dict(ranks[0].state_dict())
    assert list(resumed) == [make_distributed(7, 1, 0).epoch_indices(0).tolist()[6]]


def test_even_true_states_are_unchanged() -> None:
    state = fs.DistributedSampler(range(10), 3, 0, seed=1).state_dict()
    assert "even" not in state
