"""InfiniteSampler: epoch after epoch in one iterator, exact O(1) resume at any step, elastic, in a DataLoader."""

from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pytest

import ferrosampler as fs

N = 23
WEIGHTS = [float(i % 4) for i in range(N)]
LABELS = [i % 5 for i in range(N)]

RECIPES = {
    "random": lambda: fs.RandomSampler(range(N), seed=1),
    "random-replacement": lambda: fs.RandomSampler(range(N), True, 30, seed=2),
    "subset": lambda: fs.SubsetRandomSampler(list(range(50, 50 + N)), seed=3),
    "weighted": lambda: fs.WeightedRandomSampler(WEIGHTS, 19, seed=4),
    "weighted-without": lambda: fs.WeightedRandomSampler(WEIGHTS, 12, False, seed=5),
    "sequential": lambda: fs.SequentialSampler(range(N)),
    "distributed": lambda: fs.DistributedSampler(range(N), 3, 1, seed=6),
    "distributed-uneven": lambda: fs.DistributedSampler(range(N), 3, 2, seed=6, even=False),
    "wrapper": lambda: fs.DistributedSamplerWrapper(fs.RandomSampler(range(N), seed=7), 2, 1),
    "batch": lambda: fs.BatchSampler(fs.RandomSampler(range(N), seed=8), 4, False),
    "distributed-weighted": lambda: fs.DistributedWeightedSampler(WEIGHTS, num_replicas=2, rank=0, seed=9),
    "pk": lambda: fs.PKBatchSampler(LABELS, 2, 2, seed=10),
    "m-per-class": lambda: fs.MPerClassSampler(LABELS, 2, 4, 16, seed=11),
    "mixture": lambda: fs.MixtureSampler([N, 7], [(0, [1.0, 0.0]), (9, [1.0, 2.0])], 23, seed=12),
}


def epochs(make, first: int, count: int) -> list:
    """Epochs first … first + count − 1 as the inner sampler iterates them after set_epoch."""
    sampler, out = make(), []
    for epoch in range(first, first + count):
        sampler.set_epoch(epoch)
        out += list(sampler)
    return out


@pytest.mark.parametrize("name", list(RECIPES))
def test_one_iterator_runs_epoch_after_epoch(name) -> None:
    make = RECIPES[name]
    length = len(make())
    for start in (0, 5):
        sampler = fs.InfiniteSampler(make(), start_epoch=start)
        assert list(itertools.islice(sampler, 4 * length + 3)) == epochs(make, start, 5)[: 4 * length + 3]


@pytest.mark.parametrize("name", list(RECIPES))
def test_a_state_saved_at_any_step_resumes_exactly_through_json(name) -> None:
    make = RECIPES[name]
    length = len(make())
    steps = sorted(
        {0, 1, length - 1, length, length + 1, 2 * length, *random.Random(name).sample(range(4 * length), 6)}
    )
    for step in steps:
        sampler = fs.InfiniteSampler(make(), start_epoch=2)
        iterator = iter(sampler)
        head = list(itertools.islice(iterator, step))
        state = json.loads(json.dumps(sampler.state_dict()))
        assert state["epoch"] == 2 + max(0, step - 1) // length if step else state["epoch"] == 2
        resumed = fs.InfiniteSampler(make())
        resumed.load_state_dict(state)
        assert list(itertools.islice(resumed, 2 * length + 1)) == list(itertools.islice(iterator, 2 * length + 1))
        assert head == epochs(make, 2, 4)[:step]


def test_resume_is_exact_for_an_unseeded_sampler_drawing_from_a_generator() -> None:
    torch = pytest.importorskip("torch")
    make = lambda: fs.RandomSampler(range(N), generator=torch.Generator().manual_seed(5))  # noqa: E731
    sampler = fs.InfiniteSampler(make())
    iterator = iter(sampler)
    next(itertools.islice(iterator, N + 6, N + 7))  # into the second epoch
    state = json.loads(json.dumps(sampler.state_dict()))
    resumed = fs.InfiniteSampler(make())
    resumed.load_state_dict(state)
    assert list(itertools.islice(resumed, 3 * N)) == list(itertools.islice(iterator, 3 * N))


@pytest.mark.parametrize("inner", ["distributed", "wrapper"])
def test_resume_on_another_world_size_loses_and_repeats_nothing(inner) -> None:
    def make(world: int, rank: int):
        if inner == "wrapper":
            base = fs.DistributedSamplerWrapper(fs.RandomSampler(range(N), seed=3), world, rank)
        else:
            base = fs.DistributedSampler(range(N), world, rank, seed=3)
        return fs.InfiniteSampler(base)

    saved = [make(2, rank) for rank in range(2)]
    iterators = [iter(rank) for rank in saved]
    share = len(saved[0].sampler)
    steps = share + 4  # all of epoch 0, four steps of epoch 1 on each rank
    seen = [list(itertools.islice(iterator, steps)) for iterator in iterators]
    state = fs.combine_states([rank.state_dict() for rank in saved])
    assert (state["epoch"], state["position"]) == (1, 8)
    resumed = [make(3, rank) for rank in range(3)]
    for rank in resumed:
        rank.load_state_dict(state)
    whole = (
        fs.DistributedSampler(range(N), 1, 0, seed=3) if inner == "distributed" else fs.RandomSampler(range(N), seed=3)
    )
    whole.set_epoch(1)
    epoch1 = list(whole)
    rest_of_epoch1 = [list(itertools.islice(rank, -(-(N - 8 - r) // 3))) for r, rank in enumerate(resumed)]
    served = [index for rank in seen for index in rank[share:]] + [index for rank in rest_of_epoch1 for index in rank]
    assert sorted(served) == sorted(epoch1)
    # Then epoch 2 on the new world, from its start: rank r's share of three.
    for r, rank in enumerate(resumed):
        fresh = make(3, r).sampler
        fresh.set_epoch(2)
        assert list(itertools.islice(rank, len(fresh))) == list(fresh)


def test_set_epoch_concerns_the_next_iterator_and_a_live_one_goes_on() -> None:
    make = RECIPES["random"]
    sampler = fs.InfiniteSampler(make())
    iterator = iter(sampler)
    first = list(itertools.islice(iterator, N))
    sampler.set_epoch(7)  # a trainer calling set_epoch mid-run: the live iterator keeps its epochs
    assert first + list(itertools.islice(iterator, N)) == epochs(make, 0, 2)
    assert list(itertools.islice(iter(sampler), N)) == epochs(make, 7, 1)
    assert list(itertools.islice(iter(sampler), N)) == epochs(make, 8, 1)  # a new iterator goes on after the last


def test_it_has_no_len_and_refuses_what_it_cannot_run() -> None:
    sampler = fs.InfiniteSampler(fs.RandomSampler(range(5), seed=1))
    with pytest.raises(TypeError):
        len(sampler)
    assert not hasattr(sampler, "__len__")
    with pytest.raises(ValueError, match="no index per epoch"):
        fs.InfiniteSampler(fs.SequentialSampler([]))
    with pytest.raises(TypeError, match="re-iterable"):
        fs.InfiniteSampler(5)
    with pytest.raises(ValueError, match="epoch"):
        fs.InfiniteSampler(fs.RandomSampler(range(5), seed=1), start_epoch=2**56)
    foreign = fs.InfiniteSampler([3, 1, 2])
    assert list(itertools.islice(foreign, 7)) == [3, 1, 2, 3, 1, 2, 3]
    with pytest.raises(TypeError, match="state_dict"):
        foreign.state_dict()
    with pytest.raises(ValueError, match="kind"):
        sampler.load_state_dict(fs.RandomSampler(range(5), seed=1).state_dict())
    state = sampler.state_dict()
    with pytest.raises(ValueError, match="fingerprint"):
        fs.InfiniteSampler(fs.RandomSampler(range(5), seed=2)).load_state_dict(state)
    assert repr(sampler) == f"InfiniteSampler(sampler={sampler.sampler!r}, start_epoch=0)"


def as_list(batch: list[int]) -> list[int]:
    """Batches as lists: 10^5 steps measure the sampler and the loader, not tensors in shared memory."""
    return batch


@pytest.mark.thread_unsafe
def test_a_dataloader_with_persistent_workers_runs_100000_steps_from_one_iterator() -> None:
    torch = pytest.importorskip("torch")

    class Ids(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return 1000

        def __getitem__(self, index: int) -> int:
            return index

    inner = fs.RandomSampler(range(1000), seed=12)
    loader = torch.utils.data.DataLoader(
        Ids(), sampler=fs.InfiniteSampler(inner), batch_size=4, num_workers=2, persistent_workers=True,
        collate_fn=as_list, prefetch_factor=8,
    )  # fmt: skip
    with pytest.raises(TypeError):
        len(loader)  # no length: trainers treat the loader as infinite
    got, steps = [], 0
    for batch in itertools.islice(loader, 100_000):  # one iter(loader): the workers are never restarted
        got += batch
        steps += 1
    expected = np.concatenate([inner.epoch_indices(epoch) for epoch in range(400)])
    assert steps == 100_000 and np.array_equal(got, expected)


@pytest.mark.thread_unsafe
@pytest.mark.parametrize("workers", [0, 2])
def test_a_stateful_dataloader_resumes_an_infinite_sampler_exactly(workers) -> None:
    stateful = pytest.importorskip("torchdata.stateful_dataloader")

    def make():
        sampler = fs.InfiniteSampler(fs.RandomSampler(range(50), seed=3))
        return stateful.StatefulDataLoader(list(range(50)), sampler=sampler, batch_size=4, num_workers=workers)

    loader = make()
    iterator = iter(loader)
    [next(iterator) for _ in range(20)]  # 80 indices: into the second epoch
    state = loader.state_dict()
    expected = [next(iterator).tolist() for _ in range(30)]
    resumed = make()
    resumed.load_state_dict(state)
    assert [batch.tolist() for batch in itertools.islice(resumed, 30)] == expected
