"""The inverse permutation (spec §25) on both engines: golden vectors, inverse(forward(p)) == p around powers of
two and at random positions up to 2**63, the thread rule, refusals, and Rust == reference (hypothesis)."""

from __future__ import annotations

import json
import pathlib
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler._core as rust
from ferrosampler.reference import _engine as reference

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "golden" / "vectors-provenance.json").read_text())
PERMUTATIONS = ("feistel", "fisher-yates")


def as_list(values) -> list[int]:
    return [int(v) for v in values]


def around_powers_of_two(ks) -> list[int]:
    return sorted({m for k in ks for m in (2**k - 1, 2**k, 2**k + 1) if m >= 1})


def test_golden_vectors(engine) -> None:
    assert GOLDEN["spec_version"] == 2  # written under v2; v3 changed none of its outputs
    for c in GOLDEN["inverse_permutation"]:
        args = (c["seed"], c["purpose"], c["epoch"], c["n"], c["block"], c["values"])
        assert as_list(engine.inverse_permutation(*args, permutation=c["permutation"])) == c["offsets"]


def test_golden_offsets_map_forward_to_their_values() -> None:
    # Independent of the inverse: the forward stream at position block·n + offset holds the value.
    for c in GOLDEN["inverse_permutation"]:
        n, block = c["n"], c["block"]
        for value, offset in list(zip(c["values"], c["offsets"], strict=True))[:40]:
            position = block * n + offset
            if position + 1 < 2**64:  # a stream position (spec §2)
                out = rust.permutation_stream(c["seed"], c["purpose"], c["epoch"], n, position, 1, c["permutation"])
                assert int(out[0]) == value


def assert_round_trip(engine, n: int, seed: int, block: int, permutation: str) -> None:
    forward = engine.permutation_stream(seed, 1, 3, n, block * n, n, permutation)
    offsets = engine.inverse_permutation(seed, 1, 3, n, block, forward, permutation)
    assert as_list(offsets) == list(range(n)), (n, permutation)


@pytest.mark.parametrize("permutation", PERMUTATIONS)
@pytest.mark.parametrize("n", around_powers_of_two(range(17)))
def test_inverse_of_forward_is_every_offset(n: int, permutation: str) -> None:
    assert_round_trip(rust, n, seed=n * 7919, block=n % 3, permutation=permutation)


@pytest.mark.parametrize("n", around_powers_of_two(range(11)))
def test_reference_inverse_of_forward_is_every_offset(n: int) -> None:
    for permutation in PERMUTATIONS:
        assert_round_trip(reference, n, seed=n, block=1, permutation=permutation)


@pytest.mark.slow
@pytest.mark.parametrize("n", around_powers_of_two(range(17, 24)))
def test_inverse_of_forward_is_every_offset_slow(n: int) -> None:
    assert_round_trip(rust, n, seed=n, block=2, permutation="feistel")


@pytest.mark.slow
@pytest.mark.parametrize("n", around_powers_of_two(range(11, 15)))
def test_reference_inverse_of_forward_is_every_offset_slow(n: int) -> None:
    assert_round_trip(reference, n, seed=n, block=0, permutation="feistel")


@pytest.mark.parametrize("n", [2**32 - 1, 2**32 + 1, 2**40 - 1, 2**40, 2**40 + 1, 2**63 - 1, 2**63])
def test_random_positions_of_huge_populations(engine, n: int) -> None:
    rng = random.Random(n)
    for _ in range(20 if engine is reference else 400):
        offset, seed = rng.randrange(n), rng.getrandbits(64)
        block = rng.randrange(min(4, (2**64 - 2 - offset) // n + 1))  # position block·n + offset is a stream position
        value = int(rust.permutation_stream(seed, 0, 5, n, block * n + offset, 1)[0])
        assert as_list(engine.inverse_permutation(seed, 0, 5, n, block, [value])) == [offset]


def test_many_values_in_one_call_equal_one_call_each() -> None:
    values = rust.permutation_stream(4, 0, 0, 10**6, 0, 10**6)[::997]
    batch = as_list(rust.inverse_permutation(4, 0, 0, 10**6, 0, values))
    assert batch == [int(rust.inverse_permutation(4, 0, 0, 10**6, 0, [v])[0]) for v in values[:50]] + batch[50:]
    assert batch == list(range(0, 10**6, 997))


def test_fisher_yates_inverse_is_the_block_argsort() -> None:
    n = 5000
    block = rust.permutation_stream(8, 0, 2, n, 3 * n, n, "fisher-yates")
    values = np.arange(n, dtype=np.int64)
    assert np.array_equal(rust.inverse_permutation(8, 0, 2, n, 3, values, "fisher-yates"), np.argsort(block))


def test_thread_rule_output_is_the_same_at_every_thread_count_and_chunk() -> None:
    n = 2**33 + 7
    values = np.array([(k * 0x9E3779B97F4A7C15) % n for k in range(70_000)], dtype=np.int64)
    before = rust.get_num_threads()
    outputs = []
    try:
        for threads, chunk in [(1, 1 << 15), (2, 1 << 15), (3, 1), (2, 4097)]:
            rust.set_num_threads(threads)
            rust._set_min_chunk(chunk)
            outputs.append(rust.inverse_permutation(1, 0, 0, n, 0, values))
    finally:
        rust.set_num_threads(before)
        rust._set_min_chunk(1 << 15)
    assert all(np.array_equal(outputs[0], out) for out in outputs)
    assert as_list(rust.permutation_stream(1, 0, 0, n, int(outputs[0][5]), 1)) == [int(values[5])]


def test_accepts_lists_tuples_and_integer_arrays_alike() -> None:
    values = [5, 0, 77, 5]
    expected = as_list(rust.inverse_permutation(2, 0, 0, 300, 1, values))
    for form in (tuple(values), np.array(values, dtype=np.int64), np.array(values, dtype=np.uint16)):
        assert as_list(rust.inverse_permutation(2, 0, 0, 300, 1, form)) == expected
    assert as_list(rust.inverse_permutation(2, 0, 0, 300, 1, np.array(values, dtype=np.int64)[::2])) == expected[::2]
    assert as_list(rust.inverse_permutation(2, 0, 0, 0, 0, [])) == []


REFUSED = [
    ((-1, 0, 0, 10, 0, [1]), ValueError, "seed must be in [0, 2**64), got seed=-1"),
    ((0, 256, 0, 10, 0, [1]), ValueError, "purpose must be in [0, 256), got purpose=256"),
    ((0, 0, 2**56, 10, 0, [1]), ValueError, "epoch must be in [0, 2**56), got epoch=72057594037927936"),
    ((0, 0, 0, 2**63 + 1, 0, [1]), ValueError, "n must be in [0, 2**63 + 1), got n=9223372036854775809"),
    ((0, 0, 0, 10, -1, [1]), ValueError, "block must be in [0, 2**64), got block=-1"),
    ((0, 0, 0, 10, 0, 5), TypeError, "values"),
    ((0, 0, 0, 10, 0, [1.5]), TypeError, "values"),
    ((0, 0, 0, 0, 0, [0]), ValueError, "n must be >= 1 when count > 0, got n=0"),
    ((0, 0, 0, 2**63, 2, [1]), ValueError, "block * n must be < 2**64, got block=2, n=9223372036854775808"),
    ((0, 0, 0, 10, 0, [3, 10]), ValueError, "values[1] must be in [0, 10), got 10"),
    ((0, 0, 0, 10, 0, [-1]), ValueError, "values[0] must be in [0, 10), got -1"),
    ((0, 0, 0, 10, 0, [2**70]), ValueError, f"values[0] must be in [0, 10), got {2**70}"),
]


@pytest.mark.parametrize(("args", "error", "message"), REFUSED)
def test_refusals_name_the_argument(engine, args, error, message) -> None:
    with pytest.raises(error, match=re.escape(message)):
        engine.inverse_permutation(*args)
    with pytest.raises(ValueError, match="permutation must be one of"):
        engine.inverse_permutation(0, 0, 0, 10, 0, [1], "sattolo")


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**64 - 1),
    purpose=st.integers(0, 255),
    epoch=st.integers(0, 2**56 - 1),
    n=st.one_of(st.integers(1, 600), st.integers(1, 2**63)),
    block=st.integers(0, 50),
    picks=st.lists(st.integers(0, 2**63), max_size=12),
    permutation=st.sampled_from(PERMUTATIONS),
)
def test_rust_equals_reference(seed, purpose, epoch, n, block, picks, permutation) -> None:
    if permutation == "fisher-yates":
        n = n % 600 + 1  # the block is computed whole
    block = block if block * n < 2**64 else 0
    values = [pick % n for pick in picks]
    args = (seed, purpose, epoch, n, block, values, permutation)
    assert as_list(rust.inverse_permutation(*args)) == reference.inverse_permutation(*args)
