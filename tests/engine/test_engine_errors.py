"""Both engines refuse the same bad arguments with the same exception and message, and the
Rust one never panics, aborts or returns a wrong-signed index."""

from __future__ import annotations

import numpy as np
import pytest

import ferrosampler._core as rust
from ferrosampler._inputs.weights import torch_weights
from ferrosampler.reference import _engine as reference

ROWS, OFFSETS, ORDER = [0, 1, 2, 3], [0, 1, 4], [1, 0]

BAD_CALLS = {
    "negative seed": lambda e: e.uniform_draws(-1, 0, 5, 0, 3),
    "seed 2**64": lambda e: e.uniform_draws(2**64, 0, 5, 0, 3),
    "float seed": lambda e: e.uniform_draws(1.5, 0, 5, 0, 3),
    "str epoch": lambda e: e.uniform_draws(1, "0", 5, 0, 3),
    "epoch 2**56": lambda e: e.permutation_stream(1, 0, 2**56, 5, 0, 3),
    "purpose 256": lambda e: e.permutation_stream(1, 256, 0, 5, 0, 3),
    "n 0": lambda e: e.uniform_draws(1, 0, 0, 0, 3),
    "n above 2**63": lambda e: e.uniform_draws(1, 0, 2**63 + 1, 0, 3),
    "n huge": lambda e: e.permutation_stream(1, 0, 0, 2**200, 0, 1),
    "end past 2**64": lambda e: e.uniform_draws(1, 0, 5, 2**64 - 2, 3),
    "alias end past 2**64": lambda e: e.WeightTable(np.array([1.0, 2.0])).alias_draws(1, 0, 2**64 - 1, 1),
    "permutation end past 2**64": lambda e: e.permutation_stream(1, 0, 0, 5, 2**64 - 1, 2),
    "keystream end past 2**64": lambda e: e.keystream_words(1, 0, 0, 2**64 - 1, 1),
    "negative count": lambda e: e.uniform_draws(1, 0, 5, 0, -1),
    "strided n 0": lambda e: e.strided_permutation(1, 0, 0, True, 0, 1, 2),
    "strided negative first": lambda e: e.strided_permutation(1, 0, 5, True, -1, 1, 2),
    "bounded n 0": lambda e: e.bounded(5, 0),
    "bounded n 2**64 + 1": lambda e: e.bounded(5, 2**64 + 1),
    "bounded128 r 0": lambda e: e.bounded128(1, 2, 0),
    "k too large": lambda e: e.WeightTable(np.array([1.0, 0.0])).without_replacement(0, 0, 2),
    "k too large, sequential": lambda e: e.WeightTable(np.array([1.0, 0.0])).without_replacement(0, 0, 2, "sequential"),
    "unknown algorithm": lambda e: e.WeightTable(np.array([1.0, 0.0])).without_replacement(0, 0, 1, "exact"),
    "algorithm not a str": lambda e: e.WeightTable(np.array([1.0, 0.0])).without_replacement(0, 0, 1, 1),
    "nan weight": lambda e: e.WeightTable(np.array([1.0, np.nan])),
    "tiny negative weight": lambda e: e.WeightTable(np.array([1.0, -1e-300])),
    "huge negative weight": lambda e: e.WeightTable(np.array([-1.5e20])),
    "all zero weights": lambda e: e.WeightTable(np.array([0.0, 0.0])),
    "no weights": lambda e: e.WeightTable(np.array([], dtype=np.float64)),
    "pk no classes": lambda e: e.ClassLayout([], [0]).pk_draws(0, 0, [], 1, 0, 0),
    "pk offsets start": lambda e: e.ClassLayout(ROWS, [1, 4]).pk_draws(0, 0, [0], 1, 0, 1),
    "pk offsets end": lambda e: e.ClassLayout(ROWS, [0, 3]).pk_draws(0, 0, [0], 1, 0, 1),
    "pk empty class": lambda e: e.ClassLayout(ROWS, [0, 0, 4]).pk_draws(0, 0, [0], 1, 0, 1),
    "pk class order": lambda e: e.ClassLayout(ROWS, OFFSETS).pk_draws(0, 0, [2], 1, 0, 1),
    "pk past the end": lambda e: e.ClassLayout(ROWS, OFFSETS).pk_draws(0, 0, ORDER, 2, 3, 2),
    "pk past the end, empty": lambda e: e.ClassLayout(ROWS, OFFSETS).pk_draws(0, 0, ORDER, 2, 5, 0),
    "pk num_val 0": lambda e: e.ClassLayout(ROWS, OFFSETS).pk_draws(0, 0, ORDER, 0, 0, 1),
}


def outcome(call, engine):
    try:
        result = call(engine)
    except Exception as error:
        return type(error), str(error)
    return "returned", [int(v) for v in np.atleast_1d(result)]


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_same_error_from_both_engines(name: str) -> None:
    fast, slow = outcome(BAD_CALLS[name], rust), outcome(BAD_CALLS[name], reference)
    assert fast == slow
    assert fast[0] in (ValueError, TypeError), fast


@pytest.mark.parametrize(
    "call",
    [
        lambda e: e.uniform_draws(1, 0, 2**63, 0, 50),
        lambda e: e.uniform_draws(2**64 - 1, 2**56 - 1, 2**63 - 1, 2**64 - 51, 50),
        lambda e: e.strided_permutation(1, 0, 2**63, False, 2**63 - 1, 2**62, 5),
        lambda e: e.permutation_stream(1, 0, 3, 2**63, 2**63, 19),
        lambda e: e.strided_permutation(7, 0, 2**40, True, 5, 7, 6),
        lambda e: e.bounded(2**64 - 1, 2**64),
    ],
    ids=[
        "n=2^63",
        "end of positions",
        "strided identity near 2^63",
        "sparse prefix of block 1 at 2^63",
        "sparse strided",
        "bounded 2^64",
    ],
)
def test_extreme_but_valid_arguments_agree(call) -> None:
    fast, slow = outcome(call, rust), outcome(call, reference)
    assert fast == slow and fast[0] == "returned"
    assert all(v >= 0 for v in fast[1])


def test_arrays_of_any_layout_are_accepted() -> None:
    weights = np.arange(1.0, 21.0)[::2]  # non-contiguous view
    # The samplers' snapshot makes the contiguous float64 array the Rust table takes.
    snapshot = torch_weights(weights)
    assert rust.WeightTable(snapshot).integer_weights().tolist() == reference.WeightTable(weights).integer_weights()
    assert rust.WeightTable(torch_weights(weights.astype(np.float32))).n == 10
    rows = np.arange(8, dtype=np.int32)[::2]
    out = rust.ClassLayout(rows, np.array([0, 2, 4], dtype=np.int16)).pk_draws(0, 0, [1, 0], 1, 0, 2)
    assert out.tolist() == reference.ClassLayout(rows.tolist(), [0, 2, 4]).pk_draws(0, 0, [1, 0], 1, 0, 2)
    with pytest.raises(TypeError, match="rows must be a 1-D sequence of integers"):
        rust.ClassLayout([0.5, 1.5], [0, 2])
    for other in (weights, weights.astype(np.float32), ["a"], [1.0, 2.0]):
        with pytest.raises(TypeError, match="weights must be a contiguous 1-D float64 array"):
            rust.WeightTable(other)


def test_weight_tables_pickle_and_deepcopy(engine) -> None:
    import copy
    import pickle

    table = engine.WeightTable(np.array([0.5, 0.0, 2.0, 1e-9]))
    for clone in (pickle.loads(pickle.dumps(table)), copy.deepcopy(table)):
        assert [int(q) for q in clone.integer_weights()] == [int(q) for q in table.integer_weights()]
        assert [int(i) for i in clone.alias_draws(3, 1, 0, 50)] == [int(i) for i in table.alias_draws(3, 1, 0, 50)]


def test_integer_weights_are_checked_when_a_table_is_rebuilt() -> None:
    with pytest.raises(ValueError, match="summing to len \\* 2\\*\\*32"):
        rust.WeightTable._from_integer_weights([1, 2])
    fast, slow = (
        outcome(lambda _: rust.WeightTable._from_integer_weights([1, 2]), None),
        outcome(lambda _: reference.WeightTable.from_integer_weights([1, 2]), None),
    )
    assert fast == slow
