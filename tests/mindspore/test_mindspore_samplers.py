"""ferrosampler.mindspore against the MindSpore compatibility reference
(/work/shared/reference/mindspore-samplers.md, cited as §x.y) and against the pure-Python reference engine:
engine equality, num_samples, Sequential, Subset, Random.
Expected values are written from the document, not from our output."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import ferrosampler.mindspore as fm
import ferrosampler.reference.mindspore as rm
from ferrosampler.mindspore import (
    DistributedSampler,
    PKSampler,
    RandomSampler,
    SequentialSampler,
    Shuffle,
    SubsetRandomSampler,
    SubsetSampler,
    WeightedRandomSampler,
)

from .common import N, chain, expected_positions, rows

# -------------------------------------------------------------------------------------------
# Rust engine == reference engine, for every sampler and chains up to 4 deep

SEEDS = st.integers(0, (1 << 64) - 1)
NUM_SAMPLES = st.one_of(st.none(), st.integers(0, 14))


def upper_bounds(rows: int, valid: int):
    """Mostly `valid` (a bound that fits the `rows` the sampler indexes), one time in four a
    bound past `rows`, so the data-dependent errors stay covered but stay a minority."""
    return st.integers(0, 3).flatmap(lambda roll: st.just(valid) if roll else st.integers(rows, rows + 3))


@st.composite
def sampler_spec(draw, rows: int, bottom: bool):
    """(class name, args, kwargs) of one sampler indexing `rows` rows; a PKSampler only at the
    bottom of a chain, where `rows` is the dataset size."""
    names = [
        "SequentialSampler",
        "SubsetSampler",
        "SubsetRandomSampler",
        "RandomSampler",
        "DistributedSampler",
        "WeightedRandomSampler",
    ] + (["PKSampler"] if bottom else [])
    name = draw(st.sampled_from(names))
    kwargs = {"num_samples": draw(NUM_SAMPLES), "seed": draw(SEEDS)}
    if name == "SequentialSampler":
        last_start = draw(upper_bounds(rows, rows - 1))
        return name, (), {**kwargs, "start_index": draw(st.one_of(st.none(), st.integers(0, last_start)))}
    if name in ("SubsetSampler", "SubsetRandomSampler"):
        largest_id = draw(upper_bounds(rows, rows - 1))
        return name, (draw(st.lists(st.integers(0, largest_id), min_size=1, max_size=8)),), kwargs
    if name == "RandomSampler":
        return name, (), {**kwargs, "replacement": draw(st.booleans())}
    if name == "DistributedSampler":
        shards = draw(st.integers(1, 5))
        return (
            name,
            (shards, draw(st.integers(0, shards - 1))),
            {**kwargs, "shuffle": draw(st.booleans()), "offset": draw(st.integers(-1, shards))},
        )
    if name == "WeightedRandomSampler":
        most_weights = draw(upper_bounds(rows, min(rows, 6)))
        weights = draw(
            st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.25]), min_size=1, max_size=most_weights).filter(any)
        )
        replacement = draw(st.booleans())
        if not replacement:  # without replacement k may not exceed len(weights)
            kwargs["num_samples"] = draw(st.integers(1, draw(upper_bounds(rows, len(weights)))))
        return name, (weights,), {**kwargs, "replacement": replacement}
    labels = draw(st.lists(st.integers(0, 3), min_size=rows, max_size=rows))
    return name, (draw(st.integers(1, 3)),), {**kwargs, "shuffle": draw(st.booleans()), "labels": labels}


@st.composite
def chain_spec(draw):
    """Drawn bottom first, each level fitted to the rows the chain below it emits."""
    depth = draw(st.integers(1, 4))
    dataset_size = draw(st.integers(1, 24))
    specs = [draw(sampler_spec(dataset_size, bottom=True))]
    while len(specs) < depth:
        rows_below = chain_length(specs, dataset_size) or draw(st.integers(1, 24))  # failed below: anything
        specs.insert(0, draw(sampler_spec(rows_below, bottom=False)))
    return specs, dataset_size


def chain_length(specs, dataset_size) -> int | None:
    try:
        sampler = build(fm, specs)
        sampler.set_dataset_size(dataset_size)
        return len(sampler)
    except (RuntimeError, ValueError):
        return None


def build(module, specs):
    return chain(*[getattr(module, name)(*args, **kwargs) for name, args, kwargs in specs])


def outcome(module, specs, dataset_size, epoch):
    """What one engine produces: (length, epoch rows) or the error it raises."""
    try:
        sampler = build(module, specs)
        sampler.set_dataset_size(dataset_size)
        return len(sampler), rows(sampler, epoch)
    except (RuntimeError, ValueError) as error:
        return type(error).__name__, str(error)


def compared_indices(result) -> bool:
    return isinstance(result[0], int)


@settings(max_examples=260, deadline=None)
@given(chain_spec(), st.one_of(st.integers(0, 3), st.integers(0, (1 << 56) - 1)))
def test_rust_engine_equals_reference_engine_for_chains(spec, epoch):
    specs, dataset_size = spec
    rust = outcome(fm, specs, dataset_size, epoch)
    event("indices compared" if compared_indices(rust) else f"both raise {rust[0]}")
    assert rust == outcome(rm, specs, dataset_size, epoch)
    if compared_indices(rust):
        assert len(rust[1]) == rust[0]
        assert all(0 <= row < dataset_size for row in rust[1])


def test_chain_strategy_mostly_reaches_real_indices():
    """The property above only compares (type, message) when the chain raises: keep that rare."""
    results = []

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(chain_spec())
    def record(spec):
        results.append(compared_indices(outcome(fm, *spec, epoch=0)))

    record()
    assert 0.05 * len(results) <= results.count(False) <= 0.25 * len(results)


@settings(max_examples=300, deadline=None)
@given(SEEDS, st.integers(0, 40), st.integers(1, 20), st.integers(1, 6), st.integers(-1, 6), NUM_SAMPLES)
def test_random_structure_holds_for_any_seed_and_epoch(seed, epoch, n, shards, offset, num_samples):
    full = rows(RandomSampler(seed=seed, dataset_size=n), epoch)
    prefix = rows(rm.RandomSampler(num_samples=num_samples, seed=seed, dataset_size=n), epoch)
    assert sorted(full) == list(range(n)) and prefix == full[: num_samples or n]
    drawn = rows(RandomSampler(True, num_samples, seed=seed, dataset_size=n), epoch)
    assert len(drawn) == min(num_samples or n, n) and all(0 <= row < n for row in drawn)

    offset = min(offset, shards)
    value_at = {}
    for shard in range(shards):
        positions = expected_positions(n, shards, shard, offset, num_samples)
        shuffled = rows(DistributedSampler(shards, shard, True, num_samples, offset, seed=seed, dataset_size=n), epoch)
        assert len(shuffled) == max(1, len(positions))
        for position, value in zip(positions, shuffled, strict=False):
            assert value_at.setdefault(position, value) == value
    assert len(set(value_at.values())) == len(value_at)

    labels = [row % 3 for row in range(n)]
    pk = rows(PKSampler(2, labels=labels, seed=seed, num_samples=num_samples), epoch)
    every_class_twice = [label for label in sorted(set(labels)) for _ in range(2)]
    assert [labels[row] for row in pk] == every_class_twice[: num_samples or len(every_class_twice)]


# -------------------------------------------------------------------------------------------
# §1.4 num_samples conventions


@pytest.mark.parametrize(
    "make",
    [
        lambda ns: SequentialSampler(num_samples=ns),
        lambda ns: RandomSampler(num_samples=ns),
        lambda ns: DistributedSampler(2, 0, num_samples=ns),
        lambda ns: WeightedRandomSampler([1.0], num_samples=ns),
        lambda ns: PKSampler(2, num_samples=ns),
        lambda ns: SubsetSampler([1], num_samples=ns),
        lambda ns: SubsetRandomSampler([1], num_samples=ns),
    ],
)
def test_num_samples_validation_uses_mindspore_messages(make):
    with pytest.raises(
        ValueError,
        match=r"^num_samples exceeds the boundary between 0 and "
        r"9223372036854775807\(INT64_MAX\)!$",
    ):
        make(-1)
    with pytest.raises(ValueError, match="INT64_MAX"):
        make(1 << 63)
    with pytest.raises(TypeError, match=r"^num_samples must be integer but was: 2\.0\.$"):
        make(2.0)


def test_num_samples_none_and_zero_mean_all_and_larger_is_capped():
    assert rows(SequentialSampler(0, 0, dataset_size=N)) == list(range(10))
    assert len(RandomSampler(num_samples=0, dataset_size=N)) == 10
    assert len(RandomSampler(replacement=True, num_samples=15, dataset_size=N)) == 10
    assert len(WeightedRandomSampler([1, 1], num_samples=15, dataset_size=N)) == 10


# -------------------------------------------------------------------------------------------
# §4.1 SequentialSampler


@pytest.mark.parametrize(
    ("start_index", "num_samples", "expected"),
    [
        (2, 5, [2, 3, 4, 5, 6]),
        (8, 5, [8, 9]),
        (3, 100, [3, 4, 5, 6, 7, 8, 9]),
        (9, None, [9]),
        (0, 0, list(range(10))),
        (True, 2, [1, 2]),
    ],
)
def test_sequential_table(start_index, num_samples, expected):
    sampler = SequentialSampler(start_index, num_samples, dataset_size=N)
    assert rows(sampler) == rows(sampler, 5) == list(sampler) == expected
    assert len(sampler) == len(expected)  # (8, 5): 2, not MindSpore's -3


def test_sequential_errors():
    with pytest.raises(TypeError, match=r"^start_index must be integer but was: 1\.5\.$"):
        SequentialSampler(1.5)
    with pytest.raises(
        RuntimeError,
        match=r"^SequentialSampler: start_index_ must be greater than or equal to 0, "
        r"but got: -1$",
    ):
        SequentialSampler(-1)
    message = r"^Invalid parameter, start_index must be less than num_rows, but got start_index: 10, num_rows: 10\.$"
    with pytest.raises(RuntimeError, match=message):
        SequentialSampler(10, dataset_size=N)
    sampler = SequentialSampler(10)
    with pytest.raises(RuntimeError, match=message):
        sampler.set_dataset_size(N)


# -------------------------------------------------------------------------------------------
# §4.2 / §4.3 SubsetSampler, SubsetRandomSampler


@pytest.mark.parametrize(
    ("indices", "num_samples", "expected"),
    [
        ([3, 1, 4, 1, 5], None, [3, 1, 4, 1, 5]),
        ([3, 1, 4, 1, 5], 3, [3, 1, 4]),
        ((3, 1), None, [3, 1]),
        (np.array([7, 2]), None, [7, 2]),
        (range(2, 5), None, [2, 3, 4]),
        ((i for i in [6, 6]), None, [6, 6]),
        (4, None, [4]),
        ([True, 2], None, [1, 2]),
        ([3, 1, 4], 0, [3, 1, 4]),
    ],
)
def test_subset_keeps_order_and_duplicates(indices, num_samples, expected):
    sampler = SubsetSampler(indices, num_samples, dataset_size=N)
    assert rows(sampler) == rows(sampler, 3) == expected


def test_subset_random_truncates_before_shuffling():
    sampler = SubsetRandomSampler([0, 2, 4, 6, 8], num_samples=2, seed=1, dataset_size=N)
    assert sampler.indices == [0, 2]
    assert all(sorted(rows(sampler, epoch)) == [0, 2] for epoch in range(8))
    duplicated = SubsetRandomSampler([5, 5, 1], seed=2, dataset_size=N)
    assert sorted(rows(duplicated)) == [1, 5, 5]


def test_subset_random_epochs_differ_under_a_fixed_seed():
    sampler = SubsetRandomSampler(list(range(10)), seed=3, dataset_size=N)
    assert len({tuple(rows(sampler, epoch)) for epoch in range(4)}) > 1


@pytest.mark.parametrize("cls", [SubsetSampler, SubsetRandomSampler])
def test_subset_errors(cls):
    with pytest.raises(TypeError, match=r"^Unsupported sampler object of type \(<class 'str'>\)$"):
        cls("012")
    with pytest.raises(TypeError, match=r"^Unsupported sampler object of type \(<class 'float'>\)$"):
        cls(1.0)
    with pytest.raises(
        TypeError,
        match=r"^SubsetSampler: Type of indices element must be int, but got list\[1\]: "
        r"2\.0, type: <class 'float'>\.$",
    ):
        cls([1, 2.0])
    with pytest.raises(ValueError, match="must not be empty"):
        cls([])
    with pytest.raises(RuntimeError, match=r"^Sample ID \(10\) is out of bound, expected range \[0, 9\]$"):
        cls([1, 10, 11], dataset_size=N)
    with pytest.raises(RuntimeError, match=r"^Sample ID \(-1\) is out of bound, expected range \[0, 9\]$"):
        cls([-1], dataset_size=N)


# -------------------------------------------------------------------------------------------
# §4.4 RandomSampler


def test_random_sampler_permutation_prefix_and_replacement_cap():
    full = RandomSampler(seed=9, dataset_size=N)
    assert sorted(rows(full, 2)) == list(range(10))
    for k in range(1, 12):
        assert rows(RandomSampler(num_samples=k, seed=9, dataset_size=N), 2) == rows(full, 2)[:k]
    drawn = RandomSampler(replacement=True, num_samples=15, seed=9, dataset_size=N)
    assert len(rows(drawn)) == 10 and all(0 <= row < 10 for row in rows(drawn))
    assert rows(full, 0) != rows(full, 1)


def test_random_sampler_reshuffle_each_epoch_off_repeats_the_order():
    sampler = RandomSampler(seed=9, dataset_size=N)
    sampler.reshuffle_each_epoch = False
    assert rows(sampler, 0) == rows(sampler, 1) == rows(sampler, 7)


def test_random_sampler_errors():
    with pytest.raises(TypeError, match=r"^replacement must be a boolean value but was: 1\.$"):
        RandomSampler(1)
    with pytest.raises(TypeError, match=r"^shuffle must be valid shuffle mode but was: False\.$"):
        RandomSampler(shuffle=False)
    with pytest.raises(TypeError, match=r"^shuffle must be valid shuffle mode but was: Shuffle\.FALSE\.$"):
        RandomSampler(shuffle=Shuffle.FALSE)
    with pytest.raises(
        RuntimeError,
        match=r"^The shuffle mode: Shuffle\.PARTIAL is not supported with current "
        r"dataset\.$",
    ):
        RandomSampler(shuffle=Shuffle.PARTIAL)
