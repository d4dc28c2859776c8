"""ferrosampler.X == ferrosampler.reference.X, bit for bit, for every torch-compatible random sampler,
over hypothesis-chosen seeds, epochs, sizes and parameters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler as fs
import ferrosampler.reference as ref

seeds = st.integers(0, 2**64 - 1)
epochs = st.one_of(st.integers(0, 10), st.integers(0, 2**56 - 1))
# 0, 1, 2^k ± 1 and anything small; the pure-Python ChaCha keeps examples small.
sizes = st.one_of(st.sampled_from([1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65]), st.integers(1, 120))
weights = st.lists(
    st.one_of(
        st.just(0.0),
        st.floats(0, 1e6, allow_nan=False),
        st.floats(1e-300, 1e-250),
        st.sampled_from([5e-324, 1e300, 2.0**-1074, 1.0]),
    ),
    min_size=1,
    max_size=60,
).filter(lambda ws: any(w > 0 for w in ws))


def same(a, b) -> None:
    assert [int(x) for x in a] == [int(x) for x in b]


@settings(max_examples=300, deadline=None)
@given(sizes, st.booleans(), st.one_of(st.none(), st.integers(1, 200)), seeds, st.integers(0, 3))
def test_random_sampler(n, replacement, num_samples, seed, epoch):
    a = fs.RandomSampler(range(n), replacement, num_samples, seed=seed)
    b = ref.RandomSampler(range(n), replacement, num_samples, seed=seed)
    a.set_epoch(epoch)
    b.set_epoch(epoch)
    same(list(a), list(b))
    same(list(a), list(b))  # the next epoch too


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 10**6), max_size=80), seeds)
def test_subset_random_sampler(indices, seed):
    a = fs.SubsetRandomSampler(indices, generator=seed)
    b = ref.SubsetRandomSampler(indices, generator=seed)
    assert list(a) == list(b)


@settings(max_examples=300, deadline=None)
@given(weights, st.booleans(), st.integers(1, 80), seeds, st.integers(0, 3))
def test_weighted_random_sampler(ws, replacement, num_samples, seed, epoch):
    if not replacement:
        num_samples = min(num_samples, sum(w > 0 for w in ws))
    a = fs.WeightedRandomSampler(ws, num_samples, replacement, seed=seed)
    b = ref.WeightedRandomSampler(ws, num_samples, replacement, seed=seed)
    a.set_epoch(epoch)
    b.set_epoch(epoch)
    same(list(a), list(b))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 100), st.integers(1, 9), st.data(), st.booleans(), st.booleans(), seeds, st.integers(-5, 5))
def test_distributed_sampler(n, replicas, data, shuffle, drop_last, seed, epoch):
    rank = data.draw(st.integers(0, replicas - 1))
    a = fs.DistributedSampler(range(n), replicas, rank, shuffle, seed % 2**63, drop_last)
    b = ref.DistributedSampler(range(n), replicas, rank, shuffle, seed % 2**63, drop_last)
    a.set_epoch(epoch)
    b.set_epoch(epoch)
    same(list(a), list(b))


permutations = st.sampled_from(["feistel", "fisher-yates"])
feistel_sizes = st.one_of(st.sampled_from([129, 255, 256, 257, 511, 512, 513]), st.integers(129, 2000))


@settings(max_examples=60, deadline=None)
@given(feistel_sizes, permutations, st.one_of(st.none(), st.integers(1, 3000)), seeds, st.data())
def test_permutations_and_resumed_positions(n, permutation, num_samples, seed, data):
    """Both engines agree on either permutation, whole and resumed at any position (seeked by the engine)."""
    a = fs.RandomSampler(range(n), num_samples=num_samples, seed=seed, permutation=permutation)
    b = ref.RandomSampler(range(n), num_samples=num_samples, seed=seed, permutation=permutation)
    whole = a.epoch_indices(0).tolist()
    same(whole, b.epoch_indices(0))
    position = data.draw(st.integers(0, len(whole)))
    state = {**a.state_dict(), "position": position}
    a.load_state_dict(state)
    b.load_state_dict(state)
    rest = list(a)
    assert rest == whole[position:]
    same(rest, list(b))
    same(list(a), list(b))  # the epoch after the resumed one


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 10**6), min_size=1, max_size=700), permutations, seeds, st.data())
def test_subset_permutations_and_resumed_positions(indices, permutation, seed, data):
    a = fs.SubsetRandomSampler(indices, seed=seed, permutation=permutation)
    b = ref.SubsetRandomSampler(indices, seed=seed, permutation=permutation)
    position = data.draw(st.integers(0, len(indices)))
    state = {**a.state_dict(), "position": position}
    a.load_state_dict(state)
    b.load_state_dict(state)
    assert (
        list(a)
        == list(b)
        == [
            indices[j]
            for j in fs.SubsetRandomSampler(range(len(indices)), seed=seed, permutation=permutation).epoch_indices(0)[
                position:
            ]
        ]
    )
