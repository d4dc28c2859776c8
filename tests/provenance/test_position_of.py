"""``position_of`` / ``positions_of`` on every sampler whose epoch is a permutation or a shard of one, on both
engines: every index of small epochs equals a replay of every rank's iteration; random positions at N up to 2**40;
refusals; no side effect; Rust == reference (hypothesis)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler
import ferrosampler.reference
from ferrosampler._protocol.epoch import open_epoch

from .worlds import WORLDS, Sized, answered, replayed


@pytest.mark.parametrize("name", list(WORLDS))
def test_positions_equal_a_replay_of_every_rank(family, name) -> None:
    make, size = WORLDS[name]
    epoch = 3
    expected = replayed(make(family), epoch)
    world = make(family)
    for index in range(size):
        for sampler in {id(s): s for s in (world[0], world[-1])}.values():  # every rank answers for the world
            assert answered(sampler, index, epoch) == expected.get(index, []), (name, index)
        places = world[0].positions_of(index, epoch)
        order = [(p.position if p.global_position is None else p.global_position, p.offset or 0) for p in places]
        assert order == sorted(order), (name, index)  # in the order of the epoch's (global) positions
        assert world[0].position_of(index, epoch) == (places[0] if places else None)
        assert all(p.epoch == epoch for p in places)
        for p in places:
            if p.global_position is not None and p.offset is None:
                assert p.global_position == p.rank + p.position * world[0].num_replicas


@pytest.mark.parametrize("name", ["random", "random-blocks", "subset", "sequential", "random-fisher-yates"])
def test_position_of_epoch_indices_is_the_position(family, name) -> None:
    sampler = WORLDS[name][0](family)[0]
    for epoch in (0, 5):
        indices = sampler.epoch_indices(epoch)
        for position, index in enumerate(indices.tolist()):
            assert position in [p.position for p in sampler.positions_of(index, epoch)]


@pytest.mark.parametrize("name", list(WORLDS))
def test_asking_has_no_side_effect(family, name) -> None:
    make, size = WORLDS[name]
    asked, untouched = make(family), make(family)
    for index in range(0, size, 3):
        asked[-1].positions_of(index, 2)
    assert list(asked[-1]) == list(untouched[-1])
    assert asked[-1].state_dict() == untouched[-1].state_dict()


@pytest.mark.parametrize("ranks", [1, 2, 3, 4, 5, 11])
@pytest.mark.parametrize("n", [1, 2, 7, 10, 129])
@pytest.mark.parametrize("wrapped", [False, True], ids=["sampler", "wrapper"])
def test_not_even_serves_every_index_on_exactly_one_rank(family, n: int, ranks: int, wrapped: bool) -> None:
    # even=False: no padding, so one place per index, on rank g mod W at g div W, within that rank's length.
    def make(rank: int):
        if wrapped:
            return family.DistributedSamplerWrapper(family.RandomSampler(range(n), seed=37), ranks, rank, even=False)
        return family.DistributedSampler(range(n), ranks, rank, seed=37, even=False)

    world = [make(rank) for rank in range(ranks)]
    shares = []
    for rank in range(ranks):  # what each rank serves in epoch 2, found by iterating it
        replay = make(rank)
        replay.set_epoch(2)
        shares.append(list(replay))
    global_positions = set()
    for index in range(n):
        places = world[-1].positions_of(index, 2)
        assert len(places) == 1, (index, places)
        place = places[0]
        assert place.global_position is not None and place.global_position < n  # nothing padded
        assert place.global_position == place.rank + place.position * ranks
        assert place.position < len(world[place.rank])
        assert int(shares[place.rank][place.position]) == index
        assert world[place.rank].position_of(index, 2) == place  # every rank answers alike
        global_positions.add(place.global_position)
    assert global_positions == set(range(n))


def forward(sampler, epoch: int, position: int):
    """What the sampler serves at ``position`` of epoch ``epoch``, read forward by its own seeked epoch."""
    chunks = list(open_epoch(sampler, None, epoch).read(position, 1, 1))
    return np.concatenate([np.asarray(chunk).reshape(-1) for chunk in chunks]).tolist()


@pytest.mark.parametrize("n", [2**40 - 1, 2**40, 2**40 + 1, 10**12 + 39])
def test_random_positions_at_huge_n(family, n: int) -> None:
    rng = random.Random(n)
    tries = 3 if family is ferrosampler.reference else 60
    sampler = family.RandomSampler(Sized(n), seed=n % 97)
    shards = [family.DistributedSampler(Sized(n), 5, rank, seed=7) for rank in range(5)]
    wrapped = family.DistributedSamplerWrapper(family.RandomSampler(Sized(n), num_samples=2 * n + 3, seed=3), 6, 2)
    for _ in range(tries):
        epoch, position = rng.randrange(100), rng.randrange(n)
        (index,) = forward(family.RandomSampler(Sized(n), seed=n % 97), epoch, position)
        assert sampler.position_of(index, epoch) == ferrosampler.Position(epoch, position)
        rank, share_position = rng.randrange(5), rng.randrange(shards[0].num_samples)
        (index,) = forward(family.DistributedSampler(Sized(n), 5, rank, seed=7), epoch, share_position)
        assert (rank, share_position) in [(p.rank, p.position) for p in shards[0].positions_of(index, epoch)]
        share_position = rng.randrange(len(wrapped))
        inner = family.RandomSampler(Sized(n), num_samples=2 * n + 3, seed=3)
        (index,) = forward(family.DistributedSamplerWrapper(inner, 6, 2), epoch, share_position)
        places = wrapped.positions_of(index, epoch)
        assert (2, share_position) in [(p.rank, p.position) for p in places]
        assert 2 <= len(places) <= 3  # once per permutation block, plus padding


def test_subset_of_a_huge_dataset() -> None:
    values = np.array([2**40 - 1, 5, 2**39, 5, 0], dtype=np.int64)
    sampler = ferrosampler.SubsetRandomSampler(values, seed=2)
    epoch = sampler.epoch_indices(9)
    for value in values.tolist():
        assert [p.position for p in sampler.positions_of(value, 9)] == np.flatnonzero(epoch == value).tolist()
    assert sampler.positions_of(7, 9) == [] and sampler.position_of(2**70, 9) is None


def test_subset_values_replaced_are_seen() -> None:
    sampler = ferrosampler.SubsetRandomSampler([1, 2, 3], seed=1)
    assert sampler.position_of(9, 0) is None
    sampler.indices = [9, 2, 3]
    assert sampler.position_of(9, 0) is not None


REFUSALS = [
    (lambda f: f.RandomSampler(range(5), replacement=True, seed=1), TypeError, "independent uniform draw"),
    (lambda f: f.WeightedRandomSampler([1.0, 2.0], 4, seed=1), TypeError, "independent weighted draw"),
    (lambda f: f.WeightedRandomSampler([1.0, 2.0], 2, replacement=False, seed=1), TypeError, "earlier ones"),
    (lambda f: f.DistributedWeightedSampler([1.0, 2.0], num_replicas=2, rank=0, seed=1), TypeError, "weighted draw"),
    (lambda f: f.PKBatchSampler([0, 0, 1, 1], 2, 2, seed=1), TypeError, "within each class"),
    (lambda f: f.MPerClassSampler([0, 0, 1, 1], 2, length_before_new_iter=8, seed=1), TypeError, "within each class"),
    (lambda f: f.RandomSampler(range(5)), ValueError, "needs a fixed seed"),
    (lambda f: f.SubsetRandomSampler([1, 2]), ValueError, "needs a fixed seed"),
    (lambda f: f.SubsetRandomSampler(["a", "b"], seed=1), TypeError, "needs integer indices"),
    (lambda f: f.DistributedSamplerWrapper([3, 1, 2], 2, 0), TypeError, "needs an inner sampler that has position_of"),
    (lambda f: f.BatchSampler(range(5), 2, False), TypeError, "needs an inner sampler that has position_of"),
    (
        lambda f: f.DistributedSamplerWrapper(f.WeightedRandomSampler([1.0, 2.0], 4, seed=1), 2, 0),
        TypeError,
        "WeightedRandomSampler.position_of is not available",
    ),
    (
        lambda f: f.BatchSampler(f.BatchSampler(f.RandomSampler(range(5), seed=1), 2, False), 2, False),
        TypeError,
        "inner sampler of indices",
    ),
]


@pytest.mark.parametrize(("make", "error", "message"), REFUSALS)
def test_refusals_say_why(family, make, error, message) -> None:
    sampler = make(family)
    with pytest.raises(error, match=message):
        sampler.position_of(1, 0)
    with pytest.raises(error, match=message):
        sampler.positions_of(1, 0)


@pytest.mark.parametrize(
    ("make", "index", "epoch", "error", "message"),
    [
        (lambda f: f.RandomSampler(range(5), seed=1), 5, 0, ValueError, r"index must be in \[0, 5\)"),
        (lambda f: f.RandomSampler(range(5), seed=1), -1, 0, ValueError, r"index must be in \[0, 5\)"),
        (lambda f: f.RandomSampler(range(5), seed=1), 1.0, 0, TypeError, "index must be an integer"),
        (lambda f: f.RandomSampler(range(5), seed=1), 1, 2**56, ValueError, "epoch must be in"),
        (lambda f: f.RandomSampler(range(5), seed=1), 1, "0", TypeError, "epoch must be an integer"),
        (lambda f: f.SequentialSampler(range(5)), 7, 0, ValueError, "index must be in"),
        (lambda f: f.DistributedSampler(range(5), 2, 0), 5, 0, ValueError, "index must be in"),
        (lambda f: f.DistributedSampler(range(5), 2, 0), 1, None, TypeError, "epoch must be an integer"),
        (lambda f: f.SubsetRandomSampler([1, 2], seed=1), "1", 0, TypeError, "index must be an integer"),
        (
            lambda f: f.DistributedSamplerWrapper(f.RandomSampler(range(5), seed=1), 2, 0),
            9,
            0,
            ValueError,
            "index must be in",
        ),
    ],
)
def test_bad_arguments_are_named(family, make, index, epoch, error, message) -> None:
    with pytest.raises(error, match=message):
        make(family).position_of(index, epoch)


def test_distributed_sampler_epochs_are_torch_keys() -> None:
    # Any integer epoch, as set_epoch takes: the key is (seed + epoch) mod 2**64.
    sampler = ferrosampler.DistributedSampler(range(100), 3, 1, seed=2**64 - 1)
    sampler.set_epoch(1)
    index = int(list(sampler)[4])
    place = sampler.position_of(index, 1)
    assert place is not None and (place.rank, place.position, place.global_position) == (1, 4, 13)
    assert ferrosampler.DistributedSampler(range(100), 3, 1, seed=0).position_of(index, 0) == place._replace(epoch=0)
    assert sampler.position_of(index, -(2**64) + 1) == place._replace(epoch=-(2**64) + 1)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 400),
    extra=st.integers(0, 300),
    seed=st.integers(0, 2**64 - 1),
    epoch=st.integers(0, 2**20),
    ranks=st.integers(1, 6),
    batch=st.integers(1, 7),
    drop_last=st.booleans(),
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=5),
    kind=st.sampled_from(["random", "subset", "distributed", "wrapper", "batch", "batch-wrapper"]),
)
def test_rust_equals_reference(n, extra, seed, epoch, ranks, batch, drop_last, picks, kind) -> None:
    def make(f):
        if kind == "random":
            return f.RandomSampler(range(n), num_samples=n + extra, seed=seed)
        if kind == "subset":
            return f.SubsetRandomSampler([(k * 7) % (n // 2 + 1) for k in range(n)], seed=seed)
        if kind == "distributed":
            return f.DistributedSampler(range(n), ranks, ranks - 1, seed=seed, drop_last=drop_last)
        inner = f.RandomSampler(range(n), num_samples=n + extra, seed=seed)
        if kind == "wrapper":
            return f.DistributedSamplerWrapper(inner, ranks, 0, drop_last=drop_last)
        if kind == "batch":
            return f.BatchSampler(inner, batch, drop_last)
        return f.DistributedSamplerWrapper(f.BatchSampler(inner, batch, drop_last), ranks, 0, drop_last=drop_last)

    rust, reference = make(ferrosampler), make(ferrosampler.reference)
    for pick in picks:
        assert rust.positions_of(pick % n, epoch) == reference.positions_of(pick % n, epoch)


@pytest.mark.slow
@pytest.mark.parametrize("n", [2**16 - 1, 2**16, 2**16 + 1, 10**6 + 3])
def test_every_index_of_large_epochs(n: int) -> None:
    sampler = ferrosampler.RandomSampler(range(n), num_samples=n + n // 3, seed=n)
    indices = sampler.epoch_indices(4)
    first = np.full(n, -1, dtype=np.int64)
    first[indices[::-1]] = np.arange(len(indices) - 1, -1, -1)  # the first position of each index
    for index in range(n):
        place = sampler.position_of(index, 4)
        assert place is not None and place.position == first[index]
    shards = [ferrosampler.DistributedSampler(range(n), 7, rank, seed=1) for rank in range(7)]
    served = [sampler.epoch_indices(2) for sampler in shards]
    for index in random.Random(n).sample(range(n), 5000):
        places = shards[3].positions_of(index, 2)
        assert places and all(int(served[p.rank][p.position]) == index for p in places)
