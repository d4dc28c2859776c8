"""class_balanced_weights / class_counts: values, sources, errors; and the chi-square check
that class_balanced_weights + WeightedRandomSampler balance the classes.

False-alarm rate: every statistical assertion requires a chi-square p-value above
ALPHA = 1e-6, so a correct implementation fails a given test with probability 1e-6 at most
(the seeds are fixed, so a passing test keeps passing)."""

from __future__ import annotations

import math
import types

import numpy as np
import pytest
import torch

import ferrosampler as fs
from ferrosampler import DistributedWeightedSampler, class_balanced_weights, class_counts

stats = pytest.importorskip("scipy.stats")
ALPHA = 1e-6

LABELS = [0] * 50 + [1] * 5 + [2] * 20 + [3] * 1 + [4] * 124


def test_inverse_frequency_matches_the_seed_recipe():
    w = class_balanced_weights(LABELS)
    counts = np.bincount(LABELS)
    assert w.dtype == np.float64
    assert np.array_equal(w, (1.0 / counts)[LABELS])  # the seeds' 1. / class_sample_count
    assert class_counts(LABELS) == {0: 50, 1: 5, 2: 20, 3: 1, 4: 124}


def test_power_and_effective_number():
    counts = np.bincount(LABELS).astype(float)
    assert np.array_equal(class_balanced_weights(LABELS, power=0), np.ones(len(LABELS)))
    assert np.array_equal(class_balanced_weights(LABELS, power=0.5), np.sqrt(1.0 / counts)[LABELS])
    assert np.array_equal(class_balanced_weights(LABELS, power=2), ((1.0 / counts) ** 2)[LABELS])
    beta = 0.99
    expected = np.array([(1 - beta) / (1 - beta**n) for n in counts])
    assert np.allclose(class_balanced_weights(LABELS, effective_beta=beta), expected[LABELS], rtol=1e-14)
    assert np.array_equal(class_balanced_weights(LABELS, effective_beta=0.0), np.ones(len(LABELS)))


def test_class_weights_override():
    w = class_balanced_weights(LABELS, class_weights={3: 0.0, 4: 7.5})
    assert set(w[np.asarray(LABELS) == 3]) == {0.0}
    assert set(w[np.asarray(LABELS) == 4]) == {7.5}
    assert w[0] == 1 / 50


def test_sources_agree():
    expected = class_balanced_weights(LABELS)
    n = len(LABELS)
    sources = [
        tuple(LABELS),
        np.asarray(LABELS, dtype=np.int32),
        torch.tensor(LABELS),
        types.SimpleNamespace(targets=LABELS),
        types.SimpleNamespace(imgs=[(f"img{i}.png", c) for i, c in enumerate(LABELS)]),
        [float(c) for c in LABELS],
        iter(LABELS),
    ]
    for source in sources:
        assert np.array_equal(class_balanced_weights(source), expected)
    assert np.array_equal(class_balanced_weights(lambda i: LABELS[i], num_rows=n), expected)
    subset = torch.utils.data.Subset(types.SimpleNamespace(targets=LABELS), list(range(0, n, 2)))
    assert np.array_equal(class_balanced_weights(subset), class_balanced_weights(LABELS[::2]))
    assert class_counts(["b", "a", "b"]) == {"a": 1, "b": 2}
    assert class_counts([True, False, True]) == {False: 1, True: 2}


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"labels": []}, ValueError, "empty"),
        ({"labels": "abc"}, TypeError, "string"),
        ({"labels": [1, [2]]}, TypeError, r"labels\[1\]"),
        ({"labels": [{"a": 1}]}, TypeError, r"labels\[0\]"),
        ({"labels": [1.0, math.nan]}, ValueError, "NaN"),
        ({"labels": np.array([1.0, np.nan])}, ValueError, "NaN"),
        ({"labels": [1, None]}, TypeError, "NoneType"),
        ({"labels": [True, 2]}, TypeError, "bools and numbers"),
        ({"labels": [1, "a"]}, TypeError, "strings and numbers"),
        ({"labels": np.eye(3)}, ValueError, "one-hot"),
        ({"labels": lambda i: 0}, ValueError, "num_rows"),
        ({"labels": [0, 1], "power": -1}, ValueError, "power"),
        ({"labels": [0, 1], "power": math.inf}, ValueError, "power"),
        ({"labels": [0, 1], "power": "1"}, TypeError, "power"),
        ({"labels": [0, 1], "effective_beta": 1.0}, ValueError, "effective_beta"),
        ({"labels": [0, 1], "effective_beta": -0.1}, ValueError, "effective_beta"),
        ({"labels": [0, 1], "class_weights": [1, 2]}, TypeError, "mapping"),
        ({"labels": [0, 1], "class_weights": {2: 1.0}}, ValueError, "no row has the label 2"),
        ({"labels": [0, 1], "class_weights": {0: -1.0}}, ValueError, r"class_weights\[0\]"),
        ({"labels": [0, 1], "class_weights": {0: math.nan}}, ValueError, r"class_weights\[0\]"),
        ({"labels": [0, 1], "class_weights": {0: 0.0, 1: 0.0}}, ValueError, "every class weight is 0"),
    ],
)
def test_errors(kwargs, error, text):
    labels = kwargs.pop("labels")
    with pytest.raises(error, match=text):
        class_balanced_weights(labels, **kwargs)


@pytest.mark.parametrize("seed", [1, 2])
def test_chi_square_balanced_classes(seed):
    """class_balanced_weights + WeightedRandomSampler: every class drawn with probability 1/C."""
    labels = np.repeat(np.arange(6), [1000, 300, 50, 10, 3, 1])
    sampler = fs.WeightedRandomSampler.from_labels(labels, 30000, seed=seed)
    classes = labels[sampler.epoch_indices(0)]
    observed = np.bincount(classes, minlength=6)
    assert stats.chisquare(observed, np.full(6, 30000 / 6)).pvalue > ALPHA


def test_chi_square_softened_and_distributed():
    """power=0.5 gives class probabilities ∝ sqrt(n); DistributedWeightedSampler's union too."""
    sizes = np.array([400, 100, 25, 4])
    labels = np.repeat(np.arange(4), sizes)
    p = np.sqrt(sizes) / np.sqrt(sizes).sum()
    ranks = [
        DistributedWeightedSampler.from_labels(labels, 20000, power=0.5, num_replicas=3, rank=r, seed=9)
        for r in range(3)
    ]
    classes = labels[np.concatenate([s.epoch_indices() for s in ranks])]
    observed = np.bincount(classes, minlength=4)
    assert stats.chisquare(observed, p * observed.sum()).pvalue > ALPHA
