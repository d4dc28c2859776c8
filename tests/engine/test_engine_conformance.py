"""Rust == reference, bit for bit, for every engine function, over hypothesis-chosen seeds,
epochs, sizes and parameters (the torch-compatible samplers: tests/torch/test_torch_conformance.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler._core as rust
from ferrosampler.reference import _engine as reference

seeds = st.integers(0, 2**64 - 1)
epochs = st.one_of(st.integers(0, 10), st.integers(0, 2**56 - 1))
# 0, 1, 2^k ± 1 and anything small; the pure-Python ChaCha keeps examples small.
sizes = st.one_of(st.sampled_from([1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65]), st.integers(1, 120))
weights = st.lists(
    st.one_of(
        st.just(0.0),
        st.floats(0, 1e6, allow_nan=False),
        st.floats(1e-300, 1e-250),
        st.sampled_from([5e-324, 1e300, 2.0**-1074, 1.0]),
    ),
    min_size=1,
    max_size=60,
).filter(lambda ws: any(w > 0 for w in ws))


def same(a, b) -> None:
    assert [int(x) for x in a] == [int(x) for x in b]


@settings(max_examples=300, deadline=None)
@given(seeds, epochs, st.integers(1, 2**40), st.integers(0, 2**40), st.integers(0, 64))
def test_uniform_draws(seed, epoch, n, start, count):
    same(rust.uniform_draws(seed, epoch, n, start, count), reference.uniform_draws(seed, epoch, n, start, count))


@settings(max_examples=300, deadline=None)
@given(seeds, st.sampled_from([0, 1]), epochs, sizes, st.integers(0, 300), st.integers(0, 150))
def test_permutation_stream(seed, purpose, epoch, n, start, count):
    same(
        rust.permutation_stream(seed, purpose, epoch, n, start, count),
        reference.permutation_stream(seed, purpose, epoch, n, start, count),
    )


@settings(max_examples=200, deadline=None)
@given(seeds, epochs, sizes, st.booleans(), st.integers(0, 2**64 - 1), st.integers(1, 2**64 - 1), st.integers(0, 40))
def test_strided_permutation(seed, epoch, n, shuffle, first, stride, count):
    same(
        rust.strided_permutation(seed, epoch, n, shuffle, first, stride, count),
        reference.strided_permutation(seed, epoch, n, shuffle, first, stride, count),
    )


@settings(max_examples=300, deadline=None)
@given(weights, seeds, epochs, st.integers(0, 2**40), st.integers(0, 40))
def test_weight_tables(ws, seed, epoch, start, count):
    array = np.array(ws, dtype=np.float64)
    fast, slow = rust.WeightTable(array), reference.WeightTable(ws)
    same(fast.integer_weights(), slow.integer_weights())
    for a, b in zip(fast.alias_table(), slow.alias_table(), strict=False):
        same(a, b)
    same(fast.alias_draws(seed, epoch, start, count), slow.alias_draws(seed, epoch, start, count))
    k = min(fast.nonzero, count)
    same(fast.without_replacement(seed, epoch, k), slow.without_replacement(seed, epoch, k))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=8), seeds, epochs, st.integers(1, 4), st.data())
def test_pk_draws(class_sizes, seed, epoch, num_val, data):
    offsets = np.cumsum([0, *class_sizes]).astype(np.int64)
    rows = np.arange(offsets[-1], dtype=np.int64) * 3
    order = np.array(data.draw(st.permutations(range(len(class_sizes)))), dtype=np.int64)
    total = num_val * len(class_sizes)
    start = data.draw(st.integers(0, total))
    count = data.draw(st.integers(0, total - start))
    same(
        rust.pk_draws(seed, epoch, rows, offsets, order, num_val, start, count),
        reference.pk_draws(seed, epoch, rows.tolist(), offsets.tolist(), order.tolist(), num_val, start, count),
    )
