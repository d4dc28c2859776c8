"""DistributedWeightedSampler: the union over ranks is the global draw (spec §T.3), seeking,
R = 1 is WeightedRandomSampler, Rust == reference == the literal recipe, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler as fs
from ferrosampler import DistributedWeightedSampler, reference
from ferrosampler.reference import _literal

weights = st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40).filter(lambda w: any(x > 0 for x in w))


def _ranks(cls, w, g, replicas, replacement, seed, epoch, drop_last):
    out = []
    for r in range(replicas):
        s = cls(w, g, num_replicas=replicas, rank=r, replacement=replacement, seed=seed, drop_last=drop_last)
        s.set_epoch(epoch)
        out.append(s.epoch_indices())
    return out


@settings(max_examples=150, deadline=None)
@given(weights, st.integers(1, 60), st.integers(1, 9), st.booleans(), st.integers(0, 2**64 - 1), st.booleans())
def test_union_over_ranks_is_the_global_draw(w, g, replicas, replacement, seed, drop_last):
    nonzero = sum(x > 0 for x in w)
    if not replacement:
        g = min(g, nonzero)
    ranks = _ranks(DistributedWeightedSampler, w, g, replicas, replacement, seed, 3, drop_last)
    per_rank = g // replicas if drop_last else -(-g // replicas)
    assert all(len(r) == per_rank for r in ranks)
    union = np.empty(per_rank * replicas, dtype=np.int64)
    for r, part in enumerate(ranks):
        union[r::replicas] = part
    whole = fs.WeightedRandomSampler(w, g, replacement=replacement, seed=seed).epoch_indices(3)
    padded = np.concatenate([whole] * (per_rank * replicas // g + 1))[: per_rank * replicas]
    assert np.array_equal(union, padded)
    if replicas == 1 or g % replicas == 0:
        assert np.array_equal(np.sort(union), np.sort(whole))


@settings(max_examples=40, deadline=None)
@given(weights, st.integers(1, 25), st.integers(1, 5), st.booleans(), st.integers(0, 2**64 - 1), st.booleans())
def test_rust_reference_literal_agree(w, g, replicas, replacement, seed, drop_last):
    if not replacement:
        g = min(g, sum(x > 0 for x in w))
    rust = _ranks(DistributedWeightedSampler, w, g, replicas, replacement, seed, 1, drop_last)
    ref = _ranks(reference.DistributedWeightedSampler, w, g, replicas, replacement, seed, 1, drop_last)
    for r in range(replicas):
        literal = _literal.distributed_weighted_literal(w, g, replicas, r, replacement, seed, 1, drop_last)
        assert rust[r].tolist() == ref[r].tolist() == literal


def test_rank_reads_are_strided_alias_draws_and_seek():
    table = fs.WeightedRandomSampler([1.0, 2.0, 0.0, 5.0], 1).__dict__["_table"]
    whole = np.asarray(table.alias_draws(7, 2, 0, 20000))
    for replicas in (1, 3, 64, 200):
        s = DistributedWeightedSampler([1.0, 2.0, 0.0, 5.0], 20000, num_replicas=replicas, rank=replicas // 2, seed=7)
        s.set_epoch(2)
        part = s.epoch_indices()
        inside = len(range(replicas // 2, 20000, replicas))
        assert np.array_equal(part[:inside], whole[replicas // 2 :: replicas])
    s = DistributedWeightedSampler(np.ones(1000), 1000, num_replicas=4, rank=2, seed=5)
    full = s.epoch_indices()
    assert np.array_equal(s.rank_indices(100, 50), full[100:150])
    assert list(s) == full.tolist()


def test_epoch_only_through_set_epoch():
    s = DistributedWeightedSampler(np.arange(1, 50.0), num_replicas=2, rank=0, seed=1)
    assert list(s) == list(s)
    first = list(s)
    s.set_epoch(1)
    assert list(s) != first


def test_from_labels():
    labels = [0] * 90 + [1] * 10
    s = DistributedWeightedSampler.from_labels(labels, num_replicas=2, rank=1, seed=3)
    assert len(s) == 50
    assert np.array_equal(s.weights, np.where(np.asarray(labels) == 0, 1 / 90, 1 / 10))


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"rank": 2}, ValueError, "Invalid rank"),
        ({"num_replicas": 0}, ValueError, "num_replicas"),
        ({"num_samples": 0}, ValueError, "num_samples"),
        ({"replacement": False, "num_samples": 4}, ValueError, "non-zero weights"),
        ({"replacement": 1}, TypeError, "replacement"),
        ({"seed": 1.5}, TypeError, "seed"),
    ],
)
def test_errors(kwargs, error, text):
    args = {"num_replicas": 2, "rank": 0, **kwargs}
    with pytest.raises(error, match=text):
        DistributedWeightedSampler([1.0, 0.0, 2.0, 3.0], **args)


def test_needs_a_process_group_or_explicit_world():
    with pytest.raises(ValueError, match="process group"):
        DistributedWeightedSampler([1.0, 2.0])


def test_stream_purposes(engine):
    assert (engine.MAIN, engine.CLASS_ORDER, engine.PK_CLASSES, engine.PK_ROWS) == (0, 1, 2, 3)
