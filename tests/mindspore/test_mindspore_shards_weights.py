"""ferrosampler.mindspore against the MindSpore compatibility reference
(/work/shared/reference/mindspore-samplers.md, cited as §x.y):
DistributedSampler, WeightedRandomSampler, PKSampler.
Expected values are written from the document, not from our output."""

from __future__ import annotations

import itertools
from decimal import Decimal

import numpy as np
import pytest

from ferrosampler.mindspore import (
    DistributedSampler,
    PKSampler,
    SequentialSampler,
    Shuffle,
    WeightedRandomSampler,
)

from .common import N, expected_positions, rows

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
