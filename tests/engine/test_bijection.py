"""The Feistel bijection (spec §5.2–§5.3) is a permutation of [0, n) at every n, and the thread rule
(spec §12): outputs identical at every thread count and chunk size."""

from __future__ import annotations

import random

import numpy as np
import pytest

import ferrosampler._core as rust
from ferrosampler.reference import _engine as reference


def assert_bijection(n: int, seed: int) -> None:
    out = rust.permutation_stream(seed, 0, 1, n, 0, n)
    assert np.array_equal(np.sort(out), np.arange(n, dtype=np.int64)), n


def around_powers_of_two(ks) -> list[int]:
    return sorted({m for k in ks for m in (2**k - 1, 2**k, 2**k + 1) if m >= 1})


@pytest.mark.parametrize("n", around_powers_of_two(range(17)))
def test_bijection_around_powers_of_two(n: int) -> None:
    assert_bijection(n, seed=n * 7919)


@pytest.mark.slow
@pytest.mark.parametrize("n", around_powers_of_two(range(17, 25)))
def test_bijection_around_powers_of_two_slow(n: int) -> None:
    assert_bijection(n, seed=n)


def test_bijection_random_n() -> None:
    rng = random.Random(7)
    for _ in range(25):
        assert_bijection(rng.randrange(1, 300_000), rng.getrandbits(64))


@pytest.mark.parametrize("n", [2**32 + 1, 2**40 + 1, 2**63 - 1, 2**63])
def test_huge_n_sampled_offsets(n: int) -> None:
    rng = random.Random(n)
    offsets = sorted({rng.randrange(n) for _ in range(3000)} | {0, 1, n - 1})
    values = [int(rust.permutation_stream(3, 0, 0, n, offset, 1)[0]) for offset in offsets]
    assert all(0 <= v < n for v in values)
    assert len(set(values)) == len(offsets)
    bijection = reference.Bijection.for_block(3, 0, 0, n, 0)
    sample = offsets[::100]
    assert [bijection.apply(o) for o in sample] == [values[offsets.index(o)] for o in sample]
    assert [bijection.inverse(values[offsets.index(o)]) for o in sample] == sample


def test_fisher_yates_is_spec_v1_and_small_n_is_unchanged() -> None:
    for n in (1, 7, 128):
        assert np.array_equal(
            rust.permutation_stream(5, 0, 2, n, 3, 4 * n), rust.permutation_stream(5, 0, 2, n, 3, 4 * n, "fisher-yates")
        )
    assert not np.array_equal(
        rust.permutation_stream(5, 0, 2, 129, 0, 129), rust.permutation_stream(5, 0, 2, 129, 0, 129, "fisher-yates")
    )


def calls():
    table = rust.WeightTable(np.array([1.0, 2.0, 0.0, 3.0, 0.5]))
    layout = rust.ClassLayout(np.arange(20, dtype=np.int64), np.array([0, 3, 10, 20], dtype=np.int64))
    order = np.array([2, 0, 1, 1, 2], dtype=np.int64)
    return [
        lambda: rust.permutation_stream(3, 0, 1, 1000, 17, 5000),
        lambda: rust.permutation_stream(3, 0, 1, 77, 5, 3000, stride=13),
        lambda: rust.permutation_stream(3, 0, 1, 2**40 + 1, 5, 3000, stride=2**30),
        lambda: rust.strided_permutation(3, 1, 100_003, True, 3, 8, 4000),
        lambda: rust.strided_permutation(3, 1, 100_003, False, 3, 8, 4000),
        lambda: rust.uniform_draws(3, 1, 1000, 9, 4000, stride=3),
        lambda: table.alias_draws(3, 1, 9, 4000),
        lambda: table.alias_draws(3, 1, 9, 4000, stride=100),
        lambda: layout.pk_draws(3, 1, order, 1000, 11, 1000, stride=4),
    ]


def test_outputs_identical_at_every_thread_count_and_chunk_size() -> None:
    before = rust.get_num_threads()
    try:
        rust.set_num_threads(1)
        rust._set_min_chunk(2**40)
        serial = [call() for call in calls()]
        for threads in (1, 2, 3, 4):
            rust.set_num_threads(threads)
            assert rust.get_num_threads() == threads
            for chunk in (1, 7, 333, 1001):
                rust._set_min_chunk(chunk)
                for expected, call in zip(serial, calls(), strict=True):
                    assert np.array_equal(call(), expected), (threads, chunk)
    finally:
        rust.set_num_threads(before)
        rust._set_min_chunk(2**16)  # the default


@pytest.mark.parametrize("engine_", [rust, reference], ids=["rust", "reference"])
def test_thread_setting_is_validated(engine_) -> None:
    for bad in (0, -1, 2**16):
        with pytest.raises(ValueError, match=r"n must be in \[1, 65536\)"):
            engine_.set_num_threads(bad)
    with pytest.raises(TypeError):
        engine_.set_num_threads(1.5)
    assert engine_.get_num_threads() >= 1
