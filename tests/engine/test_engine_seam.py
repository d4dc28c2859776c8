"""The seam between Python and the Rust core: what the binding takes and refuses, the same on both engines.

Integer arguments refuse bools (Python's and numpy's) with the same TypeError on both engines; the Rust
WeightTable takes the samplers' contiguous float64 snapshot only; the permutation names are the core's;
repeated strided offsets (stride 0 or a multiple of n) read the right values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ferrosampler._core as rust
import ferrosampler._inputs.checks
from ferrosampler._inputs.weights import torch_weights
from ferrosampler.reference import _engine as reference

ROWS, OFFSETS = [0, 1, 2, 3], [0, 1, 4]

# name -> (call on an engine with positional arguments, valid arguments, the integer arguments' names by position)
CALLS: dict[str, tuple[Callable[[Any, list[Any]], Any], list[Any], dict[int, str]]] = {
    "expand_seed": (lambda e, a: e.expand_seed(*a), [3], {0: "seed"}),
    "stream_id": (lambda e, a: e.stream_id(*a), [1, 2], {0: "purpose", 1: "epoch"}),
    "bounded": (lambda e, a: e.bounded(*a), [5, 7], {0: "x", 1: "n"}),
    "bounded128": (lambda e, a: e.bounded128(*a), [1, 2, 3], {0: "x0", 1: "x1", 2: "r"}),
    "keystream_words": (
        lambda e, a: e.keystream_words(*a),
        [1, 0, 2, 3, 4],
        {0: "seed", 1: "purpose", 2: "epoch", 3: "start", 4: "count"},
    ),
    "uniform_draws": (
        lambda e, a: e.uniform_draws(*a),
        [1, 2, 9, 3, 4, 2],
        {0: "seed", 1: "epoch", 2: "n", 3: "start", 4: "count", 5: "stride"},
    ),
    "permutation_stream": (
        lambda e, a: e.permutation_stream(*a),
        [1, 0, 2, 9, 3, 4, "feistel", 2],
        {0: "seed", 1: "purpose", 2: "epoch", 3: "n", 4: "start", 5: "count", 7: "stride"},
    ),
    "strided_permutation": (
        lambda e, a: e.strided_permutation(*a),
        [1, 2, 9, True, 3, 2, 4],
        {0: "seed", 1: "epoch", 2: "n", 4: "first", 5: "stride", 6: "count"},
    ),
    "alias_draws": (
        lambda e, a: e.WeightTable(np.array([1.0, 0.0, 2.0])).alias_draws(*a),
        [1, 2, 3, 4, 2],
        {0: "seed", 1: "epoch", 2: "start", 3: "count", 4: "stride"},
    ),
    "without_replacement": (
        lambda e, a: e.WeightTable(np.array([1.0, 0.0, 2.0])).without_replacement(*a),
        [1, 2, 2],
        {0: "seed", 1: "epoch", 2: "k"},
    ),
    "pk_draws": (
        lambda e, a: e.ClassLayout(ROWS, OFFSETS).pk_draws(*a),
        [1, 2, [1, 0], 3, 1, 4, 1],
        {0: "seed", 1: "epoch", 3: "num_val", 4: "start", 5: "count", 6: "stride"},
    ),
    "pk_batches": (
        lambda e, a: e.ClassLayout(ROWS, OFFSETS).pk_batches(*a),
        [1, 2, 2, 3, False, 5, 2, 3],
        {0: "seed", 1: "epoch", 2: "p", 3: "k", 5: "start", 6: "count", 7: "stride"},
    ),
    "m_per_class_units": (
        lambda e, a: e.ClassLayout(ROWS, OFFSETS).m_per_class_units(*a),
        [1, 2, 1, 3, 5, 2, 3],
        {0: "seed", 1: "epoch", 2: "group", 3: "m", 4: "start", 5: "count", 6: "stride"},
    ),
}
CASES = [(call, position, name) for call, (_, _, names) in CALLS.items() for position, name in names.items()]


def outcome(call: Callable[[], Any]) -> tuple[Any, Any]:
    try:
        return "returned", [int(v) for v in np.atleast_1d(call())]
    except Exception as error:
        return type(error), str(error)


@pytest.mark.parametrize("call", list(CALLS))
def test_the_valid_calls_agree(call: str) -> None:
    run, arguments, _ = CALLS[call]
    fast, slow = outcome(lambda: run(rust, arguments)), outcome(lambda: run(reference, arguments))
    assert fast == slow and fast[0] == "returned", (fast, slow)


@pytest.mark.parametrize(("call", "position", "name"), CASES, ids=[f"{c}-{n}" for c, _, n in CASES])
@pytest.mark.parametrize("flag", [True, False, np.True_, np.False_], ids=["True", "False", "np.True_", "np.False_"])
def test_integer_arguments_refuse_bools_on_both_engines(call: str, position: int, name: str, flag: Any) -> None:
    run, arguments, _ = CALLS[call]
    arguments = [*arguments[:position], flag, *arguments[position + 1 :]]
    fast, slow = outcome(lambda: run(rust, arguments)), outcome(lambda: run(reference, arguments))
    assert fast == slow
    assert fast[0] is TypeError and fast[1] == f"{name} must be an integer, got bool: {flag!r}"


@pytest.mark.parametrize("flag", [True, 1, np.True_, "yes"])
def test_flags_are_read_as_python_reads_them(flag: Any) -> None:
    """shuffle and replacement are flags, not integers: any truthy value is True on both engines."""
    fast = rust.strided_permutation(5, 0, 300, flag, 1, 3, 20).tolist()
    assert fast == reference.strided_permutation(5, 0, 300, flag, 1, 3, 20)
    assert fast != list(range(1, 60, 3))
    batches = rust.ClassLayout(ROWS, OFFSETS).pk_batches(1, 0, 2, 2, flag, 0, 3).tolist()
    assert batches == reference.ClassLayout(ROWS, OFFSETS).pk_batches(1, 0, 2, 2, flag, 0, 3)


@pytest.mark.parametrize("permutation", rust.PERMUTATIONS)
@pytest.mark.parametrize(("n", "first", "stride"), [(158, 18, 0), (158, 18, 158 * 3), (300, 7, 300), (1000, 999, 0)])
def test_repeated_offsets_read_their_value(permutation: str, n: int, first: int, stride: int) -> None:
    """Stride 0 or a multiple of n reads one offset again and again: more than a lane of walkers that the
    Feistel lane engine once left unfinished (values >= n) when they all survived a pass."""
    for seed in range(100):
        out = rust.strided_permutation(seed, 4, n, np.True_, first, stride, 1237, permutation)
        (value,) = reference.strided_permutation(seed, 4, n, True, first, stride, 1, permutation)
        assert out.tolist() == [value] * 1237, (seed, sorted(set(out.tolist()))[:5])


@pytest.mark.parametrize(
    "weights",
    [
        [1.0, 2.0],
        (1.0, 2.0),
        iter([1.0, 2.0]),
        np.array([1, 2]),
        np.array([1.0, 2.0], dtype=np.float32),
        np.ones(4)[::2],
        np.ones((2, 2)),
        np.array(2.0),
        3.0,
        None,
    ],
    ids=["list", "tuple", "iterator", "int64", "float32", "non-contiguous", "2-D", "0-d", "float", "None"],
)
def test_the_rust_weight_table_takes_a_contiguous_float64_array_only(weights: Any) -> None:
    """The Python side converts (the samplers' snapshot, ``ferrosampler._inputs.weights``); the binding neither
    converts nor calls back into Python."""
    with pytest.raises(TypeError, match=r"^weights must be a contiguous 1-D float64 array, got "):
        rust.WeightTable(weights)


def test_the_samplers_snapshot_is_what_the_rust_table_takes() -> None:
    for weights in ([1.0, 0.0, 2.5], np.array([1, 0, 3], dtype=np.uint8), np.arange(8.0)[::-2]):
        snapshot = torch_weights(weights)
        assert snapshot.dtype == np.float64 and snapshot.ndim == 1 and snapshot.flags.c_contiguous
        expected = reference.WeightTable(weights).integer_weights()
        assert rust.WeightTable(snapshot).integer_weights().tolist() == expected


def test_the_permutation_names_are_the_cores() -> None:
    assert rust.PERMUTATIONS == ("feistel", "fisher-yates")
    assert ferrosampler._inputs.checks.PERMUTATIONS is rust.PERMUTATIONS
    assert reference.PERMUTATIONS is rust.PERMUTATIONS
    for name in (*rust.PERMUTATIONS, None):
        assert rust.permutation_stream(1, 0, 0, 9, 0, 9, name).tolist() == reference.permutation_stream(
            1, 0, 0, 9, 0, 9, name
        )
