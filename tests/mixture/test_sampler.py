"""MixtureSampler as a sampler (spec §23.8): its arguments and refusals, what it tells about its sources, the
epoch protocol (length, epochs advancing, set_epoch, pickling), and exact resume at every position."""

from __future__ import annotations

import copy
import json
import math
import pickle

import numpy as np
import pytest

import ferrosampler
import ferrosampler.reference
from ferrosampler import ArgumentTypeError

FAMILIES = pytest.mark.parametrize("family", [ferrosampler, ferrosampler.reference], ids=["rust", "reference"])


@FAMILIES
@pytest.mark.parametrize(
    ("sources", "weights", "kwargs", "error", "message"),
    [
        ([], [], {}, ValueError, "sources must not be empty"),
        ([3, 0], [1, 1], {}, ValueError, r"sources\[1\] must have a size in \[1, 2\*\*48\], got 0"),
        ([3, -2], [1, 1], {}, ValueError, r"sources\[1\] must have a size in \[1, 2\*\*48\], got -2"),
        ([3, 2**48 + 1], [1, 1], {}, ValueError, r"sources\[1\] must have a size in \[1, 2\*\*48\]"),
        ([3, object()], [1, 1], {}, TypeError, r"sources\[1\] must be a size \(an int\) or a dataset with len\(\)"),
        (5, [1], {}, TypeError, "sources must be a sequence of sizes"),
        ([3, 4, 5], [1.0, 2.0, math.nan], {}, ValueError, r"^weights\[2\] = nan: a weight must be finite"),
        ([3, 4, 5], [1.0, math.inf, 1.0], {}, ValueError, r"^weights\[1\] = inf: a weight must be finite"),
        ([3, 4, 5], [1.0, -0.5, 1.0], {}, ValueError, r"^weights\[1\] = -0.5: a weight must be finite"),
        (
            [3, 4, 5, 6],
            [(0, [1, 1, 1, 1]), (9, [1, 1, 1, -1.0])],
            {},
            ValueError,
            r"^weights phase 1 \[3\] = -1.0: a weight must be finite and non-negative",
        ),
        ([3, 4], [0, 0], {}, ValueError, "^weights are all zero: at least one must be positive"),
        ([3, 4], [(0, [1, 1]), (2, [0, 0])], {}, ValueError, "^weights phase 1 are all zero"),
        ([3, 4], [(1, [1, 1])], {}, ValueError, "^weights phase 0 must start at 0, got start=1"),
        (
            [3, 4],
            [(0, [1, 1]), (5, [1, 2]), (4, [2, 1])],
            {},
            ValueError,
            r"^weights phase 2 must start after phase 1 \(start=5\), got start=4",
        ),
        ([3, 4], [(0, [1, 1]), (7, [1, 2])], {}, ValueError, "^weights phase 1 must start before num_samples=7"),
        ([3, 4], [(0, [1, 1]), (9, [1, 2])], {"num_samples": 8}, ValueError, "must start before num_samples=8"),
        ([3, 4, 5], [1, 2], {}, ValueError, r"^weights has 2 entries, expected one per source \(3\)"),
        ([3, 4], [(0, [1, 1]), (2, [1])], {}, ValueError, r"^weights phase 1 has 1 entries, expected one per"),
        ([3, 4], [(0, [1, 1]), (2.5, [1, 1])], {}, TypeError, "^weights phase 1 start must be an integer"),
        ([3, 4], [(0, [1, 1]), (2, 3, 4)], {}, TypeError, r"^weights phase 1 must be a \(start, weights\) pair"),
        ([3, 4], ["a", "b"], {}, TypeError, "weights must be a 1-D sequence of numbers"),
        (
            [3, 4],
            [(0, [1, 1]), (2, [1, 2])],
            {"num_samples": "first_exhausted"},
            ValueError,
            "^num_samples='first_exhausted' needs a single phase of weights, got a schedule of 2 phases",
        ),
        ([3, 4], [1, 1], {"num_samples": 0}, ValueError, r"^num_samples must be in \[1, 2\*\*62 \+ 1\)"),
        ([3, 4], [1, 1], {"num_samples": 2**62 + 1}, ValueError, r"^num_samples must be in \[1, 2\*\*62 \+ 1\)"),
        ([3, 4], [1, 1], {"num_samples": "bogus"}, ValueError, "^num_samples must be a positive int, None"),
        ([3, 4], [1, 1], {"num_samples": 2.5}, TypeError, "^num_samples must be a positive int, None"),
        ([3, 4], [1, 1], {"permutation": "fisher-yates"}, ValueError, "only permutation='feistel' is supported"),
        ([3, 4], [1, 1], {"permutation": "x"}, ValueError, "permutation must be one of 'feistel', 'fisher-yates'"),
        ([3, 4], [1, 1], {"seed": 1, "generator": 2}, ValueError, "seed"),
        ([2**48] * 2**15, [1.0] * 2**15, {}, ValueError, "num_samples defaults to the sum of the sizes"),
        (
            [2**48, 2**48],
            [1.0, 2.0**-15],
            {"num_samples": "all_exhausted"},
            ValueError,
            "^num_samples='all_exhausted' would be more than 2[*][*]62 positions: source 1",
        ),
    ],
)
def test_bad_arguments_are_refused_by_name(family, sources, weights, kwargs, error, message):
    with pytest.raises(error, match=message):
        family.MixtureSampler(sources, weights, **kwargs)


def test_a_dataset_without_len_is_a_type_error():
    torch_data = pytest.importorskip("torch.utils.data")

    class Stream(torch_data.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    with pytest.raises(ArgumentTypeError, match=r"sources\[1\] must be a size \(an int\) or a dataset with len\(\)"):
        ferrosampler.MixtureSampler([[1, 2], Stream()], [1, 1])


def test_sources_sizes_offsets_and_lookups():
    sampler = ferrosampler.MixtureSampler([range(3), ["a"] * 5, 7], np.array([1.0, 2.0, 3.0]), seed=1)
    assert sampler.sizes == (3, 5, 7) and sampler.offsets == (0, 3, 8)
    assert len(sampler) == sampler.num_samples == 15
    assert [sampler.source_of(i) for i in (0, 2, 3, 7, 8, 14)] == [(0, 0), (0, 2), (1, 0), (1, 4), (2, 0), (2, 6)]
    assert sampler.sources_of([0, 3, 14]).tolist() == [0, 1, 2]
    for bad in (-1, 15):
        with pytest.raises(ValueError, match=r"index must be in \[0, 15\)"):
            sampler.source_of(bad)
    assert sampler.schedule == [(0, (1.0, 2.0, 3.0))]
    assert repr(sampler) == "MixtureSampler(sizes=[3, 5, 7], phases=1, num_samples=15, seed=1, permutation='feistel')"


def test_torch_weights_and_concat():
    torch = pytest.importorskip("torch")
    datasets = [list(range(100, 104)), list(range(200, 210)), list(range(300, 301))]
    sampler = ferrosampler.MixtureSampler(datasets, torch.tensor([1.0, 1.0, 0.5]), num_samples=40, seed=2)
    data = ferrosampler.MixtureSampler.concat(datasets)
    assert isinstance(data, torch.utils.data.ConcatDataset)
    for index in sampler:
        s, j = sampler.source_of(index)
        assert data[index] == datasets[s][j]


@FAMILIES
def test_epochs_advance_and_set_epoch_chooses_one(family):
    sampler = family.MixtureSampler([40, 9, 300], [(0, [1, 2, 3]), (50, [0, 1, 1])], num_samples=90, seed=6)
    first, second = list(sampler), list(sampler)
    assert first != second
    assert first == sampler.epoch_indices(0).tolist() and second == sampler.epoch_indices(1).tolist()
    sampler.set_epoch(7)
    assert list(sampler) == sampler.epoch_indices(7).tolist() and sampler.epoch == 8


def test_the_run_limit_is_refused_when_reached():
    sampler = ferrosampler.MixtureSampler([10, 20], [1, 1], num_samples=2**62, seed=0)
    sampler.set_epoch(3)
    assert len(list(zip(range(5), sampler, strict=False))) == 5  # (3 + 1)·2^62 = 2^64: the last epoch allowed
    sampler.set_epoch(4)
    with pytest.raises(ValueError, match=r"\(epoch \+ 1\) \* num_samples must be <= 2\*\*64"):
        next(iter(sampler))


def test_pickle_and_deepcopy_keep_the_order():
    sampler = ferrosampler.MixtureSampler([5, 6], [(0, [1, 0]), (3, [1, 1])], num_samples=20, seed=5)
    for clone in (pickle.loads(pickle.dumps(sampler)), copy.deepcopy(sampler)):
        assert list(clone) == list(copy.deepcopy(sampler))
    reference = ferrosampler.reference.MixtureSampler([5, 6], [(0, [1, 0]), (3, [1, 1])], num_samples=20, seed=5)
    assert list(pickle.loads(pickle.dumps(reference))) == sampler.epoch_indices(0).tolist()


@FAMILIES
@pytest.mark.parametrize(
    ("sources", "weights", "num_samples"),
    [
        ([3, 5, 200], [(0, [1, 0, 1]), (7, [2, 1, 1]), (30, [0, 0, 1])], 41),
        ([4, 4, 4], [1, 2, 3], "all_exhausted"),
    ],
)
def test_resume_at_every_position(family, sources, weights, num_samples):
    def make():
        return family.MixtureSampler(sources, weights, num_samples, seed=9)

    reference = make()
    epochs = [list(reference) for _ in range(3)]
    length = len(reference)
    for epoch in range(2):
        for position in range(length + 1):
            sampler = make()
            for _ in range(epoch):
                list(sampler)
            iterator = iter(sampler)
            taken = [next(iterator) for _ in range(position)]
            assert taken == epochs[epoch][:position]
            state = json.loads(json.dumps(sampler.state_dict()))
            # From iter() on, the state is the new iterator's epoch, even before its first index (spec §13).
            saved = (epoch, position)
            assert (state["epoch"], state["position"]) == saved
            resumed = make()
            resumed.load_state_dict(state)
            assert list(resumed) == epochs[saved[0]][saved[1] :]
            assert list(resumed) == epochs[saved[0] + 1]


def test_a_state_is_refused_by_other_parameters():
    state = ferrosampler.MixtureSampler([3, 4], [1, 2], num_samples=10, seed=1).state_dict()
    for other in (
        ferrosampler.MixtureSampler([3, 5], [1, 2], num_samples=10, seed=1),
        ferrosampler.MixtureSampler([3, 4], [1, 3], num_samples=10, seed=1),
        ferrosampler.MixtureSampler([3, 4], [(0, [1, 2]), (5, [1, 2])], num_samples=10, seed=1),
        ferrosampler.MixtureSampler([3, 4], [1, 2], num_samples=11, seed=1),
        ferrosampler.MixtureSampler([3, 4], [1, 2], num_samples=10, seed=2),
        ferrosampler.RandomSampler(range(7), num_samples=10, seed=1),
    ):
        with pytest.raises(ValueError, match="state"):
            other.load_state_dict(state)


def test_unseeded_samplers_follow_torchs_generator_and_resume():
    torch = pytest.importorskip("torch")

    def make(generator=None):
        return ferrosampler.MixtureSampler([30, 40], [1, 3], num_samples=50, generator=generator)

    torch.manual_seed(4)
    first = list(make())
    torch.manual_seed(4)
    assert list(make()) == first
    generator = torch.Generator().manual_seed(8)
    sampler = make(generator)
    iterator = iter(sampler)
    head = [next(iterator) for _ in range(17)]
    state = json.loads(json.dumps(sampler.state_dict()))
    rest = list(iterator)
    resumed = make(torch.Generator().manual_seed(99))
    resumed.load_state_dict(state)
    assert head + list(resumed) == head + rest
    assert list(resumed) == list(sampler)  # later epochs draw the same seeds
