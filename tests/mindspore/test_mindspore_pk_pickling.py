"""PKSampler with labels= as a function, pickled (spawned workers, process pools) and deep-copied (MindSpore's
pipeline copies its sampler): a function that pickle cannot save is a TypeError naming labels=, unless the labels
were already read; a deep copy never needs pickle."""

from __future__ import annotations

import copy
import pickle

import pytest

import ferrosampler.mindspore as fm

from .common import N, RowIds


def label_of(row):
    return row % 3


def local_labels():
    return lambda row: row % 3  # a local object: pickle cannot save it


def epochs(sampler, count=3):
    return [sampler.epoch_indices(epoch).tolist() for epoch in range(count)]


def test_an_unread_local_function_is_a_type_error_naming_labels():
    sampler = fm.PKSampler(2, labels=local_labels(), seed=1)
    with pytest.raises(TypeError, match=r"PKSampler: labels= must be picklable.*Can't pickle local object"):
        pickle.dumps(sampler)


def test_labels_already_read_are_pickled_instead_of_the_function():
    sampler = fm.PKSampler(2, shuffle=True, labels=local_labels(), seed=1, dataset_size=N)
    restored = pickle.loads(pickle.dumps(sampler))
    assert (
        epochs(restored)
        == epochs(sampler)
        == epochs(fm.PKSampler(2, shuffle=True, labels=[r % 3 for r in range(N)], seed=1))
    )
    assert len(restored) == len(sampler) == 6


def test_a_module_level_function_pickles_before_it_is_read():
    restored = pickle.loads(pickle.dumps(fm.PKSampler(2, labels=label_of, seed=1)))
    restored.set_dataset_size(N)
    assert epochs(restored) == epochs(fm.PKSampler(2, labels=label_of, seed=1, dataset_size=N))


def test_copies_share_an_unpicklable_function():
    sampler = fm.PKSampler(2, labels=local_labels(), seed=1)
    for copied in (copy.deepcopy(sampler), copy.copy(sampler)):
        assert copied._label_of is sampler._label_of
        copied.set_dataset_size(N)
        assert epochs(copied) == epochs(fm.PKSampler(2, labels=label_of, seed=1, dataset_size=N))
    assert sampler.epoch == 0


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_a_two_worker_pipeline_drives_its_own_copy(processes):
    """The pipeline deep-copies the sampler: with a local function too, the user's object stays untouched (had the
    copy failed, MindSpore would drive the user's object itself)."""
    ds = pytest.importorskip("mindspore.dataset")
    sampler = fm.PKSampler(2, shuffle=True, labels=local_labels(), seed=1)
    dataset = ds.GeneratorDataset(
        RowIds(N), column_names=["data"], sampler=sampler, num_parallel_workers=2, python_multiprocessing=processes
    )
    iterator = dataset.create_tuple_iterator(num_epochs=3, output_numpy=True)
    read = [[int(row[0]) for row in iterator] for _ in range(3)]
    assert read == epochs(fm.PKSampler(2, shuffle=True, labels=[r % 3 for r in range(N)], seed=1))
    assert sampler.epoch == 0 and sampler._classes is None
