"""ferrosampler.mindspore against the MindSpore compatibility reference
(/work/shared/reference/mindspore-samplers.md, cited as §x.y):
chaining, seeds, epochs, sizes, copies.
Expected values are written from the document, not from our output."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import ferrosampler as fs
import ferrosampler.mindspore as fm
from ferrosampler._inputs import limits as _limits
from ferrosampler.mindspore import (
    DistributedSampler,
    PKSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    SubsetSampler,
    WeightedRandomSampler,
)

from .common import N, chain, rows

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
