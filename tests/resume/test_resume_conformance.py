"""Rust == reference on the resumed paths and the permutation= choice of the MindSpore samplers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler.mindspore as fm
import ferrosampler.reference.mindspore as rm

seeds = st.integers(0, 2**64 - 1)
permutations = st.sampled_from(["feistel", "fisher-yates"])


def factories(n, permutation, seed):
    return [
        lambda m: m.RandomSampler(seed=seed, dataset_size=n, permutation=permutation),
        lambda m: m.SubsetRandomSampler(list(range(0, n, 3)), seed=seed, dataset_size=n, permutation=permutation),
        lambda m: m.DistributedSampler(4, 3, seed=seed, dataset_size=n, permutation=permutation),
        lambda m: m.PKSampler(2, shuffle=True, labels=[i % 150 for i in range(n)], seed=seed, permutation=permutation),
        lambda m: m.WeightedRandomSampler([1.0 + i % 5 for i in range(n)], seed=seed, dataset_size=n),
    ]


@settings(max_examples=25, deadline=None)
@given(st.integers(129, 1500), permutations, seeds, st.data())
def test_mindspore_resumed_epochs_agree(n, permutation, seed, data):
    for make in factories(n, permutation, seed):
        rust, reference = make(fm), make(rm)
        whole = rust.epoch_indices(1).tolist()
        assert reference.epoch_indices(1).tolist() == whole
        position = data.draw(st.integers(0, len(whole)))
        state = {**rust.state_dict(), "epoch": 1, "position": position}
        rust.load_state_dict(state)
        reference.load_state_dict(state)
        assert list(rust) == list(reference) == whole[position:]
        assert list(rust) == list(reference) == make(fm).epoch_indices(2).tolist()
