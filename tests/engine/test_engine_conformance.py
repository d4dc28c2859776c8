"""Rust == reference, bit for bit, for every engine function, over hypothesis-chosen seeds,
epochs, sizes and parameters (the torch-compatible samplers: tests/torch/test_torch_conformance.py)."""

from __future__ import annotations

import numpy as np
import pytest
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
    same(fast.without_replacement(seed, epoch, k, "sequential"), slow.without_replacement(seed, epoch, k, "sequential"))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 1.0, 0.5, 3.0, 1e-300, 2.5e10]), min_size=1, max_size=400).filter(any),
    seeds,
    epochs,
    st.data(),
)
def test_weighted_keys(ws, seed, epoch, data):
    # §8.2 over populations that reach both selections of the Rust core (32·k ≤ n keeps per-part heaps).
    fast, slow = rust.WeightTable(np.array(ws, dtype=np.float64)), reference.WeightTable(ws)
    k = data.draw(st.integers(0, fast.nonzero))
    same(fast.without_replacement(seed, epoch, k, "keys"), slow.without_replacement(seed, epoch, k, "keys"))


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
        rust.ClassLayout(rows, offsets).pk_draws(seed, epoch, order, num_val, start, count),
        reference.ClassLayout(rows.tolist(), offsets.tolist()).pk_draws(
            seed, epoch, order.tolist(), num_val, start, count
        ),
    )


permutations = st.sampled_from(["feistel", "fisher-yates"])
# Feistel sizes: the table (<= 128), just above it, awkward widths and huge n.
feistel_sizes = st.one_of(
    sizes, st.sampled_from([128, 129, 255, 256, 257, 1000, 2**20 + 1, 2**40 + 1, 2**63]), st.integers(129, 5000)
)


@settings(max_examples=200, deadline=None)
@given(
    seeds,
    st.sampled_from([0, 1]),
    epochs,
    feistel_sizes,
    st.integers(0, 2**40),
    st.integers(0, 60),
    permutations,
    st.one_of(st.just(1), st.integers(1, 50), st.integers(1, 2**40)),
)
def test_permutation_stream_v2(seed, purpose, epoch, n, start, count, permutation, stride):
    if permutation == "fisher-yates" and n > 5000:
        n = n % 5000 + 1  # Fisher–Yates is O(n) per block in the reference
    same(
        rust.permutation_stream(seed, purpose, epoch, n, start, count, permutation, stride),
        reference.permutation_stream(seed, purpose, epoch, n, start, count, permutation=permutation, stride=stride),
    )


@settings(max_examples=200, deadline=None)
@given(
    seeds,
    epochs,
    feistel_sizes,
    st.booleans(),
    st.integers(0, 2**64 - 1),
    st.integers(0, 2**64 - 1),
    st.integers(0, 40),
)
def test_strided_permutation_feistel(seed, epoch, n, shuffle, first, stride, count):
    same(
        rust.strided_permutation(seed, epoch, n, shuffle, first, stride, count),
        reference.strided_permutation(seed, epoch, n, shuffle, first, stride, count, permutation="feistel"),
    )


@settings(max_examples=200, deadline=None)
@given(seeds, epochs, st.integers(1, 2**63), st.integers(0, 2**40), st.integers(0, 40), st.integers(1, 2**40))
def test_uniform_and_alias_strided(seed, epoch, n, start, count, stride):
    same(
        rust.uniform_draws(seed, epoch, n, start, count, stride),
        reference.uniform_draws(seed, epoch, n, start, count, stride),
    )
    ws = [1.0, 0.0, 2.5, 1e-3, 7.0]
    same(
        rust.WeightTable(np.array(ws)).alias_draws(seed, epoch, start, count, stride),
        reference.WeightTable(ws).alias_draws(seed, epoch, start, count, stride),
    )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=8), seeds, epochs, st.integers(1, 4), st.integers(1, 5), st.data()
)
def test_pk_draws_strided(class_sizes, seed, epoch, num_val, stride, data):
    offsets = np.cumsum([0, *class_sizes]).astype(np.int64)
    rows = np.arange(offsets[-1], dtype=np.int64) * 3
    order = np.array(data.draw(st.permutations(range(len(class_sizes)))), dtype=np.int64)
    total = num_val * len(class_sizes)
    start = data.draw(st.integers(0, total - 1))
    count = data.draw(st.integers(0, (total - 1 - start) // stride + 1))
    same(
        rust.ClassLayout(rows, offsets).pk_draws(seed, epoch, order, num_val, start, count, stride),
        reference.ClassLayout(rows.tolist(), offsets.tolist()).pk_draws(
            seed, epoch, order.tolist(), num_val, start, count, stride
        ),
    )


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(st.text(max_size=12), st.integers(), st.none(), st.sampled_from(["Feistel", "fisher_yates", ""])),
    st.integers(-2, 2**64 + 1),
)
def test_bad_arguments_same_errors(permutation, stride):
    def outcome(call):
        try:
            return [int(v) for v in call()]
        except (ValueError, TypeError) as error:
            return type(error), str(error)

    assert outcome(lambda: rust.permutation_stream(1, 0, 0, 300, 2, 3, permutation)) == outcome(
        lambda: reference.permutation_stream(1, 0, 0, 300, 2, 3, permutation)
    )
    assert outcome(lambda: rust.uniform_draws(1, 0, 300, 2, 3, stride)) == outcome(
        lambda: reference.uniform_draws(1, 0, 300, 2, 3, stride)
    )


@pytest.mark.thread_unsafe  # the engine's thread count and chunk size
@pytest.mark.parametrize("n", [5_000, 20_000])
def test_weighted_keys_large_on_any_threads(n):
    # Past the small sort: the per-part heaps (32·k ≤ n) and the bucket sort, on 1 to 3 threads and tiny chunks.
    ws = [0.0 if i % 11 == 0 else float(1 + (i * 7919) % 97) * (1e-6 if i % 13 == 0 else 1.0) for i in range(n)]
    slow = reference.WeightTable(ws)
    table = rust.WeightTable(np.array(ws, dtype=np.float64))
    ks = [1, 7, n // 64, n // 32, n // 32 + 1, n // 3, slow.nonzero]
    expected = {k: slow.without_replacement(99, 5, k, "keys") for k in ks}
    before = rust.get_num_threads()
    try:
        for threads, chunk in [(1, 2**15), (2, 1), (3, 7), (2, 2**15)]:
            rust.set_num_threads(threads)
            rust._set_min_chunk(chunk)
            for k in ks:
                same(table.without_replacement(99, 5, k, "keys"), expected[k])
    finally:
        rust.set_num_threads(before)
        rust._set_min_chunk(2**16)  # the default
