"""``position_of`` / ``positions_of`` on ferrosampler.mindspore's samplers, on both engines: every place of small
epochs (every shard's, padding and dummy shards included) equals a search of the epochs computed with numpy;
random positions at N = 2**40 against the torch-side sampler and a forward read by the engine; chains; refusals;
bad arguments; Rust == reference."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler
import ferrosampler.mindspore
import ferrosampler.reference
import ferrosampler.reference.mindspore

from .worlds import Sized

EPOCHS = (0, 1, 4)


def chain(*samplers: Any) -> Any:
    """parent ← child ← …: each sampler gets the next one as its child; returns the top."""
    for parent, child in itertools.pairwise(samplers):
        parent.add_child(child)
    return samplers[0]


Make = Callable[[ModuleType, int], Any]  # (family, shard) -> the sampler of that shard (the shard unused unsharded)

# name: (make, shards, dataset size)
WORLDS: dict[str, tuple[Make, int, int]] = {
    "random": (lambda f, k: f.RandomSampler(seed=3, dataset_size=50), 1, 50),
    "random-one": (lambda f, k: f.RandomSampler(seed=3, dataset_size=1), 1, 1),
    "random-short": (lambda f, k: f.RandomSampler(num_samples=13, seed=4, dataset_size=40), 1, 40),
    "random-capped": (lambda f, k: f.RandomSampler(num_samples=99, seed=4, dataset_size=40), 1, 40),
    "random-fisher-yates": (
        lambda f, k: f.RandomSampler(num_samples=20, seed=5, dataset_size=33, permutation="fisher-yates"),
        1,
        33,
    ),
    "sequential": (lambda f, k: f.SequentialSampler(dataset_size=12), 1, 12),
    "sequential-window": (lambda f, k: f.SequentialSampler(3, 5, dataset_size=12), 1, 12),
    "sequential-tail": (lambda f, k: f.SequentialSampler(8, 50, dataset_size=12), 1, 12),
    "subset": (lambda f, k: f.SubsetSampler([9, 1, 1, 4, 9, 0], dataset_size=12), 1, 12),
    "subset-truncated": (lambda f, k: f.SubsetSampler([9, 1, 1, 4, 9, 0], num_samples=3, dataset_size=12), 1, 12),
    "subset-random": (lambda f, k: f.SubsetRandomSampler([0, 2, 4, 6, 8, 8, 8, 3], seed=3, dataset_size=10), 1, 10),
    "subset-random-truncated": (
        lambda f, k: f.SubsetRandomSampler([7, 2, 7, 6, 1], num_samples=4, seed=6, dataset_size=10),
        1,
        10,
    ),
    "subset-random-fisher-yates": (
        lambda f, k: f.SubsetRandomSampler([5, 5, 1, 3], seed=7, dataset_size=6, permutation="fisher-yates"),
        1,
        6,
    ),
    "distributed": (lambda f, k: f.DistributedSampler(3, k, seed=6, dataset_size=10), 3, 10),
    "distributed-even": (lambda f, k: f.DistributedSampler(4, k, seed=7, dataset_size=40), 4, 40),
    "distributed-more-shards-than-rows": (lambda f, k: f.DistributedSampler(5, k, seed=8, dataset_size=3), 5, 3),
    "distributed-unshuffled": (lambda f, k: f.DistributedSampler(4, k, False, dataset_size=10), 4, 10),
    "distributed-capped": (lambda f, k: f.DistributedSampler(3, k, num_samples=2, seed=9, dataset_size=10), 3, 10),
    "distributed-fisher-yates": (
        lambda f, k: f.DistributedSampler(3, k, seed=10, dataset_size=20, permutation="fisher-yates"),
        3,
        20,
    ),
    "distributed-one-shard": (lambda f, k: f.DistributedSampler(1, 0, seed=11, dataset_size=9), 1, 9),
    "distributed-offset-0": (lambda f, k: f.DistributedSampler(3, k, offset=0, seed=12, dataset_size=10), 3, 10),
    "distributed-offset-1": (lambda f, k: f.DistributedSampler(3, k, False, offset=1, dataset_size=10), 3, 10),
    "distributed-offset-2-capped": (
        lambda f, k: f.DistributedSampler(3, k, num_samples=3, offset=2, seed=13, dataset_size=10),
        3,
        10,
    ),
    "distributed-offset-shards": (lambda f, k: f.DistributedSampler(3, k, offset=3, seed=14, dataset_size=10), 3, 10),
    "distributed-offset-dummy-shards": (
        lambda f, k: f.DistributedSampler(5, k, False, offset=0, dataset_size=3),
        5,
        3,
    ),
    "distributed-offset-dummy-shuffled": (
        lambda f, k: f.DistributedSampler(6, k, offset=4, seed=15, dataset_size=4),
        6,
        4,
    ),
    "chain-sequential-subset-random": (
        lambda f, k: chain(
            f.SequentialSampler(1, 4, dataset_size=10), f.SubsetRandomSampler([4, 3, 2, 1, 0, 0], seed=10)
        ),
        1,
        10,
    ),
    "chain-random-subset": (
        lambda f, k: chain(
            f.RandomSampler(num_samples=4, seed=1, dataset_size=10), f.SubsetSampler([4, 3, 4, 0, 0, 9])
        ),
        1,
        10,
    ),
    "chain-subset-random": (
        lambda f, k: chain(f.SubsetSampler([5, 0, 5, 2], dataset_size=30), f.RandomSampler(num_samples=6, seed=2)),
        1,
        30,
    ),
    "chain-three-levels": (
        lambda f, k: chain(
            f.SubsetRandomSampler([0, 2, 2, 1], seed=4, dataset_size=20),
            f.RandomSampler(num_samples=5, seed=5),
            f.SequentialSampler(6),
        ),
        1,
        20,
    ),
    "chain-distributed-over-random": (
        lambda f, k: chain(
            f.DistributedSampler(3, k, seed=16, dataset_size=11), f.RandomSampler(num_samples=8, seed=3)
        ),
        3,
        11,
    ),
    "chain-distributed-over-subset": (
        lambda f, k: chain(f.DistributedSampler(3, k, False, dataset_size=10), f.SubsetSampler([9, 8, 7, 6, 5, 4, 3])),
        3,
        10,
    ),
    "chain-random-over-distributed": (
        lambda f, k: chain(f.RandomSampler(seed=17, dataset_size=10), f.DistributedSampler(3, k, seed=18)),
        3,
        10,
    ),
    "chain-sequential-over-offset-distributed": (
        lambda f, k: chain(f.SequentialSampler(1, dataset_size=11), f.DistributedSampler(4, k, offset=1, seed=19)),
        4,
        11,
    ),
    "chain-subset-random-over-dummy-shards": (
        lambda f, k: chain(
            f.SubsetRandomSampler([0, 0], seed=20, dataset_size=2), f.DistributedSampler(4, k, offset=0)
        ),
        4,
        2,
    ),
}


def epochs_of(family: ModuleType, name: str, epoch: int) -> list[np.ndarray]:
    make, shards, _ = WORLDS[name]
    return [make(family, shard).epoch_indices(epoch) for shard in range(shards)]


def searched(epochs: list[np.ndarray], index: int, sharded: bool) -> list[tuple[int | None, int]]:
    """(rank or None, position) of every place ``index`` is served, found with numpy, in global order."""
    places = [
        (shard if sharded else None, int(position))
        for shard, indices in enumerate(epochs)
        for position in np.flatnonzero(indices == index)
    ]
    return sorted(places, key=lambda place: (place[1], place[0] or 0))


@pytest.mark.parametrize("name", list(WORLDS))
def test_every_place_is_a_search_of_every_shard(mindspore_family, name) -> None:
    make, shards, size = WORLDS[name]
    sharded = any(level._shard_count() is not None for level in make(mindspore_family, 0)._chain())
    askers = {shard: make(mindspore_family, shard) for shard in {0, shards - 1}}  # every shard answers for all
    for epoch in EPOCHS:
        epochs = epochs_of(mindspore_family, name, epoch)
        for index in range(size):
            expected = searched(epochs, index, sharded)
            for sampler in askers.values():
                places = sampler.positions_of(index, epoch)
                assert [(p.rank, p.position) for p in places] == expected, (name, epoch, index)
                assert sampler.position_of(index, epoch) == (places[0] if places else None)
                for p in places:
                    assert p.epoch == epoch and p.offset is None
                    assert int(epochs[p.rank or 0][p.position]) == index
                    if sharded:
                        assert p.global_position == p.rank + p.position * shards
                    else:
                        assert p.rank is None and p.global_position is None
        for shard, indices in enumerate(epochs):  # every position of every shard's epoch is found
            for position, index in enumerate(indices.tolist()):
                found = askers[min(askers)].positions_of(index, epoch)
                assert (shard if sharded else None, position) in [(p.rank, p.position) for p in found]


@pytest.mark.parametrize("name", ["distributed", "distributed-unshuffled", "distributed-more-shards-than-rows"])
def test_padding_comes_after_the_epochs_positions(mindspore_family, name) -> None:
    # Global positions at or past the dataset size are padding: an index served twice has its padding place last.
    make, shards, size = WORLDS[name]
    sampler = make(mindspore_family, 0)
    padded = 0
    for index in range(size):
        places = sampler.positions_of(index, 2)
        globals_ = [p.global_position for p in places]
        assert globals_ == sorted(globals_)
        assert sum(g < size for g in globals_) == 1  # exactly once in the permutation itself
        padded += len(places) - 1
    assert padded == len(sampler) * shards - size


@pytest.mark.parametrize("shards", [1, 2, 3, 7])
@pytest.mark.parametrize("n", [1, 5, 12])
def test_unshuffled_distributed_answers_as_torchs(n: int, shards: int) -> None:
    # offset -1 unshuffled is torch's DistributedSampler(shuffle=False): the same places, rank and global position.
    for shard in range(shards):
        ours = ferrosampler.mindspore.DistributedSampler(shards, shard, False, dataset_size=n)
        torchs = ferrosampler.DistributedSampler(range(n), shards, shard, shuffle=False)
        assert len(ours) == len(torchs)
        for index in range(n):
            assert ours.positions_of(index, 3) == torchs.positions_of(index, 3)


def test_not_served_is_none() -> None:
    sampler = ferrosampler.mindspore.SubsetRandomSampler([3, 1, 3], seed=1, dataset_size=10)
    assert sampler.position_of(2, 0) is None and sampler.positions_of(2, 0) == []
    short = ferrosampler.mindspore.RandomSampler(num_samples=3, seed=1, dataset_size=10)
    missing = sorted(set(range(10)) - set(short.epoch_indices(5).tolist()))
    assert len(missing) == 7 and all(short.position_of(i, 5) is None for i in missing)
    window = ferrosampler.mindspore.SequentialSampler(4, 2, dataset_size=10)
    assert [window.position_of(i, 0) for i in (3, 4, 5, 6)] == [
        None,
        ferrosampler.Position(0, 0),
        ferrosampler.Position(0, 1),
        None,
    ]


N = 2**40


def test_random_positions_at_huge_n(mindspore_family) -> None:
    # The MindSpore RandomSampler's epoch e is the torch RandomSampler's epoch e for the same seed (one permutation
    # block, cut at num_samples); each random position is read forward by the engine and located back.
    rng = random.Random(7)
    tries = 3 if mindspore_family is ferrosampler.reference.mindspore else 40
    torch_family = ferrosampler.reference if mindspore_family is ferrosampler.reference.mindspore else ferrosampler
    engine = mindspore_family.RandomSampler._engine
    k = N - 5
    ours = mindspore_family.RandomSampler(num_samples=k, seed=11, dataset_size=N)
    torchs = torch_family.RandomSampler(Sized(N), num_samples=k, seed=11)
    shards = [mindspore_family.DistributedSampler(5, shard, seed=12, dataset_size=N) for shard in range(5)]
    offset_shards = mindspore_family.DistributedSampler(5, 0, offset=3, seed=13, dataset_size=N)
    for _ in range(tries):
        epoch, position = rng.randrange(1000), rng.randrange(k)
        (index,) = engine.permutation_stream(11, engine.MAIN, epoch, N, position, 1)
        assert ours.position_of(index, epoch) == ferrosampler.Position(epoch, position)
        assert ours.positions_of(index, epoch) == torchs.positions_of(index, epoch)
        shard, share_position = rng.randrange(5), rng.randrange(len(shards[0]))
        (index,) = engine.strided_permutation(12, epoch, N, True, (shard + share_position * 5) % N, 5, 1)
        assert (shard, share_position) in [(p.rank, p.position) for p in shards[-1].positions_of(index, epoch)]
        row = rng.randrange(N)  # offset 3: row j is read by shard (j + 3) mod 5, at position j div 5
        (index,) = engine.strided_permutation(13, epoch, N, True, row, 1, 1)
        place = offset_shards.position_of(index, epoch)
        assert place is not None and (place.rank, place.position) == ((row + 3) % 5, row // 5)


def test_huge_subset_and_sequential(mindspore_family) -> None:
    values = [N - 1, 5, 2**39, 5, 0]
    sampler = mindspore_family.SubsetRandomSampler(values, seed=2, dataset_size=N)
    epoch = sampler.epoch_indices(9)
    for value in values:
        assert [p.position for p in sampler.positions_of(value, 9)] == np.flatnonzero(epoch == value).tolist()
    assert sampler.positions_of(7, 9) == []
    sequential = mindspore_family.SequentialSampler(N - 10, dataset_size=N)
    assert sequential.position_of(N - 3, 0) == ferrosampler.Position(0, 7)


def test_an_unseeded_sampler_answers_for_its_settled_seed() -> None:
    # A MindSpore sampler without seed= draws its seed once, for all its epochs: asking settles it first.
    sampler = ferrosampler.mindspore.RandomSampler(dataset_size=30)
    places = [sampler.position_of(index, 2) for index in range(30)]
    indices = sampler.epoch_indices(2)
    assert all(place is not None and indices[place.position] == index for index, place in enumerate(places))


def test_reshuffle_each_epoch_false_answers_epoch_zeros_order() -> None:
    sampler = ferrosampler.mindspore.RandomSampler(seed=3, dataset_size=20)
    sampler.reshuffle_each_epoch = False
    assert [sampler.position_of(i, 5) for i in range(20)] == [
        p._replace(epoch=5) for p in (sampler.position_of(i, 0) for i in range(20)) if p is not None
    ]
    assert sampler.epoch_indices(5)[sampler.position_of(7, 5).position] == 7


REFUSALS = [
    (lambda f: f.RandomSampler(True, 7, seed=5, dataset_size=10), "independent uniform draw"),
    (lambda f: f.WeightedRandomSampler([0.5, 0, 2, 1], seed=7, dataset_size=10), "independent weighted draw"),
    (lambda f: f.WeightedRandomSampler([0, 1, 3, 0, 2], 5, False, seed=8, dataset_size=10), "earlier ones"),
    (lambda f: f.PKSampler(2, labels=[r % 3 for r in range(10)], seed=9), "within each class"),
    (
        lambda f: chain(f.SequentialSampler(dataset_size=10), f.WeightedRandomSampler([1.0, 2.0], seed=1)),
        "WeightedRandomSampler.position_of is not available",
    ),
    (
        lambda f: chain(f.RandomSampler(True, seed=1, dataset_size=10), f.SubsetSampler([1, 2])),
        "RandomSampler.position_of is not available",
    ),
    (
        lambda f: chain(f.SubsetSampler([0, 1], dataset_size=10), f.PKSampler(1, labels=[r % 2 for r in range(10)])),
        "PKSampler.position_of is not available",
    ),
    (
        lambda f: chain(f.DistributedSampler(2, 0, dataset_size=10), f.DistributedSampler(3, 1)),
        "chain of 2 DistributedSamplers",
    ),
]


@pytest.mark.parametrize(("make", "message"), REFUSALS)
def test_refusals_say_why(mindspore_family, make, message) -> None:
    sampler = make(mindspore_family)
    for index in (0, 1, 10**9):  # whatever is asked
        with pytest.raises(TypeError, match=message):
            sampler.position_of(index, 0)
        with pytest.raises(TypeError, match=message):
            sampler.positions_of(index, 0)


@pytest.mark.parametrize(
    ("make", "index", "epoch", "error", "message"),
    [
        (
            lambda f: f.RandomSampler(seed=1, dataset_size=5),
            5,
            0,
            ValueError,
            r"index must be in \[0, 5\) \(the dataset's indices\), got index=5",
        ),
        (lambda f: f.RandomSampler(seed=1, dataset_size=5), -1, 0, ValueError, r"got index=-1"),
        (lambda f: f.RandomSampler(seed=1, dataset_size=5), True, 0, TypeError, "index must be an integer"),
        (lambda f: f.RandomSampler(seed=1, dataset_size=5), 1.0, 0, TypeError, "index must be an integer"),
        (lambda f: f.RandomSampler(seed=1, dataset_size=5), 1, 2**56, ValueError, r"epoch must be in \[0, 2\*\*56\)"),
        (lambda f: f.RandomSampler(seed=1, dataset_size=5), 1, -1, ValueError, "got epoch=-1"),
        (lambda f: f.RandomSampler(seed=1, dataset_size=5), 1, False, TypeError, "epoch must be an integer"),
        (lambda f: f.RandomSampler(seed=1, dataset_size=5), 1, "0", TypeError, "epoch must be an integer"),
        (lambda f: f.SequentialSampler(2, dataset_size=5), 7, 0, ValueError, "index must be in"),
        (lambda f: f.SubsetSampler([1, 2], dataset_size=5), 2**70, 0, ValueError, "index must be in"),
        (lambda f: f.SubsetRandomSampler([1, 2], seed=1, dataset_size=5), "1", 0, TypeError, "index must be an"),
        (lambda f: f.DistributedSampler(2, 0, dataset_size=5), 5, 0, ValueError, "index must be in"),
        (lambda f: f.DistributedSampler(2, 0, dataset_size=5), 1, None, TypeError, "epoch must be an integer"),
        (lambda f: f.RandomSampler(seed=1), 0, 0, ValueError, "needs the dataset size"),
    ],
)
def test_bad_arguments_are_named(mindspore_family, make, index, epoch, error, message) -> None:
    with pytest.raises(error, match=message):
        make(mindspore_family).position_of(index, epoch)


@pytest.mark.parametrize("name", list(WORLDS))
def test_asking_has_no_side_effect(name) -> None:
    make, shards, size = WORLDS[name]
    family = ferrosampler.mindspore
    asked, untouched = make(family, shards - 1), make(family, shards - 1)
    for index in range(0, size, 3):
        asked.positions_of(index, 2)
    assert asked.epoch == untouched.epoch == 0
    assert list(asked) == list(untouched)
    asked_state, untouched_state = asked.state_dict(), untouched.state_dict()
    # A level without seed= (SequentialSampler, SubsetSampler here) draws one: each sampler its own.
    assert [s if s[1] else False for s in asked_state.pop("seeds")] == [
        s if s[1] else False for s in untouched_state.pop("seeds")
    ]
    assert asked_state == untouched_state


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 300),
    k=st.integers(0, 320),
    seed=st.integers(0, 2**64 - 1),
    epoch=st.integers(0, 2**20),
    shards=st.integers(1, 6),
    offset=st.integers(-1, 6),
    shuffle=st.booleans(),
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=5),
    kind=st.sampled_from(["random", "subset-random", "distributed", "chain"]),
)
def test_rust_equals_reference(n, k, seed, epoch, shards, offset, shuffle, picks, kind) -> None:
    offset = min(offset, shards)

    def make(f: ModuleType) -> Any:
        if kind == "random":
            return f.RandomSampler(num_samples=k, seed=seed, dataset_size=n)
        if kind == "subset-random":
            return f.SubsetRandomSampler([(j * 7) % n for j in range(k + 1)], seed=seed, dataset_size=n)
        distributed = f.DistributedSampler(shards, shards - 1, shuffle, k, offset, seed=seed)
        if kind == "distributed":
            distributed.set_dataset_size(n)
            return distributed
        return chain(f.RandomSampler(seed=seed ^ 1, dataset_size=n), distributed)

    rust, reference = make(ferrosampler.mindspore), make(ferrosampler.reference.mindspore)
    for pick in picks:
        assert rust.positions_of(pick % n, epoch) == reference.positions_of(pick % n, epoch)
