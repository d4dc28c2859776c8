"""The engine unit of spec §19.4/§20 — ``ClassLayout.pk_batches`` and ``ClassLayout.m_per_class_units`` —
on both engines: the golden vectors (from the reference), the forwards definition of ``reference._literal``,
Rust == reference under hypothesis, the errors, and one layout shared by calls, threads and copies."""

from __future__ import annotations

import copy
import json
import pathlib
import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler._core as rust
from ferrosampler._inputs.labels import class_labels
from ferrosampler._samplers._class_slots import ClassSlots
from ferrosampler.reference import _engine as reference
from ferrosampler.reference import _literal

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "golden" / "vectors-toolkit.json").read_text("utf-8"))
LAYOUTS = GOLDEN["engine_layouts"]


def _layout(engine, case):
    layout = LAYOUTS[case["layout"]]
    rows, offsets = np.asarray(layout["rows"], dtype=np.int64), np.asarray(layout["offsets"], dtype=np.int64)
    return engine.ClassLayout(rows, offsets)


def _span(case):
    return case["start"], case["count"], case["stride"]


def test_pk_batches_golden(engine):
    assert len(GOLDEN["pk_batches_engine"]) >= 40
    for c in GOLDEN["pk_batches_engine"]:
        layout = _layout(engine, c)
        out = layout.pk_batches(c["seed"], c["epoch"], c["p"], c["k"], c["replacement"], *_span(c))
        assert [int(v) for v in out] == c["out"], c


def test_m_per_class_units_golden(engine):
    assert len(GOLDEN["m_per_class_units"]) >= 16
    for c in GOLDEN["m_per_class_units"]:
        layout = _layout(engine, c)
        out = layout.m_per_class_units(c["seed"], c["epoch"], c["group"], c["m"], *_span(c))
        assert [int(v) for v in out] == c["out"], c


def _literal_pk(seed, epoch, rows, offsets, p, k, replacement, start, count, stride):
    """§19 written forwards (reference._literal): the slots from block 0, then each slot's rows."""
    last = start + (count - 1) * stride
    slots = _literal.balanced_slots_literal(seed, epoch, len(offsets) - 1, p, (last + 1) * p)
    out = []
    for b in range(start, last + 1, stride):
        for j in range(b * p, b * p + p):
            out += _literal._slot_rows_literal(seed, epoch, rows, offsets, slots[j], j, k, replacement)
    return out


def _literal_units(seed, epoch, rows, offsets, group, m, start, count, stride):
    out = []
    for u in range(start, start + count * stride, stride):
        block = _literal._raw_block(seed, epoch, len(offsets) - 1, u)[:group]
        for i, c in enumerate(block):
            out += _literal._slot_rows_literal(seed, epoch, rows, offsets, c, u * group + i, m, False)
    return out


@pytest.mark.parametrize("kind", ["pk_batches_engine", "m_per_class_units"])
def test_golden_vectors_are_the_forwards_definition(kind):
    """The golden values, recomputed by the spec's forwards oracle (no seeking, no head cache)."""
    for c in GOLDEN[kind]:
        layout = LAYOUTS[c["layout"]]
        rows, offsets = layout["rows"], layout["offsets"]
        if kind == "pk_batches_engine":
            args = (c["p"], c["k"], c["replacement"], *_span(c))
            expected = _literal_pk(c["seed"], c["epoch"], rows, offsets, *args)
        else:
            expected = _literal_units(c["seed"], c["epoch"], rows, offsets, c["group"], c["m"], *_span(c))
        assert c["out"] == expected, c


def _slots(sizes, engine=rust):
    return ClassSlots(class_labels(np.repeat(np.arange(len(sizes)), sizes)), engine)


@st.composite
def _calls(draw, max_classes=200):
    # Up to 12 classes (the table form of the class blocks), or over 128 (the Feistel network form).
    n = draw(st.one_of(st.integers(1, 12), st.integers(129, max_classes)) if max_classes > 128 else st.integers(1, 12))
    sizes = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    # Any P ≤ C: P > (C + 1) / 2 chains heads (§19.1).
    p = draw(st.one_of(st.integers(1, n), st.integers((n + 1) // 2, n)))
    k = draw(st.integers(1, 6))
    span = (draw(st.integers(0, 10**6)), draw(st.integers(0, 5)), draw(st.integers(1, 6)))
    seed, epoch = draw(st.integers(0, 2**64 - 1)), draw(st.integers(0, 2**56 - 1))
    return sizes, p, k, draw(st.booleans()), span, seed, epoch


@settings(max_examples=120, deadline=None)
@given(_calls())
def test_rust_equals_reference(call):
    sizes, p, k, replacement, span, seed, epoch = call
    fast_layout, slow_layout = _slots(sizes).layout, _slots(sizes, reference).layout
    assert isinstance(fast_layout, rust.ClassLayout) and isinstance(slow_layout, reference.ClassLayout)
    fast = fast_layout.pk_batches(seed, epoch, p, k, replacement, *span)
    slow = slow_layout.pk_batches(seed, epoch, p, k, replacement, *span)
    assert fast.dtype == np.int64 and fast.tolist() == slow
    fast = fast_layout.m_per_class_units(seed, epoch, p, k, *span)
    assert fast.tolist() == slow_layout.m_per_class_units(seed, epoch, p, k, *span)


def test_threads_do_not_change_the_batches():
    layout = _slots([1 + (c * 5) % 7 for c in range(300)]).layout
    args = (3, 1)
    serial = layout.pk_batches(*args, 30, 4, False, 0, 300, 3)
    units = layout.m_per_class_units(*args, 30, 4, 0, 300, 3)
    threads = rust.get_num_threads()
    try:
        rust._set_min_chunk(5)
        for n in (2, 3, 7):
            rust.set_num_threads(n)
            assert np.array_equal(layout.pk_batches(*args, 30, 4, False, 0, 300, 3), serial)
            assert np.array_equal(layout.m_per_class_units(*args, 30, 4, 0, 300, 3), units)
    finally:
        rust._set_min_chunk(1 << 16)  # the default
        rust.set_num_threads(threads)


ROWS, OFFSETS = [0, 1, 2, 3], [0, 1, 4]
BAD = [
    # (method, arguments after seed and epoch, exception, message)
    ("pk_batches", (0, 1, False, 0, 1), ValueError, r"^p must be in \[1, 2\*\*64\), got p=0$"),
    ("pk_batches", (1, 0, False, 0, 1), ValueError, r"^k must be in \[1, 2\*\*64\), got k=0$"),
    ("pk_batches", (3, 1, False, 0, 1), ValueError, r"^p must be <= the number of classes \(2\)"),
    ("pk_batches", (1, 1.5, False, 0, 1), TypeError, r"^k must be an integer"),
    ("pk_batches", (2, 2, True, 2**61, 1), ValueError, r"^\(b \+ 1\) \* p \* k must be <= 2\*\*63"),
    ("pk_batches", (1, 1, True, 0, 2, 0), ValueError, r"^stride must be in \[1, 2\*\*64\)"),
    ("m_per_class_units", (3, 1, 0, 1), ValueError, r"^group must be <= the number of classes \(2\)"),
    ("m_per_class_units", (1, 0, 0, 1), ValueError, r"^m must be in \[1, 2\*\*64\), got m=0$"),
    ("m_per_class_units", (1, 1, 2**62, 1), ValueError, r"^\(b \+ 1\) \* \(number of classes\)"),
]


@pytest.mark.parametrize(("name", "args", "error", "message"), BAD)
def test_bad_arguments_same_errors(engine, name, args, error, message):
    with pytest.raises(error, match=message):
        getattr(engine.ClassLayout(ROWS, OFFSETS), name)(0, 0, *args)


def test_bad_layout_fails_at_construction(engine):
    """The layout is validated once, by ClassLayout(rows, offsets), with the messages of spec §9."""
    with pytest.raises(ValueError, match=r"^offsets\[2\] must equal len\(rows\)=4, got 3$"):
        engine.ClassLayout(ROWS, [0, 1, 3])
    with pytest.raises(ValueError, match=r"^every class must have at least one row: offsets\[2\]=1"):
        engine.ClassLayout(ROWS, [0, 1, 1, 4])
    with pytest.raises(TypeError, match=r"^rows"):
        engine.ClassLayout([0.5, 1.5], [0, 2])


def test_bad_epoch_and_empty_reads(engine):
    layout = engine.ClassLayout(ROWS, OFFSETS)
    with pytest.raises(ValueError, match=r"^epoch must be in \[0, 2\*\*56\)"):
        layout.pk_batches(0, 2**56, 1, 1, False, 0, 0)
    assert list(layout.pk_batches(0, 0, 2, 2, False, 2**64 - 2, 0)) == []
    assert list(layout.m_per_class_units(0, 0, 2, 2, 5, 0)) == []


def test_one_layout_many_calls_threads_and_copies(engine):
    """A layout is immutable: the caller's arrays are copied at construction (writing to them later changes
    nothing), threads share it, and pickle / deepcopy give an equal layout (golden values either way)."""
    case = GOLDEN["pk_batches_engine"][0]
    source = LAYOUTS[case["layout"]]
    rows, offsets = np.asarray(source["rows"], dtype=np.int64), np.asarray(source["offsets"], dtype=np.int64)
    layout = engine.ClassLayout(rows, offsets)
    rows[:] = -1  # the layout holds its own copy
    assert len(layout) == len(source["rows"]) and layout.num_classes == len(source["offsets"]) - 1
    args = (case["seed"], case["epoch"], case["p"], case["k"], case["replacement"], *_span(case))

    def call(copy_of):
        return [int(v) for v in copy_of.pk_batches(*args)]

    copies = [layout, pickle.loads(pickle.dumps(layout)), copy.deepcopy(layout)] * 4
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(call, copies)) == [case["out"]] * len(copies)
