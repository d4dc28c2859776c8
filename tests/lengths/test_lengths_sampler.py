"""LengthGroupedBatchSampler (spec §24): every index once over the ranks (apart from the documented padding),
token budgets, equal batch counts, len(), epochs, shuffle=False, inputs, bad input, repr, pickling, trainers."""

from __future__ import annotations

import copy
import pickle
from collections import Counter

import numpy as np
import pytest

import ferrosampler as fs
from ferrosampler import reference

LENGTHS = [int(v) for v in np.random.default_rng(11).integers(0, 60, 203)]  # ties, zeros, 203 = 7 · 29


def ranks(family, world, lengths=LENGTHS, **kwargs):
    kwargs.setdefault("seed", 1)
    return [family.LengthGroupedBatchSampler(lengths, num_replicas=world, rank=r, **kwargs) for r in range(world)]


def global_order(samplers, epoch):
    """The epoch's batches step by step (rank 0's first), and each rank's count."""
    per_rank = [s.epoch_batches(epoch) for s in samplers]
    assert len({len(b) for b in per_rank}) == 1, "every rank gets the same number of batches"
    return [batch for step in zip(*per_rank, strict=True) for batch in step]


CONFIGS = [
    {"batch_size": 4},
    {"batch_size": 5, "window": 20},
    {"batch_size": 7, "window": 7},
    {"batch_size": 1, "window": 9},
    {"max_tokens": 90},
    {"max_tokens": 50, "window": 31},
    {"max_tokens": 1},  # every non-empty sample past the budget: singletons (zeros pack together)
    {"batch_size": 4, "shuffle": False},
    {"max_tokens": 120, "shuffle": False, "window": 40},
]


@pytest.mark.parametrize("world", [1, 2, 3, 8])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_every_index_once_apart_from_the_padding_step(world, config):
    samplers = ranks(fs, world, **config)
    for epoch in (0, 1):
        order = global_order(samplers, epoch)
        distinct = dict.fromkeys(tuple(b) for b in order)
        assert sorted(i for b in distinct for i in b) == list(range(len(LENGTHS)))
        plan = samplers[0]._plan(samplers[0]._seed or 0, epoch, world)
        samplers[0].set_epoch(epoch)
        assert len(order) == plan.num_batches == world * len(samplers[0]) and len(distinct) == plan.distinct_batches
        # The padding: the last step repeats its own k batches, G − k times in all; no other batch recurs.
        repeats = len(order) - len(distinct)
        assert repeats == (-plan.distinct_batches) % world
        if repeats:
            last = [tuple(b) for b in order[-world:]]
            k = world - repeats
            assert all(last[i] == last[i % k] for i in range(world)) and len(set(last)) == k
            assert not set(last) & {tuple(b) for b in order[:-world]}


@pytest.mark.parametrize("world", [1, 3, 8])
@pytest.mark.parametrize("config", CONFIGS[:6], ids=str)
def test_drop_last_serves_each_batch_at_most_once_and_full_batches(world, config):
    samplers = ranks(fs, world, drop_last=True, **config)
    order = global_order(samplers, 2)
    flat = [i for b in order for i in b]
    assert len(flat) == len(set(flat))
    plan = samplers[0]._plan(1, 2, world)
    samplers[0].set_epoch(2)
    assert len(order) == world * len(samplers[0]) == plan.num_batches == plan.distinct_batches // world * world
    if "batch_size" in config:
        assert {len(b) for b in order} <= {config["batch_size"]}


@pytest.mark.parametrize("budget", [1, 7, 30, 90, 500])
def test_every_max_tokens_batch_within_budget_except_over_long_singletons(budget):
    lengths = [*LENGTHS, 1000, 999]  # past every budget
    for world in (1, 3):
        for sampler in ranks(fs, world, lengths, max_tokens=budget, window=50):
            for batch in sampler.epoch_batches(4):
                longest = max(lengths[i] for i in batch)
                assert len(batch) * longest <= budget or (len(batch) == 1 and longest > budget)
                assert [lengths[i] for i in batch] == sorted(lengths[i] for i in batch)


@pytest.mark.parametrize("config", [{"batch_size": 3}, {"max_tokens": 70}, {"max_tokens": 70, "drop_last": True}])
@pytest.mark.parametrize("world", [1, 2, 5])
def test_len_is_what_iterating_yields_on_every_rank_and_epoch(family, config, world):
    samplers = ranks(family, world, **config)
    for _ in range(3):
        counts = [len(s) for s in samplers]
        assert [len(list(s)) for s in samplers] == counts and len(set(counts)) == 1


def test_len_of_an_unseeded_max_tokens_sampler_is_its_next_epoch():
    """len() needs the plan, so an unseeded sampler draws the epoch's seed at len(): that seed is the epoch's."""
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=40, window=30)
    for _ in range(4):
        expected = len(sampler)
        assert len(sampler) == expected  # asking again draws nothing new
        assert len(list(sampler)) == expected


def test_batches_ascend_and_steps_are_neighbours_in_padded_tokens():
    lengths = [1 + v for v in LENGTHS] * 20
    world = 4
    order = global_order(ranks(fs, world, lengths, batch_size=8), 0)
    tokens = [len(b) * max(lengths[i] for i in b) for b in order]
    for b in order:
        assert [lengths[i] for i in b] == sorted(lengths[i] for i in b)
    steps = [sorted(tokens[i : i + world]) for i in range(0, len(tokens), world)]
    ranked = sorted(tokens)
    # Each step is a run of neighbours in the ranking of all batches: the steps, in order of their tokens, are
    # the ranking cut into runs (the one short run, padded with its own repeats, excepted: there is none here).
    assert len(tokens) % world == 0 and len(set(map(tuple, order))) == len(order)
    assert [t for step in sorted(steps) for t in step] == ranked
    # The steps are shuffled: the epoch does not ramp.
    firsts = [step[0] for step in steps]
    assert firsts != sorted(firsts)


def test_epochs_differ_reproduce_and_count_up():
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, 4, seed=3)
    first, second = list(sampler), list(sampler)
    assert first != second and sampler.epoch == 2
    sampler.set_epoch(0)
    assert list(sampler) == first and sampler.epoch == 1
    assert sampler.epoch_batches(1) == second and sampler.epoch == 1  # epoch= has no side effect
    other = fs.LengthGroupedBatchSampler(LENGTHS, 4, seed=4)
    assert list(other) != first


def test_shuffle_false_is_the_length_sorted_dataset_every_epoch():
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, 4, shuffle=False)
    assert sampler.window == 204  # the whole dataset, a multiple of the batch size
    batches = list(sampler)
    assert list(sampler) == batches  # no seed: every epoch is the same plan
    flat_sorted = sorted(range(len(LENGTHS)), key=lambda i: (LENGTHS[i], i))
    assert sorted(i for b in batches for i in b) == list(range(len(LENGTHS)))
    tokens = [len(b) * max(LENGTHS[i] for i in b) for b in batches]
    assert tokens == sorted(tokens)  # steps in ascending padded tokens
    cut = [flat_sorted[i : i + 4] for i in range(0, len(flat_sorted), 4)]
    assert sorted(map(tuple, batches)) == sorted(map(tuple, cut))
    assert fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=60, shuffle=False).window == len(LENGTHS)


def test_default_windows():
    assert fs.LengthGroupedBatchSampler(range(10**4), 32).window == 256 * 32
    assert fs.LengthGroupedBatchSampler(range(100), 32).window == 128  # capped at the whole dataset
    lengths = [100] * 10**5
    assert fs.LengthGroupedBatchSampler(lengths, max_tokens=4096).window == 256 * 40
    assert fs.LengthGroupedBatchSampler([0] * 10, max_tokens=3).window == 10


def test_rust_and_reference_samplers_agree():
    for kwargs in ({"batch_size": 3, "window": 12}, {"max_tokens": 45, "drop_last": True}):
        for world in (1, 3):
            fast, slow = ranks(fs, world, LENGTHS[:60], **kwargs), ranks(reference, world, LENGTHS[:60], **kwargs)
            for a, b in zip(fast, slow, strict=True):
                assert list(a) == list(b) and len(a) == len(b)


def test_lengths_inputs_are_snapshotted_int64():
    torch = pytest.importorskip("torch")
    datasets = pytest.importorskip("datasets")
    expected = fs.LengthGroupedBatchSampler(LENGTHS, 4, seed=2).epoch_batches(0)
    array = np.asarray(LENGTHS, dtype=np.int32)
    column = datasets.Dataset.from_dict({"length": LENGTHS})["length"]
    ids = datasets.Dataset.from_dict({"input_ids": [[7] * n for n in LENGTHS]})
    for source in (
        tuple(LENGTHS), array, array.astype(np.uint64), array.astype(np.float64), torch.tensor(LENGTHS), column,
        [len(x) for x in ids["input_ids"]],
    ):  # fmt: skip
        sampler = fs.LengthGroupedBatchSampler(source, 4, seed=2)
        assert sampler.epoch_batches(0) == expected, type(source)
    array[:] = 0  # the sampler holds its own copy
    assert fs.LengthGroupedBatchSampler(np.asarray(LENGTHS), 4, seed=2).epoch_batches(0) == expected


BAD_INPUT = [
    ({"lengths": []}, ValueError, r"lengths must not be empty"),
    ({"lengths": [3, -1]}, ValueError, r"lengths\[1\] must be >= 0, got -1"),
    ({"lengths": [3, 1.5]}, ValueError, r"lengths\[1\] must be a non-negative integer, got 1\.5"),
    ({"lengths": [3, float("nan")]}, ValueError, r"lengths\[1\] must be a non-negative integer, got nan"),
    ({"lengths": [3, float("inf")]}, ValueError, r"lengths\[1\] must be a non-negative integer, got inf"),
    ({"lengths": [3, 2**63]}, ValueError, r"lengths\[1\] must be"),
    ({"lengths": [3, 2**70]}, ValueError, r"lengths\[1\] must be in \[0, 2\*\*63\)"),
    ({"lengths": [True, False]}, TypeError, r"lengths must be integers, got booleans"),
    ({"lengths": ["a", "b"]}, TypeError, r"lengths must be integers, got an array of dtype"),
    ({"lengths": [1, None]}, TypeError, r"lengths\[1\] must be an integer, got None"),
    ({"lengths": [[1, 2], [3, 4]]}, ValueError, r"lengths must be 1-D, got an array of shape \(2, 2\)"),
    ({"lengths": 5}, ValueError, r"lengths must be 1-D"),
    ({"lengths": "abc"}, TypeError, r"lengths must be a 1-D sequence"),
    ({"lengths": None}, TypeError, r"lengths must be a 1-D sequence"),
    ({"batch_size": None}, ValueError, r"exactly one of batch_size and max_tokens must be given, got batch_size=None"),
    ({"max_tokens": 10}, ValueError, r"exactly one of batch_size and max_tokens .*, got batch_size=4, max_tokens=10"),
    ({"batch_size": 0}, ValueError, r"batch_size should be a positive integer value, but got batch_size=0"),
    ({"batch_size": -2}, ValueError, r"batch_size should be a positive integer value"),
    ({"batch_size": 2.0}, TypeError, r"batch_size should be a positive integer value"),
    ({"batch_size": None, "max_tokens": 0}, ValueError, r"max_tokens should be a positive integer value"),
    ({"window": 2}, ValueError, r"window must be >= batch_size=4 \(one batch\), got window=2"),
    ({"window": 10}, ValueError, r"window must be a multiple of batch_size=4, got window=10"),
    ({"window": 0}, ValueError, r"window should be a positive integer value"),
    ({"batch_size": None, "max_tokens": 9, "window": 0}, ValueError, r"window should be a positive integer"),
    ({"num_replicas": 0, "rank": 0}, ValueError, r"num_replicas should be a positive integer"),
    ({"num_replicas": 2, "rank": 2}, ValueError, r"Invalid rank 2"),
    ({"num_replicas": 2**32, "rank": 0}, ValueError, r"num_replicas must be below 2\*\*32"),
    ({"num_replicas": 2, "rank": 0, "seed": None}, ValueError, r"seed=None with num_replicas > 1"),
    ({"drop_last": "yes"}, TypeError, r"drop_last should be a boolean value"),
    ({"shuffle": 1}, TypeError, r"shuffle should be a boolean value"),
    ({"seed": 2**64}, ValueError, r"seed must be in \[-2\*\*63, 2\*\*64\)"),
    ({"seed": 1, "generator": 2}, ValueError, r"pass either seed or generator"),
    ({"seed": None, "generator": "g"}, TypeError, r"generator must be a torch.Generator"),
    ({"permutation": "sobol"}, ValueError, r"permutation must be one of 'feistel', 'fisher-yates'"),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_INPUT, ids=lambda v: str(v)[:60])
def test_bad_input_is_refused_at_construction(family, kwargs, error, message):
    arguments = {"lengths": [3, 1, 4, 1, 5], "batch_size": 4, "seed": 0, **kwargs}
    lengths = arguments.pop("lengths")
    with pytest.raises(error, match=message):
        family.LengthGroupedBatchSampler(lengths, **arguments)


def test_no_replicas_without_a_seed_is_fine_when_the_plan_draws_nothing():
    samplers = ranks(fs, 2, batch_size=4, shuffle=False, seed=None)
    assert len(global_order(samplers, 0)) == 2 * len(samplers[0])


def test_repr_pickle_and_copies():
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, 4, seed=9, num_replicas=2, rank=1)
    assert repr(sampler) == (
        "LengthGroupedBatchSampler(n=203, batch_size=4, max_tokens=None, window=204, num_replicas=2, rank=1, "
        "drop_last=False, shuffle=True, seed=9, permutation='feistel')"
    )
    iterator = iter(sampler)
    next(iterator)
    for clone in (pickle.loads(pickle.dumps(sampler)), copy.deepcopy(sampler)):
        assert repr(clone) == repr(sampler) and clone.epoch == sampler.epoch
        assert list(clone) == sampler.epoch_batches(1)
    torch = pytest.importorskip("torch")
    drawn = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=50, generator=torch.Generator().manual_seed(1))
    assert "generator='torch.Generator'" in repr(drawn)
    again = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=50, generator=torch.Generator().manual_seed(1))
    assert list(drawn) == list(again) and list(drawn) != list(fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=50))


def test_distributed_sampler_face():
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, 4, seed=2, num_replicas=3, rank=1, drop_last=True)
    assert (sampler.num_replicas, sampler.rank, sampler.seed, sampler.shuffle, sampler.drop_last) == (
        3,
        1,
        2,
        True,
        True,
    )
    sampler.sampler.set_epoch(5)  # trainers call batch_sampler.sampler.set_epoch(e)
    assert not hasattr(sampler.sampler, "sampler")  # a .sampler chain ends there
    assert sampler.epoch == 5 and list(sampler) == sampler.epoch_batches(5)


def test_every_sample_appears_with_its_counts_in_many_epochs():
    """Over epochs every sample is served once per epoch (drop_last off, one rank): no sample is starved."""
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, 6, seed=5)
    counts = Counter(i for _ in range(5) for batch in sampler for i in batch)
    assert set(counts.values()) == {5}
