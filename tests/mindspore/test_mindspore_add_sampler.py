"""Dataset.add_sampler with a ferrosampler.mindspore sampler: MindSpore chains it over the dataset's current
sampler (``new.add_child(dataset.sampler)``), which is one of MindSpore's own; add_child converts those.

Where MindSpore's own sampler draws nothing, MindSpore's own parent is the oracle: the rows must be the ones
MindSpore's chain reads. Where it draws, the rows must be those of the same chain built from
ferrosampler.mindspore samplers directly, under the same config seed."""

from __future__ import annotations

import pytest

ds = pytest.importorskip("mindspore.dataset")

import ferrosampler.mindspore as fm  # noqa: E402

from .common import N, RowIds, chain  # noqa: E402


def read(dataset, epochs=2):
    iterator = dataset.create_tuple_iterator(num_epochs=epochs, output_numpy=True)
    return [[int(row[0]) for row in iterator] for _ in range(epochs)]


def generator(**arguments):
    return ds.GeneratorDataset(RowIds(N), column_names=["data"], **arguments)


@pytest.fixture
def config_seed():
    previous = ds.config.get_seed()
    ds.config.set_seed(3)
    yield 3
    ds.config.set_seed(previous)


# Datasets whose default sampler draws nothing, and parents: MindSpore's own chain reads the expected rows.
DETERMINISTIC_DATASETS = {
    "shuffle=False": {"shuffle": False},
    "subset list": {"sampler": [9, 7, 5, 3, 1, 0]},
    "SubsetSampler": {"sampler": ds.SubsetSampler([8, 6, 4, 2, 0], num_samples=4)},
    "SequentialSampler": {"sampler": ds.SequentialSampler(2, 6)},
    # num_samples = the shard's length: as a child MindSpore's own counts N rows otherwise, and fails (quirk 5)
    "unshuffled shards": {"sampler": ds.DistributedSampler(3, 2, shuffle=False, num_samples=4)},
}
PARENTS = {
    "SequentialSampler": (lambda: fm.SequentialSampler(1, 3), lambda: ds.SequentialSampler(1, 3)),
    "SubsetSampler": (lambda: fm.SubsetSampler([2, 0, 1]), lambda: ds.SubsetSampler([2, 0, 1])),
    "DistributedSampler": (lambda: fm.DistributedSampler(2, 1, False), lambda: ds.DistributedSampler(2, 1, False)),
}


@pytest.mark.parametrize("parent", PARENTS)
@pytest.mark.parametrize("dataset", DETERMINISTIC_DATASETS)
def test_add_sampler_reads_what_mindspores_own_chain_reads(dataset, parent):
    ours, theirs = PARENTS[parent]
    with_ours, with_theirs = generator(**DETERMINISTIC_DATASETS[dataset]), generator(**DETERMINISTIC_DATASETS[dataset])
    with_ours.add_sampler(ours())
    with_theirs.add_sampler(theirs())
    assert read(with_ours) == read(with_theirs)
    assert isinstance(with_ours.sampler.get_child(), fm.SequentialSampler | fm.SubsetSampler | fm.DistributedSampler)


# Datasets whose default sampler draws: the expected rows come from the same chain of ferrosampler samplers.
DRAWING_DATASETS = {
    "default shuffle": ({}, fm.RandomSampler),
    "num_samples": ({"num_samples": 6}, lambda: fm.RandomSampler(True, 6)),
    "shards": ({"num_shards": 2, "shard_id": 1}, lambda: fm.DistributedSampler(2, 1)),
    "SubsetRandomSampler": (
        {"sampler": ds.SubsetRandomSampler([1, 3, 5, 7, 9], 4)},
        lambda: fm.SubsetRandomSampler([1, 3, 5, 7, 9], 4),
    ),
    "WeightedRandomSampler": (
        {"sampler": ds.WeightedRandomSampler([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], 8, False)},
        lambda: fm.WeightedRandomSampler([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], 8, False),
    ),
}


@pytest.mark.parametrize("dataset", DRAWING_DATASETS)
def test_add_sampler_over_a_drawing_sampler_is_the_ferrosampler_chain(config_seed, dataset):
    arguments, equivalent = DRAWING_DATASETS[dataset]
    pipeline = generator(**arguments)
    pipeline.add_sampler(fm.SequentialSampler(1, 3))
    expected = chain(fm.SequentialSampler(1, 3), equivalent())
    expected.set_dataset_size(N)
    assert read(pipeline) == [expected.epoch_indices(epoch).tolist() for epoch in range(2)]


def test_add_child_takes_mindspores_parameters():
    top = ds.SequentialSampler(1, 5)
    middle = ds.RandomSampler(True, 7)
    middle.reshuffle_each_epoch = False
    top.add_child(middle)
    middle.add_child(ds.DistributedSampler(4, 3, False, 6, offset=2))
    parent = fm.SubsetSampler([0, 1, 2])
    parent.add_child(top)
    sequential, random = parent.get_child(), parent.get_child().get_child()
    distributed = random.get_child()
    assert (type(sequential), sequential.start_index, sequential.num_samples) == (fm.SequentialSampler, 1, 5)
    assert (type(random), random.replacement, random.num_samples) == (fm.RandomSampler, True, 7)
    assert random.reshuffle_each_epoch is False
    assert (distributed.num_shards, distributed.shard_id, distributed.shuffle) == (4, 3, ds.Shuffle.FALSE)
    assert (distributed.num_samples, distributed.offset, distributed.get_child()) == (6, 2, None)
    assert top.get_child() is middle  # MindSpore's objects are read, not changed


def test_a_converted_distributed_sampler_keeps_mindspores_seed():
    previous = ds.config.get_seed()
    ds.config.set_seed(41)
    try:
        theirs = ds.DistributedSampler(2, 0)
    finally:
        ds.config.set_seed(previous)
    parent = fm.SequentialSampler()
    parent.add_child(theirs)
    parent.set_dataset_size(N)
    assert (
        parent.epoch_indices(0).tolist()
        == fm.DistributedSampler(2, 0, seed=42, dataset_size=N).epoch_indices(0).tolist()
    )


class Reversed(ds.Sampler):
    def __iter__(self):
        return iter(range(self.dataset_size - 1, -1, -1))


@pytest.mark.parametrize(
    "current",
    [ds.IterSampler([3, 2, 1]), Reversed(), ds.PKSampler(2)],
    ids=["IterSampler", "user ds.Sampler", "PKSampler"],
)
def test_what_does_not_convert_says_to_use_use_sampler(current):
    with pytest.raises(TypeError, match=rf"got an object of type {type(current).__name__}\..*use_sampler"):
        fm.RandomSampler().add_child(current)


def test_use_sampler_replaces_the_default_sampler():
    dataset = generator()
    dataset.use_sampler(fm.SequentialSampler(1, 3))
    assert read(dataset) == [[1, 2, 3], [1, 2, 3]]
    assert dataset.sampler.get_child() is None
