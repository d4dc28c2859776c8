"""PKBatchSampler and MPerClassSampler: every batch's composition over thousands of
batches, class-coverage evenness, seeking, ranks, Rust == reference == literal spec, errors,
and use as a DataLoader batch_sampler."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ferrosampler import MPerClassSampler, PKBatchSampler, reference
from ferrosampler.reference import _literal as ref
from ferrosampler.reference._engine.classes.balanced import BalancedClasses

SIZES = [30, 1, 7, 2, 12, 5, 3, 40, 9, 4, 6]  # 11 classes, some smaller than K
LABELS = np.repeat(np.arange(len(SIZES)) * 10, SIZES)  # labels 0, 10, 20, …
label_sizes = st.lists(st.integers(1, 8), min_size=1, max_size=9)


def _check_batch(batch, p, k, labels, sizes, always=False):
    assert len(batch) == p * k
    classes = [labels[i] for i in batch]
    groups = [classes[i * k : (i + 1) * k] for i in range(p)]
    assert all(len(set(g)) == 1 for g in groups)  # K rows of one class, together
    assert len({g[0] for g in groups}) == p  # P distinct classes
    for g, rows in zip(groups, [batch[i * k : (i + 1) * k] for i in range(p)], strict=True):
        if not always and sizes[g[0]] >= k:
            assert len(set(rows)) == k  # without replacement inside the class


@pytest.mark.parametrize(("p", "k"), [(1, 1), (3, 4), (4, 2), (5, 3), (6, 2), (10, 1), (11, 3)])
def test_composition_and_evenness_over_thousands_of_batches(p, k):
    sizes = dict(zip(np.arange(len(SIZES)) * 10, SIZES, strict=True))
    sampler = PKBatchSampler(LABELS, p, k, num_batches=3000, seed=11)
    batches = sampler.epoch_batches(0)
    assert batches.shape == (3000, p * k)
    for batch in batches.tolist():
        _check_batch(batch, p, k, LABELS, sizes)
    slot_classes = LABELS[batches[:, ::k]].ravel()
    counts = np.unique(slot_classes, return_counts=True)[1]
    assert len(counts) == len(SIZES) and counts.max() - counts.min() <= 1  # as even as the numbers allow


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**64 - 1), st.integers(0, 30))
def test_class_slots_distinct_even_and_seekable(c, p, seed, first):
    p = min(p, c)
    schedule = BalancedClasses(seed, 2, c, p)
    count = 3 * (c // p + 2)
    batches = [schedule.batch(b) for b in range(count)]
    assert all(len(set(b)) == p for b in batches)
    slots = [x for b in batches for x in b]
    assert slots == ref.balanced_slots_literal(seed, 2, c, p, count * p)
    counts = np.bincount(slots, minlength=c)
    assert counts.max() - counts.min() <= 1
    fresh = BalancedClasses(seed, 2, c, p)  # seek: no earlier batch generated
    assert fresh.batch(first) == ref.balanced_slots_literal(seed, 2, c, p, (first + 1) * p)[first * p :]


@settings(max_examples=25, deadline=None)
@given(label_sizes, st.integers(1, 4), st.integers(1, 3), st.integers(1, 8), st.integers(0, 2**64 - 1), st.booleans())
def test_rust_reference_literal_agree(sizes, p, k, num_batches, seed, always):
    labels = np.repeat(np.arange(len(sizes)), sizes)
    p = min(p, len(sizes))
    mode = True if always else None
    for replicas in (1, 3):
        for rank in range(replicas):
            args = {"num_batches": num_batches, "seed": seed, "num_replicas": replicas, "rank": rank}
            rust = PKBatchSampler(labels, p, k, replacement_within_class=mode, **args).epoch_batches(4)
            python = reference.PKBatchSampler(labels, p, k, replacement_within_class=mode, **args).epoch_batches(4)
            literal = ref.pk_epoch_literal(
                labels, p, k, num_batches, seed, 4, always=always, num_replicas=replicas, rank=rank
            )
            assert rust.tolist() == python.tolist() == literal


def test_ranks_partition_the_batches_and_batch_seeks():
    args = {"num_batches": 10, "seed": 3}
    whole = PKBatchSampler(LABELS, 4, 2, **args).epoch_batches(0)
    ranks = [PKBatchSampler(LABELS, 4, 2, num_replicas=3, rank=r, **args) for r in range(3)]
    assert [len(r) for r in ranks] == [4, 4, 4]  # padded with batches 10 and 11, not repeats
    parts = [r.epoch_batches(0) for r in ranks]
    extended = PKBatchSampler(LABELS, 4, 2, num_batches=12, seed=3).epoch_batches(0)
    assert np.array_equal(extended[:10], whole)
    for r in range(3):
        assert np.array_equal(parts[r], extended[r::3])
        assert ranks[r].batch(7, epoch=0) == extended[7].tolist()
    dropped = PKBatchSampler(LABELS, 4, 2, num_replicas=3, rank=1, drop_last=True, **args)
    assert len(dropped) == 3 and np.array_equal(dropped.epoch_batches(0), extended[1:9:3])


def test_epochs_iteration_and_dataloader():
    sampler = PKBatchSampler(LABELS, 3, 2, num_batches=6, seed=1)
    first, second = list(sampler), list(sampler)
    assert first != second  # a fixed seed advances the epoch per iterator
    assert first == sampler.epoch_batches(0).tolist() and second == sampler.epoch_batches(1).tolist()
    sampler.set_epoch(0)
    dataset = torch.utils.data.TensorDataset(torch.as_tensor(LABELS))
    loader = torch.utils.data.DataLoader(dataset, batch_sampler=sampler, num_workers=0)
    assert [b[0].tolist() for b in loader] == LABELS[np.asarray(first)].tolist()
    unseeded = PKBatchSampler(LABELS, 3, 2, num_batches=6)
    assert len(list(unseeded)) == 6


def test_default_num_batches_and_modes():
    assert len(PKBatchSampler(LABELS, 4, 2, seed=0)) == max(-(-11 // 4), len(LABELS) // 8)
    always = PKBatchSampler(LABELS, 2, 3, num_batches=200, replacement_within_class=True, seed=0).epoch_batches(0)
    assert any(len(set(b[:3])) < 3 for b in always.tolist())  # with replacement, repeats happen
    with pytest.raises(ValueError, match="at least k=3 rows"):
        PKBatchSampler(LABELS, 2, 3, replacement_within_class=False, seed=0)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "text"),
    [
        ((12, 1), {}, ValueError, "only 11 classes"),
        ((0, 1), {}, ValueError, "p should be"),
        ((1, 0), {}, ValueError, "k should be"),
        ((2, 2), {"num_batches": 0}, ValueError, "num_batches"),
        ((2, 2), {"num_replicas": 2, "rank": 0}, ValueError, "pass seed="),
        ((2, 2), {"num_replicas": 4, "rank": 4, "seed": 0}, ValueError, "Invalid rank"),
        (
            (2, 2),
            {"num_batches": 3, "num_replicas": 4, "rank": 0, "seed": 0, "drop_last": True},
            ValueError,
            "no batch",
        ),
        ((2, 2), {"replacement_within_class": 1}, TypeError, "replacement_within_class"),
    ],
)
def test_pk_errors(args, kwargs, error, text):
    with pytest.raises(error, match=text):
        PKBatchSampler(LABELS, *args, **kwargs)


# --- MPerClassSampler --------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [8, 12, 44])
def test_m_per_class_batches_over_thousands(batch_size):
    m = 4
    sampler = MPerClassSampler(LABELS, m, batch_size=batch_size, length_before_new_iter=2000 * batch_size, seed=5)
    flat = sampler.epoch_indices(0)
    assert len(flat) == len(sampler) == 2000 * batch_size
    sizes = dict(zip(np.arange(len(SIZES)) * 10, SIZES, strict=True))
    for batch in flat.reshape(-1, batch_size).tolist():
        _check_batch(batch, batch_size // m, m, LABELS, sizes)


def test_m_per_class_passes_and_length():
    sampler = MPerClassSampler(LABELS, 2, length_before_new_iter=100, seed=2)
    assert len(sampler) == 100 - 100 % 22
    flat = sampler.epoch_indices(0).reshape(-1, 22)
    for unit in flat:
        assert sorted(set(LABELS[unit])) == sorted(set(LABELS))  # every class once per pass
    short = MPerClassSampler(LABELS, 3, length_before_new_iter=10, seed=2)
    assert len(short) == 10 == len(short.epoch_indices(0))  # pml would yield 33 here


@settings(max_examples=20, deadline=None)
@given(label_sizes, st.integers(1, 3), st.sampled_from([None, 1, 2]), st.integers(1, 40), st.integers(0, 2**64 - 1))
def test_m_per_class_rust_reference_literal_agree(sizes, m, groups, length, seed):
    labels = np.repeat(np.arange(len(sizes)), sizes)
    batch_size = None if groups is None else min(groups, len(sizes)) * m
    length = max(length, batch_size or 1)
    for replicas, rank in ((1, 0), (2, 1)):
        args = {"seed": seed, "num_replicas": replicas, "rank": rank}
        rust = MPerClassSampler(labels, m, batch_size, length, **args).epoch_indices(2)
        python = reference.MPerClassSampler(labels, m, batch_size, length, **args).epoch_indices(2)
        literal = ref.m_per_class_literal(labels, m, batch_size, length, seed, 2, num_replicas=replicas, rank=rank)
        assert rust.tolist() == python.tolist() == literal


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"m": 3, "batch_size": 8}, "divide"),
        ({"m": 1, "batch_size": 12}, "must be >= batch_size"),
        ({"m": 2, "batch_size": 8, "length_before_new_iter": 4}, "length_before_new_iter"),
        ({"m": 0}, "m should be"),
    ],
)
def test_m_per_class_errors(kwargs, text):
    with pytest.raises(ValueError, match=text):
        MPerClassSampler(LABELS, **kwargs)
