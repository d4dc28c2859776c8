"""ferrosampler.mindspore against the MindSpore compatibility reference
(/work/shared/reference/mindspore-samplers.md, cited as §x.y) and against the pure-Python
reference engine. Expected values are written from the document, not from our output."""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import ferrosampler as fs
import ferrosampler.mindspore as fm
import ferrosampler.reference.mindspore as rm
from ferrosampler import _limits
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

N = 10  # the reference document's running dataset size


def rows(sampler, epoch=0) -> list[int]:
    return sampler.epoch_indices(epoch).tolist()


def chain(*samplers):
    """parent ← child ← …: each sampler gets the next one as its child; returns the top."""
    for parent, child in itertools.pairwise(samplers):
        parent.add_child(child)
    return samplers[0]


@pytest.fixture
def mindspore_seed():
    """Sets mindspore.dataset.config's seed for one test, then restores the default."""
    ds = pytest.importorskip("mindspore.dataset")
    previous = ds.config.get_seed()
    yield ds.config.set_seed
    ds.config.set_seed(previous)


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


# -------------------------------------------------------------------------------------------
# §4.5 DistributedSampler: worked tables, then the full grid


@pytest.mark.parametrize(
    ("n", "shards", "num_samples", "offset", "expected"),
    [
        (10, 3, None, -1, [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]),
        (10, 3, 2, -1, [[0, 3], [1, 4], [2, 5]]),
        (10, 4, None, -1, [[0, 4, 8], [1, 5, 9], [2, 6, 0], [3, 7, 1]]),
        (3, 5, None, -1, [[0], [1], [2], [0], [1]]),
        (10, 3, None, 0, [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]),
        (10, 3, None, 1, [[2, 5, 8], [0, 3, 6, 9], [1, 4, 7]]),
        (10, 3, None, 2, [[1, 4, 7], [2, 5, 8], [0, 3, 6, 9]]),
        (10, 3, None, 3, [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]),
        (3, 5, None, 0, [[0], [1], [2], [0], [0]]),
    ],
)
def test_distributed_tables(n, shards, num_samples, offset, expected):
    for shard, shard_rows in enumerate(expected):
        sampler = DistributedSampler(
            shards, shard, shuffle=False, num_samples=num_samples, offset=offset, dataset_size=n
        )
        assert rows(sampler) == rows(sampler, 4) == shard_rows
        assert len(sampler) == len(shard_rows)


def expected_positions(n, shards, shard, offset, num_samples):
    """Positions a shard reads, from the §4.5 text; [] for an empty offset shard."""
    if offset == -1:
        owned = [(shards * c + shard) % n for c in range(-(-n // shards))]
    else:
        owned = [j for j in range(n) if (j + offset) % shards == shard]
    return owned[:num_samples] if num_samples else owned


@pytest.mark.parametrize("shards", [1, 2, 3, 4, 5, 7])
def test_distributed_grid(shards):
    for n, offset, num_samples in itertools.product(range(1, 13), range(-1, shards + 1), [None, 0, 1, 2, 3, 5, 100]):
        shuffled_value_at = {}
        for shard in range(shards):
            positions = expected_positions(n, shards, shard, offset, num_samples)
            plain = DistributedSampler(shards, shard, False, num_samples, offset, dataset_size=n)
            assert rows(plain) == (positions or [0])
            if offset == -1:
                assert len(plain) == min(-(-n // shards), num_samples or n)
            else:
                count = (n + offset) // shards + (shard < (n + offset) % shards) - (shard < offset)
                assert len(plain) == max(1, min(count, num_samples or count))
            shuffled = DistributedSampler(shards, shard, True, num_samples, offset, seed=11, dataset_size=n)
            for position, value in zip(positions, rows(shuffled, 3), strict=False):
                assert shuffled_value_at.setdefault(position, value) == value  # one permutation for all shards
        if not num_samples:
            assert sorted(shuffled_value_at.values()) == list(range(n))


def test_distributed_shuffled_shards_cover_rows_and_pad_with_the_permutation_start():
    shards = [rows(DistributedSampler(3, shard, seed=5, dataset_size=N), 1) for shard in range(3)]
    by_position = {3 * c + shard: shards[shard][c] for shard in range(3) for c in range(4)}
    permutation = [by_position[p] for p in range(10)]
    assert sorted(permutation) == list(range(10))
    assert [by_position[10], by_position[11]] == permutation[:2]


def test_distributed_epochs_and_default_seed():
    sampler = DistributedSampler(2, 0, dataset_size=N)
    assert rows(sampler, 0) != rows(sampler, 1)
    # No seed anywhere: still the same permutation on every shard and in every process (quirk 4).
    again = DistributedSampler(2, 1, dataset_size=N)
    assert sorted(rows(sampler, 0) + rows(again, 0)) == list(range(10))


def test_distributed_captures_the_config_seed_at_construction(mindspore_seed):
    mindspore_seed(1234)
    early = DistributedSampler(2, 0, dataset_size=N)
    assert early.seed == 1234
    mindspore_seed(99)
    assert rows(early) == rows(DistributedSampler(2, 0, dataset_size=N, seed=1235))
    assert rows(early) != rows(DistributedSampler(2, 0, dataset_size=N))


def test_distributed_errors_and_api():
    with pytest.raises(TypeError, match=r"^num_shards must be integer but was: 2\.0\.$"):
        DistributedSampler(2.0, 0)
    with pytest.raises(TypeError, match=r"^shard_id must be integer but was: None\.$"):
        DistributedSampler(2, None)
    with pytest.raises(TypeError, match=r"^shuffle must be a boolean value or valid shuffle mode but was: 1\.$"):
        DistributedSampler(2, 0, shuffle=1)
    with pytest.raises(TypeError, match=r"^offset must be integer but was: 0\.5\.$"):
        DistributedSampler(2, 0, offset=0.5)
    with pytest.raises(
        RuntimeError,
        match=r"^The shuffle mode: Shuffle\.PARTIAL is not supported with current "
        r"dataset\.$",
    ):
        DistributedSampler(2, 0, shuffle=Shuffle.PARTIAL)
    with pytest.raises(RuntimeError, match=r"^DistributedSampler: num_shards must be greater than 0, but got: 0$"):
        DistributedSampler(0, 0)
    for shard in (3, -1):
        with pytest.raises(
            RuntimeError, match=r"^DistributedSampler: shard_id must be in range \[0, 3\), but got: " + str(shard) + "$"
        ):
            DistributedSampler(3, shard)
    with pytest.raises(
        RuntimeError,
        match=r"^DistributedSampler: offset must be no more than num_shards\(3\), "
        r"but got: 4$",
    ):
        DistributedSampler(3, 0, offset=4)
    with pytest.raises(ValueError, match="offset"):
        DistributedSampler(3, 0, offset=-5)
    sampler = DistributedSampler(3, 1, shuffle=Shuffle.FALSE, dataset_size=N)
    assert sampler.set_offset(0) is sampler and rows(sampler) == [1, 4, 7]
    assert sampler.is_sharded() and not sampler.is_shuffled()
    assert not DistributedSampler(1, 0).is_sharded()


# -------------------------------------------------------------------------------------------
# §4.6 WeightedRandomSampler


def test_weighted_k_defaults_to_dataset_size_and_draws_only_weighted_ids():
    sampler = WeightedRandomSampler([1, 1], seed=4, dataset_size=N)
    assert len(sampler) == 10 and set(rows(sampler)) <= {0, 1}
    assert set(rows(WeightedRandomSampler([0, 3, 0, 1], num_samples=50, seed=4, dataset_size=N))) <= {1, 3}
    with pytest.raises(
        RuntimeError,
        match=r"^Invalid parameter, without replacement, weight size must be greater "
        r"than or equal to num_samples, but got weight size: 2, num_samples: 10$",
    ):
        WeightedRandomSampler([1, 1], replacement=False, dataset_size=N)


def test_weighted_without_replacement_puts_zero_weights_last_by_index():
    for seed in range(20):
        drawn = rows(WeightedRandomSampler([0, 0, 1, 2, 0, 4], 5, False, seed=seed, dataset_size=6))
        assert sorted(drawn[:3]) == [2, 3, 5] and drawn[3:] == [0, 1]


def test_weighted_epochs_identical_under_a_fixed_seed_and_vary_unseeded():
    seeded = WeightedRandomSampler([1.0] * 10, seed=8, dataset_size=N)
    assert rows(seeded, 0) == rows(seeded, 1) == list(seeded) == list(seeded)
    unseeded = WeightedRandomSampler([1.0] * 10, dataset_size=N)
    assert len({tuple(unseeded.epoch_indices()) for _ in range(4)}) > 1


def test_weighted_errors():
    with pytest.raises(
        TypeError,
        match=r"^type of weights element must be number, but got w\[0\]: \(1, 2\), "
        r"type: <class 'tuple'>\.$",
    ):
        WeightedRandomSampler((1, 2))
    with pytest.raises(
        TypeError,
        match=r"^type of weights element must be number, but got w\[1\]: a, "
        r"type: <class 'str'>\.$",
    ):
        WeightedRandomSampler([1, "a"])
    with pytest.raises(TypeError, match=r"^replacement must be a boolean value but was: None\.$"):
        WeightedRandomSampler([1], replacement=None)
    with pytest.raises(RuntimeError, match=r"^WeightedRandomSampler: weights vector must not be empty$"):
        WeightedRandomSampler([])
    with pytest.raises(
        RuntimeError,
        match=r"^WeightedRandomSampler: weights vector must not contain negative "
        r"numbers, got: weights\[1\] = -1\.000000$",
    ):
        WeightedRandomSampler([1, -1])
    with pytest.raises(
        RuntimeError,
        match=r"^WeightedRandomSampler: elements of weights vector must not be all "
        r"zero$",
    ):
        WeightedRandomSampler([0, 0.0])
    with pytest.raises(RuntimeError, match="finite"):
        WeightedRandomSampler([1, float("inf")])
    with pytest.raises(
        RuntimeError,
        match=r"^Invalid parameter, size of sample weights must be less than or equal "
        r"to num of data, otherwise might cause generated id out of bound or other "
        r"errors, but got weight size: 12, num of data: 10$",
    ):
        WeightedRandomSampler([1] * 12, dataset_size=N)
    assert len(WeightedRandomSampler(0.5, dataset_size=3)) == 3  # a scalar is wrapped as [0.5]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, -2, -3, float("nan")], r"must not contain negative numbers, got: weights\[1\] = -2\.000000$"),
        ([2, float("-inf")], r"must not contain negative numbers, got: weights\[1\] = -inf$"),
        ([1, 0, float("nan"), float("inf")], r"must contain finite numbers, got: weights\[2\] = nan$"),
        (np.array([1.0, np.inf]).tolist(), r"must contain finite numbers, got: weights\[1\] = inf$"),
    ],
)
def test_weight_checks_name_the_first_offending_weight(weights, message):
    with pytest.raises(RuntimeError, match="^WeightedRandomSampler: weights vector " + message):
        WeightedRandomSampler(weights)


@pytest.mark.parametrize("weight", [1j, np.complex128(1), complex(2, 0)])
def test_complex_weights_fail_mindspores_element_check(weight):
    with pytest.raises(TypeError, match=r"^type of weights element must be number, but got w\[1\]: "):
        WeightedRandomSampler([1.0, weight])


@pytest.mark.parametrize(
    ("weight", "shown"),
    [
        (10**400, "1" + "0" * 400),
        (10**5000, "<int of 16610 bits>"),  # beyond the digit limit of str(int)
    ],
    ids=["1e400", "1e5000"],
)
def test_weights_beyond_float64_name_the_weight(weight, shown):
    with pytest.raises(
        ValueError,
        match=rf"^WeightedRandomSampler: weights\[2\] cannot be converted to float64, "
        rf"got: weights\[2\] = {shown}$",
    ):
        WeightedRandomSampler([1, 2, weight])


def test_real_numbers_outside_float_still_count_as_weights():
    assert set(rows(WeightedRandomSampler([Decimal("0"), Decimal("1.5")], seed=1, dataset_size=4))) == {1}


# -------------------------------------------------------------------------------------------
# §4.7 PKSampler

PK_LABELS = ["a"] + ["b"] * 3 + ["c"] * 5 + ["d"] * 2  # rows 0 / 1–3 / 4–8 / 9–10


def test_pk_example():
    for seed in range(10):
        drawn = rows(PKSampler(2, labels=PK_LABELS, seed=seed), seed)
        assert drawn[:2] == [0, 0]
        assert set(drawn[2:4]) <= {1, 2, 3} and set(drawn[4:6]) <= set(range(4, 9))
        assert set(drawn[6:8]) <= {9, 10} and len(drawn) == 8
        assert rows(PKSampler(2, labels=PK_LABELS, seed=seed, num_samples=5), seed) == drawn[:5]


def test_pk_shuffle_orders_classes_once_for_all_epochs():
    sampler = PKSampler(1, shuffle=True, labels=[3, 1, 2, 0, 2], seed=6)
    class_of = {0: 3, 1: 1, 2: 2, 3: 0, 4: 2}
    orders = [[class_of[row] for row in rows(sampler, epoch)] for epoch in range(5)]
    assert sorted(orders[0]) == [0, 1, 2, 3] and all(order == orders[0] for order in orders)
    assert rows(PKSampler(1, labels=[3, 1, 2, 0], seed=6)) == [3, 1, 2, 0]  # unshuffled: ascending labels


def test_pk_size_comes_from_labels_and_errors():
    assert len(PKSampler(3, labels=[0, 0, 1])) == 6
    with pytest.raises(ValueError, match="labels="):
        PKSampler(2, dataset_size=5).epoch_indices()
    with pytest.raises(ValueError, match="labels has 3 entries but the dataset has 4 rows"):
        PKSampler(2, labels=[0, 1, 1], dataset_size=4)
    with pytest.raises(TypeError, match=r"^num_val must be integer but was: 2\.0\.$"):
        PKSampler(2.0)
    with pytest.raises(NotImplementedError, match=r"^Not supported to specify num_class for PKSampler\.$"):
        PKSampler(2, num_class=3)
    with pytest.raises(TypeError, match=r"^shuffle must be a boolean value but was: 0\.$"):
        PKSampler(2, shuffle=0)
    with pytest.raises(TypeError, match=r"^class_column must be a str value but was: 1\.$"):
        PKSampler(2, class_column=1)
    for num_val in (0, -1):
        with pytest.raises(RuntimeError, match=rf"^PKSampler: num_val must be greater than 0, but got: {num_val}$"):
            PKSampler(num_val)
    with pytest.raises(RuntimeError, match="cannot have a child"):
        PKSampler(1).add_child(SequentialSampler())


def test_pk_epoch_longer_than_int64_is_refused_at_construction_unless_capped():
    with pytest.raises(ValueError, match=r"^PKSampler: an epoch of num_val \* classes = 4611686018427387904 \* 2 "):
        PKSampler(1 << 62, labels=[0, 1])
    capped = PKSampler(1 << 62, labels=[0, 1], num_samples=3, seed=1)
    assert len(capped) == 3 and rows(capped) == [0, 0, 0]
    assert len(PKSampler((1 << 62) - 1, labels=[0, 1], num_samples=0)) == (1 << 63) - 2


# -------------------------------------------------------------------------------------------
# §6 Chaining


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: chain(SequentialSampler(1, 3), SubsetSampler([9, 7, 5, 3, 1])), [7, 5, 3]),
        (lambda: chain(SequentialSampler(3), SubsetSampler([9, 7, 5, 3, 1])), [3, 1]),
        (lambda: chain(SubsetSampler([0, 2, 4]), SequentialSampler(5)), [5, 7, 9]),
        (lambda: chain(DistributedSampler(3, 0, False), SequentialSampler(2, 6)), [2, 5]),
        (lambda: chain(DistributedSampler(3, 1, False), SequentialSampler(2, 6)), [3, 6]),
        (lambda: chain(DistributedSampler(3, 2, False), SequentialSampler(2, 6)), [4, 7]),
        (lambda: chain(DistributedSampler(3, 0, False), SubsetSampler([9, 8, 7, 6, 5, 4, 3])), [9, 6, 3]),
        (lambda: chain(DistributedSampler(3, 1, False), SubsetSampler([9, 8, 7, 6, 5, 4, 3])), [8, 5, 9]),
        (lambda: chain(DistributedSampler(3, 2, False), SubsetSampler([9, 8, 7, 6, 5, 4, 3])), [7, 4, 8]),
        (lambda: chain(WeightedRandomSampler([0, 0, 1], num_samples=4), SubsetSampler([5, 6, 7])), [7, 7, 7]),
        # A DistributedSampler child counts its shard (quirk 5): MindSpore fails without a cap.
        (lambda: chain(SequentialSampler(), DistributedSampler(3, 1, shuffle=False)), [1, 4, 7, 0]),
        (lambda: chain(SequentialSampler(num_samples=4), DistributedSampler(3, 1, shuffle=False)), [1, 4, 7, 0]),
        (lambda: chain(SequentialSampler(), DistributedSampler(3, 1, shuffle=False, num_samples=4)), [1, 4, 7, 0]),
        (lambda: chain(SequentialSampler(1), SubsetSampler([5, 3, 1, 0]), SequentialSampler(4)), [7, 5, 4]),
        (
            lambda: chain(SubsetSampler([1, 0]), SequentialSampler(1), SubsetSampler([3, 2, 1]), SequentialSampler(6)),
            [7, 8],
        ),
    ],
)
def test_chaining_examples(make, expected):
    sampler = make()
    sampler.set_dataset_size(N)
    assert rows(sampler) == list(sampler) == expected and len(sampler) == len(expected)


def test_chain_child_output_feeds_the_parent():
    child = RandomSampler(num_samples=4, seed=2, dataset_size=N)
    parent = chain(SequentialSampler(num_samples=3), child)
    assert rows(parent, 5) == child.epoch_indices(5).tolist()[:3]
    shuffled_top = chain(RandomSampler(seed=3), SubsetSampler([9, 7, 5]))
    shuffled_top.set_dataset_size(N)
    assert sorted(rows(shuffled_top)) == [5, 7, 9]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: chain(SequentialSampler(5), SubsetSampler([9, 7, 5, 3, 1])),
            r"^Invalid parameter, start_index must be less than num_rows, but got start_index: 5, num_rows: 5\.$",
        ),
        (
            lambda: chain(SubsetSampler([4, 0]), SequentialSampler(7)),
            r"^Sample ID \(4\) is out of bound, expected range \[0, 2\]$",
        ),
    ],
)
def test_chaining_errors_use_the_child_count_as_n(make, message):
    with pytest.raises(RuntimeError, match=message):
        make().set_dataset_size(N)


def test_add_child_rules():
    parent = SequentialSampler()
    parent.add_child(None)
    assert parent.get_child() is None
    with pytest.raises(TypeError, match="list"):
        parent.add_child([1, 2])
    child = SubsetSampler([1])
    parent.add_child(child)
    assert parent.get_child() is child
    with pytest.raises(RuntimeError, match=r"^Cannot add child sampler, this sampler already has a child\.$"):
        parent.add_child(SequentialSampler())
    with pytest.raises(ValueError, match="cycle"):
        child.add_child(parent)
    with pytest.raises(RuntimeError, match=r"^Sample ID \(1\) is out of bound, expected range \[0, 0\]$"):
        chain(SubsetSampler([1], dataset_size=N), SubsetSampler([3]))  # checked as soon as the size is known


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: chain(SequentialSampler(num_samples=5), SequentialSampler(num_samples=3)), 3),
        (lambda: chain(SequentialSampler(num_samples=5), SequentialSampler()), 5),
        (lambda: chain(SequentialSampler(), SequentialSampler(num_samples=3)), 3),
        (lambda: chain(SequentialSampler(), SequentialSampler()), None),
        (lambda: SequentialSampler(start_index=8, num_samples=5), 5),
        (lambda: chain(SequentialSampler(), SubsetSampler([1, 2, 3])), 3),
        (lambda: chain(SubsetSampler([1, 2, 3]), SequentialSampler(num_samples=2)), 2),
        (lambda: DistributedSampler(3, 0), None),
        (lambda: PKSampler(2), None),
        (lambda: SubsetRandomSampler([1, 2, 3], num_samples=2), 2),
        (lambda: RandomSampler(num_samples=0), 0),
    ],
)
def test_get_num_samples_table(make, expected):
    assert make().get_num_samples() == expected


# -------------------------------------------------------------------------------------------
# Seeds, epochs, sizes, copies


def test_iterating_advances_the_epoch_at_the_first_next():
    sampler = RandomSampler(seed=21, dataset_size=N)
    iter(sampler), iter(sampler)  # MindSpore's construction-time iter() calls
    assert sampler.epoch == 0
    assert list(sampler) == rows(sampler, 0) and list(sampler) == rows(sampler, 1)
    sampler.set_epoch(7)
    assert sampler.epoch_indices().tolist() == rows(sampler, 7) and sampler.epoch == 8


def test_config_seed_is_used_unless_it_is_mindsporess_default(mindspore_seed):
    mindspore_seed(77)
    assert rows(RandomSampler(dataset_size=N)) == rows(RandomSampler(seed=77, dataset_size=N))
    assert rows(RandomSampler(seed=1, dataset_size=N)) != rows(RandomSampler(seed=77, dataset_size=N))
    mindspore_seed(5489)  # MindSpore's default: a random seed per sampler
    assert len({tuple(rows(RandomSampler(dataset_size=N))) for _ in range(4)}) > 1


def test_dataset_size_is_required_and_validated():
    with pytest.raises(ValueError, match="dataset size"):
        len(RandomSampler())
    with pytest.raises(ValueError, match="dataset size"):
        list(SequentialSampler())
    with pytest.raises(ValueError, match="dataset_size"):
        RandomSampler(dataset_size=0)
    sampler = RandomSampler(seed=1)
    sampler.set_dataset_size(4)
    assert len(sampler) == 4 and bool(SequentialSampler())


@pytest.mark.parametrize(
    "make",
    [
        lambda size: SequentialSampler(dataset_size=size),
        lambda size: RandomSampler(seed=1, num_samples=2, dataset_size=size),
        lambda size: SequentialSampler().set_dataset_size(size),
        lambda size: PKSampler(1, labels=[0]).set_dataset_size(size),
    ],
)
@pytest.mark.parametrize("size", [1 << 63, 1 << 64, 1 << 70])
def test_dataset_size_above_int64_is_a_value_error(make, size):
    with pytest.raises(ValueError, match=rf"dataset_size.*{size}"):
        make(size)


def test_dataset_size_up_to_int64_max_works():
    largest = (1 << 63) - 1
    sampler = SequentialSampler(largest - 2, dataset_size=largest)
    assert len(sampler) == 2 and rows(sampler) == [largest - 2, largest - 1]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda value: PKSampler(value, labels=[0, 1]), "num_val"),
        (lambda value: DistributedSampler(value, 0, dataset_size=N), "num_shards"),
        (lambda value: DistributedSampler(2, value, dataset_size=N), "shard_id"),
        (lambda value: DistributedSampler(2, 0, offset=value, dataset_size=N), "offset"),
        (lambda value: DistributedSampler(2, 0).set_offset(value), "offset"),
        (lambda value: SequentialSampler(value, dataset_size=N), "start_index"),
        (lambda value: SubsetSampler([1, value]), r"indices\[1\]"),
        (lambda value: SubsetRandomSampler([1, value]), r"indices\[1\]"),
    ],
)
@pytest.mark.parametrize("value", [1 << 63, 1 << 64, -(1 << 63) - 1])
def test_integer_arguments_beyond_int64_fail_at_construction(make, name, value):
    with pytest.raises(
        ValueError,
        match=rf"^{name} must be in \[-2\*\*63, 2\*\*63 - 1\] \(int64\), "
        rf"but got {name}={value}$",
    ):
        make(value)


def test_huge_uint64_subset_index_is_named():
    with pytest.raises(ValueError, match=r"indices\[0\]=18446744073709551615"):
        SubsetSampler([np.uint64((1 << 64) - 1)])


def test_epoch_counter_wraps_at_the_shared_epoch_limit(monkeypatch):
    monkeypatch.setattr(_limits, "EPOCH_LIMIT", 4)  # the one definition every family reads, not a private copy
    sampler = RandomSampler(seed=1, dataset_size=N)
    sampler.set_epoch(3)
    sampler.epoch_indices()
    assert sampler.epoch == 0
    torch_family = fs.RandomSampler(range(N), seed=1)  # the torch family steps the same counter
    torch_family.set_epoch(3)
    list(torch_family)
    assert torch_family.epoch == 0


def test_every_sampler_deep_copies(mindspore_family):
    module = mindspore_family
    samplers = [
        module.SequentialSampler(),
        module.SubsetSampler([1]),
        module.SubsetRandomSampler([1]),
        module.RandomSampler(),
        module.DistributedSampler(2, 0),
        module.WeightedRandomSampler([1, 2]),
        module.PKSampler(1, labels=[0, 1]),
    ]
    for sampler in samplers:
        sampler.set_dataset_size(2)
        first = rows(sampler, 4)  # an unseeded sampler settles its seed at first use; copies keep it
        copied = copy.deepcopy(sampler)
        assert type(copied) is type(sampler) and rows(copied, 4) == first


def test_deep_copies_carry_seed_and_epoch():
    sampler = chain(SubsetRandomSampler([1, 3, 5, 7], seed=5), RandomSampler(seed=6, dataset_size=N))
    sampler.set_epoch(3)
    copied = copy.deepcopy(sampler)
    assert copied.epoch_indices().tolist() == sampler.epoch_indices().tolist() == rows(sampler, 3)


def test_sequential_checks_num_samples_before_its_parse_time_start_check():
    with pytest.raises(TypeError, match=r"num_samples must be integer but was: 2\.0\."):
        fm.SequentialSampler(-1, 2.0)
    with pytest.raises(ValueError, match="num_samples exceeds the boundary"):
        fm.SequentialSampler(-1, -1)
