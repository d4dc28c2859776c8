"""ferrosampler.mindspore samplers driven by a real mindspore.dataset.GeneratorDataset.

Each test reads the rows the pipeline actually fetched (the source returns its own row id)
and compares them with what the sampler says for the same seed and epoch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

ds = pytest.importorskip("mindspore.dataset")

import ferrosampler.mindspore as fm  # noqa: E402  (after the skip: it imports mindspore too)

from .common import SAMPLERS, N, RowIds  # noqa: E402


def read_epochs(sampler, epochs=3, size=N, workers=1, dict_iterator=False):
    dataset = ds.GeneratorDataset(RowIds(size), column_names=["data"], sampler=sampler, num_parallel_workers=workers)
    if dict_iterator:
        iterator = dataset.create_dict_iterator(num_epochs=epochs, output_numpy=True)
        return [[int(row["data"]) for row in iterator] for _ in range(epochs)]
    iterator = dataset.create_tuple_iterator(num_epochs=epochs, output_numpy=True)
    return [[int(row[0]) for row in iterator] for _ in range(epochs)]


def expected_epochs(sampler, epochs=3):
    return [sampler.epoch_indices(epoch).tolist() for epoch in range(epochs)]


@pytest.mark.parametrize("name", SAMPLERS)
def test_each_sampler_runs_in_generator_dataset(name):
    make = SAMPLERS[name]
    sampler = make()
    read = read_epochs(sampler)
    assert read == expected_epochs(make(dataset_size=N))
    assert sampler.epoch == 0  # the pipeline drove its own deep copy


def test_a_chain_runs_as_parent_of_child():
    def make():
        top = fm.SequentialSampler(1, 4)
        middle = fm.SubsetRandomSampler([4, 3, 2, 1, 0, 0], seed=10)
        top.add_child(middle)
        middle.add_child(fm.DistributedSampler(2, 0, seed=11))
        return top

    read = read_epochs(make(), dict_iterator=True)
    assert read == expected_epochs(_sized(make()))
    assert all(len(epoch) == 4 for epoch in read) and read[0] != read[1]


def _sized(sampler):
    sampler.set_dataset_size(N)
    return sampler


def test_two_workers_read_the_same_rows():
    expected = expected_epochs(fm.RandomSampler(seed=12, dataset_size=N))
    assert read_epochs(fm.RandomSampler(seed=12), workers=2) == expected
    pk = fm.PKSampler(3, labels=[r % 4 for r in range(N)], seed=13)
    assert read_epochs(pk, workers=2, epochs=2) == expected_epochs(pk, epochs=2)


def test_epochs_differ_and_a_new_iterator_repeats_them():
    sampler = fm.RandomSampler(seed=14)
    first, second = read_epochs(sampler, epochs=2), read_epochs(sampler, epochs=2)
    assert first == second and first[0] != first[1] and sorted(first[0]) == list(range(N))


def test_unseeded_samplers_follow_the_config_seed():
    previous = ds.config.get_seed()
    ds.config.set_seed(2024)
    try:
        read = read_epochs(fm.RandomSampler(), epochs=2)
        shards = [read_epochs(fm.DistributedSampler(2, shard), epochs=1)[0] for shard in range(2)]
        captured = fm.DistributedSampler(2, 0, dataset_size=N)
    finally:
        ds.config.set_seed(previous)
    assert read == expected_epochs(fm.RandomSampler(seed=2024, dataset_size=N), epochs=2)
    assert sorted(shards[0] + shards[1]) == list(range(N))
    assert shards[0] == captured.epoch_indices(0).tolist()


def test_dataset_size_and_errors_come_through_the_pipeline():
    dataset = ds.GeneratorDataset(RowIds(N), column_names=["data"], sampler=fm.SequentialSampler(8, 5))
    assert dataset.get_dataset_size() == 2  # MindSpore's own sampler reports -3 here
    bad = ds.GeneratorDataset(RowIds(N), column_names=["data"], sampler=fm.SubsetSampler([3, 12]))
    with pytest.raises(RuntimeError, match=r"Sample ID \(12\) is out of bound, expected range \[0, 9\]"):
        bad.get_dataset_size()


def test_add_sampler_chains_our_samplers():
    dataset = ds.GeneratorDataset(RowIds(N), column_names=["data"], sampler=fm.SubsetSampler([9, 7, 5, 3, 1]))
    dataset.add_sampler(fm.SequentialSampler(1, 3))
    assert read_epochs(dataset.sampler, epochs=1) == [[7, 5, 3]]


def test_use_sampler_replaces_the_top_of_a_chain():
    dataset = ds.GeneratorDataset(RowIds(N), column_names=["data"], sampler=fm.SubsetSampler([9, 7, 5, 3, 1]))
    dataset.add_sampler(fm.SequentialSampler(1, 3))
    dataset.use_sampler(fm.DistributedSampler(2, 0, shuffle=False))
    assert [int(row[0]) for row in dataset.create_tuple_iterator(num_epochs=1, output_numpy=True)] == [9, 5, 1]


def test_a_chain_with_two_workers_over_several_epochs():
    def make():
        top = fm.SubsetRandomSampler([0, 1, 2, 3, 4, 5], seed=15)
        top.add_child(fm.RandomSampler(num_samples=8, seed=16))
        return top

    assert read_epochs(make(), epochs=4, workers=2) == expected_epochs(_sized(make()), epochs=4)


class LabelledRows(RowIds):
    """Row i is (i, label) with label = i % 3: PKSampler reads the labels from the source."""

    def __getitem__(self, index):
        return (np.array(index, dtype=np.int64), np.array(index % 3, dtype=np.int64))


def test_pk_sampler_reads_its_labels_from_the_dataset():
    source = LabelledRows(N)

    def make():
        return fm.PKSampler(2, shuffle=True, labels=lambda row: int(source[row][1]), seed=17)

    dataset = ds.GeneratorDataset(source, column_names=["data", "label"], sampler=make(), num_parallel_workers=2)
    iterator = dataset.create_tuple_iterator(num_epochs=2, output_numpy=True)
    read = [[(int(row[0]), int(row[1])) for row in iterator] for _ in range(2)]
    expected = make()
    expected.set_dataset_size(N)
    assert [[r for r, _ in epoch] for epoch in read] == [expected.epoch_indices(e).tolist() for e in range(2)]
    labels = [[label for _, label in epoch] for epoch in read]
    assert all(sorted(epoch) == [0, 0, 1, 1, 2, 2] for epoch in labels)
    assert all(epoch[0::2] == epoch[1::2] for epoch in labels)  # num_val rows of a class in a row


def test_step_based_training_repeats_the_pipeline_endlessly_epoch_after_epoch():
    """MindSpore's InfiniteSampler is `repeat()`: each pass of the pipeline is the sampler's next epoch."""
    dataset = ds.GeneratorDataset(RowIds(N), column_names=["data"], sampler=fm.RandomSampler(seed=21)).repeat()
    iterator = dataset.create_tuple_iterator(num_epochs=1, output_numpy=True)
    steps = 3 * N + N // 2  # into the fourth pass, from one iterator
    got = [int(row[0]) for row in itertools.islice(iterator, steps)]
    expected = fm.RandomSampler(seed=21)
    expected.set_dataset_size(N)
    assert got == list(itertools.chain(*(expected.epoch_indices(e).tolist() for e in range(4))))[:steps]
