"""ferrosampler.grain.SelectionMap: a MixtureSampler as Grain's DatasetSelectionMap."""

from __future__ import annotations

import pickle

import pytest

import ferrosampler
import ferrosampler.grain as fg

grain = pytest.importorskip("grain.python")

SIZES = [5, 8, 3]


def mixture(seed: int = 3):
    return ferrosampler.MixtureSampler(SIZES, [2.0, 1.0, 1.0], num_samples=20, seed=seed)


def epochs(count: int) -> list[int]:
    """The mixture's global indices, epoch after epoch, as iterating it yields them."""
    sampler, out = mixture(), []
    for epoch in range(count):
        sampler.set_epoch(epoch)
        out += list(sampler)
    return out


def test_the_map_is_the_mixtures_source_and_item_epoch_after_epoch() -> None:
    selection = fg.SelectionMap(mixture())
    assert isinstance(selection, grain.DatasetSelectionMap)
    assert len(selection) == 20
    reference = mixture()
    assert [selection[i] for i in range(60)] == [reference.source_of(index) for index in epochs(3)]
    copy = pickle.loads(pickle.dumps(selection))
    assert [copy[i] for i in range(60)] == [selection[i] for i in range(60)]
    assert repr(copy) == repr(selection) != repr(fg.SelectionMap(mixture(seed=4)))


def test_select_from_datasets_reads_the_mixture_and_repeat_reads_its_next_epochs() -> None:
    datasets = [[f"{s}:{j}" for j in range(size)] for s, size in enumerate(SIZES)]
    concatenated = [item for dataset in datasets for item in dataset]
    mixed = grain.MapDataset.select_from_datasets(
        [grain.MapDataset.source(dataset) for dataset in datasets], fg.SelectionMap(mixture())
    )
    assert list(mixed) == [concatenated[index] for index in epochs(1)]
    assert list(mixed.repeat(2)) == [concatenated[index] for index in epochs(2)]


def test_a_sampler_without_sources_is_refused() -> None:
    with pytest.raises(TypeError, match="MixtureSampler"):
        fg.SelectionMap(ferrosampler.RandomSampler(range(10), seed=1))
