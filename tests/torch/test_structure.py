"""Structural properties that hold for every seed and size (hypothesis), independent of
the random order: permutations, disjoint covers with padding, lengths, supports."""

from __future__ import annotations

import collections

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler as fs

seeds = st.integers(0, 2**64 - 1)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.integers(1, 900), seeds, st.integers(0, 2**56 - 1))
def test_random_sampler_is_blocks_of_permutations(n, k, seed, epoch):
    out = fs.RandomSampler(range(n), num_samples=k, seed=seed).epoch_indices(epoch).tolist()
    assert len(out) == k
    full, tail = divmod(k, n)
    for b in range(full):
        assert sorted(out[b * n : (b + 1) * n]) == list(range(n))
    rest = out[full * n :]
    assert len(set(rest)) == tail and all(0 <= i < n for i in rest)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 200), st.integers(1, 12), st.booleans(), st.booleans(), seeds, st.integers(-3, 3))
def test_distributed_ranks_form_a_disjoint_cover_plus_padding(n, replicas, shuffle, drop_last, seed, epoch):
    shards = []
    for rank in range(replicas):
        sampler = fs.DistributedSampler(range(n), replicas, rank, shuffle, seed, drop_last)
        sampler.set_epoch(epoch)
        shards.append(sampler.epoch_indices().tolist())
        assert len(shards[-1]) == len(sampler) == (n // replicas if drop_last else -(-n // replicas))
    everything = collections.Counter(i for shard in shards for i in shard)
    if drop_last:
        assert len(everything) == sum(everything.values()) == n // replicas * replicas
    elif n:
        assert set(everything) == set(range(n))
        padding = sum(everything.values()) - n
        assert 0 <= padding < replicas or n < replicas
        assert sum(c - 1 for c in everything.values()) == padding


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1e6)), min_size=1, max_size=50).filter(any),
    st.booleans(),
    st.integers(1, 60),
    seeds,
)
def test_weighted_sampler_support(weights, replacement, k, seed):
    positive = {i for i, w in enumerate(weights) if w > 0}
    if not replacement:
        k = min(k, len(positive))
    out = fs.WeightedRandomSampler(weights, k, replacement, seed=seed).epoch_indices(0).tolist()
    assert len(out) == k and set(out) <= positive
    if not replacement:
        assert len(set(out)) == k


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-10, 10**9), max_size=100), seeds)
def test_subset_random_sampler_is_a_permutation_of_its_values(values, seed):
    out = fs.SubsetRandomSampler(values, seed=seed).epoch_indices(0)
    assert sorted(out.tolist()) == sorted(values)
    assert out.dtype == np.int64
