"""DistributedSamplerWrapper: the ranks' shares put back together are one epoch of the inner sampler."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler
import ferrosampler.mindspore
import ferrosampler.reference

INNER = {
    "random": lambda f, n, seed: f.RandomSampler(range(n), seed=seed),
    "random_replacement": lambda f, n, seed: f.RandomSampler(range(n), True, 2 * n + 1, seed=seed),
    "random_num_samples": lambda f, n, seed: f.RandomSampler(range(n), False, 3 * n - 1, seed=seed),
    "weighted": lambda f, n, seed: f.WeightedRandomSampler([1.0 + i % 3 for i in range(n)], n + 2, seed=seed),
    "weighted_no_replacement": lambda f, n, seed: f.WeightedRandomSampler(
        [1.0 + i for i in range(n)], max(1, n - 1), False, seed=seed
    ),
    "subset": lambda f, n, seed: f.SubsetRandomSampler([10 * i for i in range(n)], seed=seed),
    "sequential": lambda f, n, seed: f.SequentialSampler(range(n)),
    "batch": lambda f, n, seed: f.BatchSampler(f.RandomSampler(range(n), seed=seed), 3, False),
    "mindspore_random": lambda f, n, seed: ferrosampler.mindspore.RandomSampler(seed=seed, dataset_size=n),
    "foreign": lambda f, n, seed: [(i * 7) % n for i in range(n)],
}


def one_epoch(name, family, n, seed, epoch):
    sampler = INNER[name](family, n, seed)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)
    return list(sampler)


def rank_shares(name, family, n, seed, epoch, world, drop_last=False):
    out = []
    for rank in range(world):
        wrapper = family.DistributedSamplerWrapper(INNER[name](family, n, seed), world, rank, drop_last)
        wrapper.set_epoch(epoch)
        share = list(wrapper)
        assert len(share) == len(wrapper)
        out.append(share)
    return out


def interleave(shares, length):
    world = len(shares)
    return [shares[position % world][position // world] for position in range(length)]


@pytest.mark.parametrize("family", [ferrosampler, ferrosampler.reference], ids=["rust", "reference"])
@pytest.mark.parametrize("name", sorted(INNER))
@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 40), seed=st.integers(0, 2**64 - 1), epoch=st.integers(0, 5), world=st.integers(1, 5))
def test_union_over_ranks_is_one_inner_epoch(family, name, n, seed, epoch, world):
    whole = one_epoch(name, family, n, seed, epoch)
    shares = rank_shares(name, family, n, seed, epoch, world)
    assert interleave(shares, len(whole)) == whole
    padded = [x for share in shares for x in share]
    assert len(padded) == -(-len(whole) // world) * world  # padded like DistributedSampler
    dropped = rank_shares(name, family, n, seed, epoch, world, drop_last=True)
    assert interleave(dropped, len(whole) // world * world) == whole[: len(whole) // world * world]


def test_is_a_distributed_sampler_and_forwards_set_epoch():
    torch_data = pytest.importorskip("torch.utils.data")
    inner = ferrosampler.RandomSampler(range(10), seed=1)
    wrapper = ferrosampler.DistributedSamplerWrapper(inner, 2, 1)
    assert isinstance(wrapper, torch_data.DistributedSampler)
    wrapper.set_epoch(4)
    assert inner.epoch == 4
    assert (wrapper.num_samples, wrapper.total_size, len(wrapper)) == (5, 10, 5)


def test_counting_inner_sampler_moves_on_each_epoch():
    inner = ferrosampler.RandomSampler(range(12), seed=5)
    wrapper = ferrosampler.DistributedSamplerWrapper(inner, 3, 0)
    first, second = list(wrapper), list(wrapper)
    reference = ferrosampler.RandomSampler(range(12), seed=5)
    assert first == reference.epoch_indices(0).tolist()[0::3]
    assert second == reference.epoch_indices(1).tolist()[0::3]


@pytest.mark.parametrize("name", ["random", "weighted_no_replacement", "subset", "foreign"])
@pytest.mark.parametrize(("world", "new_world"), [(2, 2), (3, 1), (2, 4)])
def test_resume_and_elastic_resume(name, world, new_world):
    n, seed, epoch = 13, 8, 2
    whole = one_epoch(name, ferrosampler, n, seed, epoch)
    seen, states = [], []
    for rank in range(world):
        wrapper = ferrosampler.DistributedSamplerWrapper(INNER[name](ferrosampler, n, seed), world, rank)
        wrapper.set_epoch(epoch)
        iterator = iter(wrapper)
        seen += [next(iterator) for _ in range(2)]
        states.append(json.loads(json.dumps(wrapper.state_dict())))
    state = ferrosampler.combine_states(states)
    for rank in range(new_world):
        wrapper = ferrosampler.DistributedSamplerWrapper(INNER[name](ferrosampler, n, seed), new_world, rank)
        wrapper.load_state_dict(state)
        wrapper.set_epoch(epoch)
        seen += list(wrapper)
        wrapper.set_epoch(epoch + 1)  # later epochs as if never interrupted
        assert list(wrapper) == rank_shares(name, ferrosampler, n, seed, epoch + 1, new_world)[rank]
    assert sorted(seen)[: len(whole)] == sorted(whole) or set(seen) == set(whole)
    assert len(seen) - len(whole) < new_world


def test_resume_of_a_drawn_seed_reuses_that_seed():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    wrapper = ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(20)), 2, 0)
    whole = list(wrapper)
    wrapper = ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(20)), 2, 0)
    torch.manual_seed(0)
    iterator = iter(wrapper)
    head = [next(iterator) for _ in range(3)]
    state = wrapper.state_dict()
    torch.manual_seed(123)  # another global state: the saved seed decides
    resumed = ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(20)), 2, 0)
    resumed.load_state_dict(state)
    assert head + list(resumed) == whole


def test_mismatched_inner_sampler_is_refused():
    state = ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(9), seed=1), 2, 0).state_dict()
    other = ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(9), seed=2), 2, 0)
    with pytest.raises(ValueError, match="inner_seed"):
        other.load_state_dict(state)
