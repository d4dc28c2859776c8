"""set_weights on the three weighted samplers: checked like construction, in effect exactly from the
next epoch (never mid-epoch), and a loss-based reweighting loop in a real DataLoader (2 workers)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ferrosampler as fs
import ferrosampler.mindspore as fms

OLD = np.array([1.0, 2.0, 3.0, 4.0, 0.0, 6.0])
NEW = np.array([0.0, 0.0, 1.0, 0.0, 5.0, 0.0])


def _torch(family, weights):
    return family.WeightedRandomSampler(weights, 40, seed=3)


def test_torch_set_weights_takes_effect_at_the_next_epoch(family):
    sampler = _torch(family, OLD)
    iterator = iter(sampler)
    head = [next(iterator) for _ in range(10)]
    sampler.set_weights(NEW)  # mid-epoch: this epoch keeps the old weights
    rest = list(iterator)
    assert head + rest == _torch(family, OLD).epoch_indices(0).tolist()
    assert list(sampler) == _torch(family, NEW).epoch_indices(1).tolist()  # the next epoch: the new weights
    assert set(_torch(family, NEW).epoch_indices(1).tolist()) <= {2, 4}
    assert np.array_equal(sampler.weights, NEW)


def test_distributed_set_weights_takes_effect_at_the_next_epoch(family):
    def make(weights):
        return family.DistributedWeightedSampler(weights, 40, num_replicas=2, rank=1, seed=3)

    sampler = make(OLD)
    iterator = iter(sampler)
    head = [next(iterator) for _ in range(5)]
    sampler.set_weights(NEW)
    assert head + list(iterator) == make(OLD).epoch_indices().tolist()
    sampler.set_epoch(1)
    fresh = make(NEW)
    fresh.set_epoch(1)
    assert list(sampler) == fresh.epoch_indices().tolist()


def test_mindspore_set_weights_takes_effect_at_the_next_epoch(mindspore_family):
    def make(weights):
        return mindspore_family.WeightedRandomSampler(weights.tolist(), 20, seed=3, dataset_size=6)

    sampler = make(OLD)
    first = list(sampler)
    sampler.set_weights(NEW.tolist())
    assert first == make(OLD).epoch_indices(0).tolist()
    assert list(sampler) == make(NEW).epoch_indices(1).tolist()


@pytest.mark.parametrize(
    ("bad", "error", "text"),
    [
        ([1.0, 2.0], ValueError, "one weight per row"),
        ("abc", TypeError, "weights"),
        ([[1.0] * 6], ValueError, "1d"),
        ([-1.0, 1, 1, 1, 1, 1], ValueError, "negative|non-negative|>= 0"),
        ([0.0] * 6, ValueError, "zero|positive"),
    ],
)
def test_set_weights_is_validated_like_construction(family, bad, error, text):
    for sampler in (_torch(family, OLD), family.DistributedWeightedSampler(OLD, num_replicas=2, rank=0)):
        before = list(sampler.epoch_indices(0))
        with pytest.raises(error, match=text):
            sampler.set_weights(bad)
        assert list(sampler.epoch_indices(0)) == before and np.array_equal(sampler.weights, OLD)


def test_set_weights_without_replacement_needs_enough_nonzero():
    sampler = fs.WeightedRandomSampler(OLD, 4, replacement=False, seed=0)
    with pytest.raises(ValueError, match="non-zero weights"):
        sampler.set_weights(NEW)


def test_mindspore_set_weights_errors():
    sampler = fms.WeightedRandomSampler(OLD.tolist(), 4, seed=0)
    with pytest.raises(TypeError, match="type of weights element"):
        sampler.set_weights(["a"] * 6)
    with pytest.raises(RuntimeError, match="all zero"):
        sampler.set_weights([0.0] * 6)


def test_from_labels_on_both_weighted_samplers():
    labels = [0] * 30 + [1] * 10
    torch_sampler = fs.WeightedRandomSampler.from_labels(labels, seed=1)
    ms_sampler = fms.WeightedRandomSampler.from_labels(labels, seed=1, dataset_size=40)
    expected = np.where(np.asarray(labels) == 0, 1 / 30, 1 / 10)
    assert len(torch_sampler) == 40 and np.array_equal(torch_sampler.weights, expected)
    assert ms_sampler.weights == expected.tolist() and len(ms_sampler) == 40


class _Rows(torch.utils.data.Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, row: int) -> int:
        return row


def test_loss_based_reweighting_in_a_dataloader_with_workers():
    """Each epoch: the loader's rows are exactly the sampler's epoch with the weights set after the
    previous epoch (weights ∝ a per-row 'loss' that decays for rows that were seen)."""
    n, epochs = 64, 4
    loss = np.linspace(1.0, 2.0, n)
    sampler = fs.WeightedRandomSampler(loss, 256, seed=11)
    loader = torch.utils.data.DataLoader(_Rows(n), batch_size=16, sampler=sampler, num_workers=2)
    history = [loss.copy()]
    for epoch in range(epochs):
        seen = torch.cat(list(loader)).numpy()
        expected = fs.WeightedRandomSampler(history[-1], 256, seed=11).epoch_indices(epoch)
        assert np.array_equal(seen, expected)
        np.multiply.at(loss, seen, 0.5)  # rows drawn this epoch lose weight
        sampler.set_weights(loss)
        history.append(loss.copy())
    assert not np.array_equal(history[0], history[-1])
