"""ferrosampler.DistributedSampler: torch's class and attributes, lazy strided reads, exact and elastic resume."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler


class Sized:
    """A dataset that only has a length (2**40 rows cost nothing)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n


def shares(family, n, world, epoch=0, **kw):
    samplers = [family.DistributedSampler(Sized(n), world, rank, **kw) for rank in range(world)]
    for sampler in samplers:
        sampler.set_epoch(epoch)
    return [list(sampler) for sampler in samplers]


def test_is_torchs_distributed_sampler_with_its_attributes():
    torch_data = pytest.importorskip("torch.utils.data")
    sampler = ferrosampler.DistributedSampler(list(range(10)), num_replicas=4, rank=1, seed=3)
    assert isinstance(sampler, torch_data.DistributedSampler)
    assert isinstance(sampler, torch_data.Sampler)
    assert (sampler.num_replicas, sampler.rank, sampler.epoch, sampler.seed) == (4, 1, 0, 3)
    assert (sampler.shuffle, sampler.drop_last, sampler.num_samples, sampler.total_size) == (True, False, 3, 12)
    assert sampler.dataset == list(range(10))


def test_torch_worked_example_unshuffled(family):
    # torch-samplers.md §2.6: N = 10, W = 4.
    assert shares(family, 10, 4, shuffle=False) == [[0, 4, 8], [1, 5, 9], [2, 6, 0], [3, 7, 1]]
    assert shares(family, 10, 4, shuffle=False, drop_last=True) == [[0, 4], [1, 5], [2, 6], [3, 7]]


def test_fisher_yates_is_the_spec_v1_call(engine):
    class V1(ferrosampler.DistributedSampler):
        _engine = engine

    sampler = V1(Sized(50), 3, 2, seed=9, permutation="fisher-yates")
    sampler.set_epoch(4)
    kw = {"permutation": "fisher-yates"} if hasattr(engine, "PERMUTATIONS") else {}
    assert list(sampler) == list(engine.strided_permutation(13, 0, 50, True, 2, 3, 17, **kw))


def test_unknown_permutation_is_refused():
    with pytest.raises(ValueError, match="permutation must be one of"):
        ferrosampler.DistributedSampler(Sized(5), 1, 0, permutation="riffle")


def test_order_is_fixed_at_iter():
    sampler = ferrosampler.DistributedSampler(Sized(40), 2, 0, seed=1)
    iterator = iter(sampler)
    sampler.set_epoch(1)
    assert list(iterator) == list(ferrosampler.DistributedSampler(Sized(40), 2, 0, seed=1))


def test_huge_dataset_unshuffled_is_lazy():
    sampler = ferrosampler.DistributedSampler(Sized(2**40), 3, 1, shuffle=False)
    head = list(itertools.islice(iter(sampler), 10**6))
    assert head[:3] == [1, 4, 7]
    assert head[-1] == 1 + 3 * (10**6 - 1)


def test_huge_dataset_shuffled_reads_only_its_positions():
    sampler = ferrosampler.DistributedSampler(Sized(2**40), 4, 3, seed=5)
    head = list(itertools.islice(iter(sampler), 10**6))
    assert len(head) == len(set(head)) == 10**6
    assert all(0 <= index < 2**40 for index in head[:1000])


def consume(sampler, count):
    iterator = iter(sampler)
    return [next(iterator) for _ in range(count)]


@pytest.mark.parametrize("world", [1, 2, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_exact_resume_at_every_position(family, world, drop_last):
    n, epoch = 11, 2
    for rank in range(world):
        whole = shares(family, n, world, epoch, seed=7, drop_last=drop_last)[rank]
        for stop in range(len(whole) + 1):
            before = family.DistributedSampler(Sized(n), world, rank, seed=7, drop_last=drop_last)
            before.set_epoch(epoch)
            head = consume(before, stop)
            state = json.loads(json.dumps(before.state_dict()))
            after = family.DistributedSampler(Sized(n), world, rank, seed=7, drop_last=drop_last)
            after.load_state_dict(state)
            after.set_epoch(epoch)  # what every training loop does: keeps the position
            assert head + list(after) == whole
            after.set_epoch(epoch + 1)
            assert list(after) == shares(family, n, world, epoch + 1, seed=7, drop_last=drop_last)[rank]


def test_set_epoch_to_another_epoch_starts_it_fresh():
    sampler = ferrosampler.DistributedSampler(Sized(20), 2, 0, seed=1)
    consume(sampler, 4)
    restored = ferrosampler.DistributedSampler(Sized(20), 2, 0, seed=1)
    restored.load_state_dict(sampler.state_dict())
    restored.set_epoch(3)
    assert list(restored) == shares(ferrosampler, 20, 2, 3, seed=1)[0]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("seed", {"seed": 2}), ("shuffle", {"shuffle": False}), ("n", {"n": 21}), ("permutation", None)],
)
def test_mismatched_state_names_the_field(field, kwargs):
    state = ferrosampler.DistributedSampler(Sized(20), 2, 0, seed=1).state_dict()
    if kwargs is None:
        state["permutation"] = "other"
        kwargs = {}
    n = kwargs.pop("n", 20)
    other = ferrosampler.DistributedSampler(Sized(n), 2, 0, **{"seed": 1, **kwargs})
    with pytest.raises(ValueError, match=field):
        other.load_state_dict(state)


@pytest.mark.parametrize(("field", "value"), [("position", -1), ("position", 21), ("epoch", "x"), ("kind", "Random")])
def test_bad_state_values_name_the_field(field, value):
    sampler = ferrosampler.DistributedSampler(Sized(20), 2, 0)
    state = {**sampler.state_dict(), field: value}
    with pytest.raises(ValueError, match=field):
        sampler.load_state_dict(state)


def elastic_run(family, n, worlds, stops, seed=3, epoch=1):
    """Consume stops[i] per rank at world size worlds[i], saving and resuming in between; what every rank saw."""
    seen: list[int] = []
    state = None
    for world, stop in zip(worlds, stops, strict=True):
        states = []
        for rank in range(world):
            sampler = family.DistributedSampler(Sized(n), world, rank, seed=seed)
            if state is not None:
                sampler.load_state_dict(state)
            sampler.set_epoch(epoch)
            seen += consume(sampler, stop) if stop is not None else list(sampler)
            states.append(sampler.state_dict())
        state = ferrosampler.combine_states(states)
    return seen, state


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 60),
    worlds=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    data=st.data(),
)
def test_elastic_resume_loses_and_repeats_nothing(n, worlds, data):
    stops = []
    consumed = 0
    for world in worlds:
        left = -(-(n - consumed) // world) if consumed < n else 0
        stop = data.draw(st.integers(0, left))
        stops.append(stop)
        consumed = min(n, consumed + stop * world)
    seen, _ = elastic_run(ferrosampler, n, [*worlds, data.draw(st.integers(1, 5))], [*stops, None])
    # Padding repeats fewer than one world's worth of indices, only in the last world.
    assert set(seen) == set(range(n))
    assert len(seen) - n < worlds[-1] + 5


def test_elastic_resume_without_padding_is_exact(family):
    seen, _ = elastic_run(family, 24, [4, 3, 2, 3], [2, 1, 2, None])
    assert sorted(seen) == list(range(24))
    # The first world consumed exactly the global order's first 2 × 4 positions.
    assert set(seen[:8]) == set(shares(family, 24, 1, 1, seed=3)[0][:8])


def test_combine_states_takes_the_least_consumed_rank():
    samplers = [ferrosampler.DistributedSampler(Sized(30), 3, rank, seed=2) for rank in range(3)]
    for sampler, stop in zip(samplers, [4, 2, 5], strict=True):
        consume(sampler, stop)
    combined = ferrosampler.combine_states([sampler.state_dict() for sampler in samplers])
    assert combined["position"] == 6
    other = ferrosampler.DistributedSampler(Sized(31), 3, 0, seed=2)
    with pytest.raises(ValueError, match="fingerprint"):
        ferrosampler.combine_states([samplers[0].state_dict(), other.state_dict()])
    with pytest.raises(ValueError, match="at least one"):
        ferrosampler.combine_states([])


def test_state_at_epoch_end_resumes_nothing_of_that_epoch():
    sampler = ferrosampler.DistributedSampler(Sized(9), 2, 0, seed=4, drop_last=True)
    list(sampler)
    state = sampler.state_dict()
    assert state["position"] == 9
    resumed = ferrosampler.DistributedSampler(Sized(9), 1, 0, seed=4)
    resumed.load_state_dict(state)
    assert list(resumed) == []


@pytest.mark.parametrize("num_workers", [0, 2])
def test_stateful_dataloader_resumes_mid_epoch(num_workers):
    stateful = pytest.importorskip("torchdata.stateful_dataloader")

    def loader(sampler):
        return stateful.StatefulDataLoader(list(range(40)), batch_size=3, sampler=sampler, num_workers=num_workers)

    def run(stop_epoch=None, stop_batch=None, state=None):
        sampler = ferrosampler.DistributedSampler(Sized(40), 2, 1, seed=9)
        batches, data = [], loader(sampler)
        if state is not None:
            data.load_state_dict(state)
        for epoch in range(2 if stop_epoch is None else stop_epoch + 1):
            if state is not None and epoch < state["epoch_of_run"]:
                continue
            sampler.set_epoch(epoch)
            for number, batch in enumerate(data):
                batches.append(batch.tolist())
                if epoch == stop_epoch and number == stop_batch:
                    return batches, {**data.state_dict(), "epoch_of_run": epoch}
        return batches, None

    whole, _ = run()
    head, state = run(stop_epoch=1, stop_batch=2)
    tail, _ = run(state=state)
    assert head + tail == whole
