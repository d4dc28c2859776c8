"""The engine unit of spec §24 — ``LengthTable.plan`` / ``LengthPlan.batches`` — on both engines: the golden
vectors (from the reference), §24.1 written forwards, Rust == reference under hypothesis, the errors, and one
table shared by calls, threads and copies."""

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
from ferrosampler.reference import _engine as reference

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "golden" / "vectors-lengths.json").read_text("utf-8"))
PLAN_ARGS = ("batch_size", "max_tokens", "window", "group", "shuffle", "drop_last", "permutation")


def _table(engine, name):
    return engine.LengthTable(np.asarray(GOLDEN["tables"][name], dtype=np.int64))


def _plan(engine, case):
    return _table(engine, case["table"]).plan(case["seed"], case["epoch"], *(case[name] for name in PLAN_ARGS))


def _read(plan, start, count, stride=1):
    indices, offsets = plan.batches(start, count, stride)
    indices, offsets = [int(v) for v in indices], [int(v) for v in offsets]
    return [indices[offsets[c] : offsets[c + 1]] for c in range(count)]


def test_golden_plans(engine):
    assert GOLDEN["spec_version"] == 2  # written under v2; v3 changed none of its outputs
    assert len(GOLDEN["plans"]) >= 40
    for case in GOLDEN["plans"]:
        plan = _plan(engine, case)
        got = (plan.num_batches, plan.num_steps, plan.distinct_batches, plan.group)
        assert got == (case["num_batches"], case["num_steps"], case["distinct_batches"], case["group"]), case
        for read in case["reads"]:
            indices, offsets = plan.batches(read["start"], read["count"], read["stride"])
            assert [int(v) for v in indices] == read["indices"], case
            assert [int(v) for v in offsets] == read["offsets"], case


def test_golden_sampler_epochs(family):
    for case in GOLDEN["sampler_epochs"]:
        kwargs = {k: v for k, v in case.items() if k not in ("num_replicas", "rank", "epoch", "batches")}
        sampler = family.LengthGroupedBatchSampler(
            GOLDEN["tables"]["small"], seed=5, num_replicas=case["num_replicas"], rank=case["rank"], **kwargs
        )
        assert sampler.epoch_batches(case["epoch"]) == case["batches"], case


def forwards(lengths, seed, epoch, batch_size, max_tokens, window, group, shuffle, drop_last, permutation):
    """§24.1 written forwards, whole lists and Python's sort, from ``reference._engine.permutation_stream``."""
    n = len(lengths)
    order = reference.permutation_stream(seed, 0, epoch, n, 0, n, permutation) if shuffle else list(range(n))
    batches = []
    for lo in range(0, n, window):
        positions = sorted(range(lo, min(lo + window, n)), key=lambda p: (lengths[order[p]], p))
        entries = [order[p] for p in positions]
        start = 0
        while start < len(entries):
            if batch_size is not None:
                end = min(start + batch_size, len(entries))
            else:
                end = start + 1
                while end < len(entries) and (end - start + 1) * lengths[entries[end]] <= max_tokens:
                    end += 1
            batches.append(entries[start:end])
            start = end
    if drop_last and batch_size is not None and n % batch_size:
        batches.pop()
    tokens = [len(b) * lengths[b[-1]] for b in batches]
    ranked = sorted(range(len(batches)), key=lambda b: (tokens[b], b))
    count, partial = -(-len(ranked) // group), len(ranked) % group
    steps = (
        reference.permutation_stream(seed, 6, epoch, count, 0, count, permutation) if shuffle else list(range(count))
    )
    runs, at = [], 0  # the ranking cut into runs of G, the short one (k) at slot steps[-1], served last
    for j in range(count):
        size = partial if partial and j == steps[-1] else group
        runs.append(ranked[at : at + size])
        at += size
    served = count - (1 if drop_last and partial else 0)
    out = []
    for t in range(served):
        run = runs[steps[t]]
        out += [batches[run[i % len(run)]] for i in range(group)]
    return out


@st.composite
def _plans(draw):
    n = draw(st.one_of(st.integers(1, 40), st.integers(129, 200)))
    big = draw(st.booleans())
    values = st.integers(0, 2**40) if big else st.integers(0, 30)
    lengths = draw(st.lists(values, min_size=n, max_size=n))
    if draw(st.booleans()):
        size = draw(st.integers(1, 9))
        batching = (size, None, size * draw(st.integers(1, 12)))
    else:
        batching = (None, draw(st.integers(1, 2**42 if big else 200)), draw(st.integers(1, 60)))
    group = draw(st.integers(1, 9))
    rest = (draw(st.booleans()), draw(st.booleans()), draw(st.sampled_from(["feistel", "fisher-yates"])))
    seed, epoch = draw(st.integers(0, 2**64 - 1)), draw(st.integers(0, 2**56 - 1))
    return lengths, seed, epoch, (*batching, group, *rest)


@settings(max_examples=150, deadline=None)
@given(_plans())
def test_rust_equals_reference_equals_the_forwards_definition(call):
    lengths, seed, epoch, args = call
    fast = rust.LengthTable(lengths).plan(seed, epoch, *args)
    slow = reference.LengthTable(lengths).plan(seed, epoch, *args)
    for name in ("num_batches", "num_steps", "distinct_batches", "group"):
        assert getattr(fast, name) == getattr(slow, name), name
    n = fast.num_batches
    assert _read(fast, 0, n) == _read(slow, 0, n) == forwards(lengths, seed, epoch, *args)
    if n:  # a strided read that wraps past the end (§14's padding)
        assert _read(fast, 3, 7, n + 2) == _read(slow, 3, 7, n + 2)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(_plans())
def test_rust_equals_reference_sweep(call):
    lengths, seed, epoch, args = call
    fast = rust.LengthTable(lengths).plan(seed, epoch, *args)
    slow = reference.LengthTable(lengths).plan(seed, epoch, *args)
    assert _read(fast, 0, fast.num_batches) == _read(slow, 0, slow.num_batches)


@pytest.mark.thread_unsafe  # sets the engine's process-wide thread count
def test_threads_and_chunks_do_not_change_the_plan():
    lengths = np.random.default_rng(3).integers(0, 3000, 70_000)
    table = rust.LengthTable(lengths)
    serial_args = (4, 2, None, 3000, 500, 5, True, False)
    threads = rust.get_num_threads()
    try:
        rust.set_num_threads(1)
        serial = table.plan(*serial_args).batches(0, 300, 3)
        for n, chunk in ((2, 1), (3, 700), (5, 1 << 15)):
            rust.set_num_threads(n)
            rust._set_min_chunk(chunk)
            got = table.plan(*serial_args).batches(0, 300, 3)
            assert all(np.array_equal(a, b) for a, b in zip(got, serial, strict=True))
    finally:
        rust._set_min_chunk(1 << 15)
        rust.set_num_threads(threads)


def _plan_args(*args):
    """A plan call on a one-sample table: seed 0, epoch 0, then ``args``."""
    return lambda e: e.LengthTable([1]).plan(0, 0, *args)


def _read_args(*args):
    """A read of a two-sample plan (batch_size 1, window 1, one rank): ``batches(*args)``."""
    return lambda e: e.LengthTable([1, 2]).plan(0, 0, 1, None, 1, 1, True, False).batches(*args)


BAD = [
    # (call, exception, message) — the same on both engines
    (lambda e: e.LengthTable([]), ValueError, r"^lengths must not be empty$"),
    (lambda e: e.LengthTable([3, -1]), ValueError, r"^lengths\[1\] must be in \[0, 2\*\*63\), got -1$"),
    (
        lambda e: e.LengthTable([3, 2**63]),
        ValueError,
        r"^lengths\[1\] must be in \[0, 2\*\*63\), got 9223372036854775808(\n|$)",  # pyo3 notes the argument below
    ),
    (lambda e: e.LengthTable([1, 2.5]), TypeError, r"^lengths"),
    (lambda e: e.LengthTable([1]).plan(-1, 0, 1, None, 1, 1, True, False), ValueError, r"^seed must be in"),
    (lambda e: e.LengthTable([1]).plan(0, 2**56, 1, None, 1, 1, True, False), ValueError, r"^epoch must be in"),
    (
        _plan_args(None, None, 1, 1, True, False),
        ValueError,
        r"^exactly one of batch_size and max_tokens must be given, got batch_size=None, max_tokens=None$",
    ),
    (
        _plan_args(2, 5, 2, 1, True, False),
        ValueError,
        r"^exactly one of batch_size and max_tokens must be given, got batch_size=2, max_tokens=5$",
    ),
    (_plan_args(0, None, 1, 1, True, False), ValueError, r"^batch_size must be in \[1, 2\*\*64\), got batch_size=0$"),
    (_plan_args(None, 0, 1, 1, True, False), ValueError, r"^max_tokens must be in \[1, 2\*\*64\)"),
    (_plan_args(None, 5, 0, 1, True, False), ValueError, r"^window must be in \[1, 2\*\*64\)"),
    (_plan_args(4, None, 6, 0, True, False), ValueError, r"^window must be a multiple of batch_size=4, got window=6$"),
    (_plan_args(4, None, 8, 0, True, False), ValueError, r"^group must be in \[1, 2\*\*32\), got group=0$"),
    (_plan_args(4, None, 8, 2**32, True, False), ValueError, r"^group must be in \[1, 2\*\*32\)"),
    (_plan_args(4, None, 8, 1, True, False, "x"), ValueError, r"^permutation must be one of"),
    (_plan_args(1.5, None, 8, 1, True, False), TypeError, r"^batch_size must be an integer"),
    (
        lambda e: e.LengthTable([1, 2]).plan(0, 0, 1, None, 1, 3, True, True).batches(0, 1),
        ValueError,
        r"^the plan has no batch \(num_batches=0\), got count=1$",
    ),
    (_read_args(2**64 - 1, 1), ValueError, r"^start \+ count must be < 2\*\*64"),
    (_read_args(0, 2, 0), ValueError, r"^stride must be in \[1, 2\*\*64\)"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD)
def test_bad_arguments_same_errors(engine, call, error, message):
    with pytest.raises(error, match=message):
        call(engine)


def test_empty_plans_and_reads(engine):
    plan = engine.LengthTable([1, 2]).plan(0, 0, 1, None, 1, 3, True, True)
    assert (plan.num_batches, plan.num_steps, plan.distinct_batches) == (0, 0, 2)
    indices, offsets = plan.batches(0, 0)
    assert list(indices) == [] and [int(v) for v in offsets] == [0]


def test_one_table_many_calls_threads_and_copies(engine):
    """A table is immutable: the caller's array is copied (writing to it later changes nothing), threads share
    it, and pickle / deepcopy give an equal table (the golden values either way)."""
    case = GOLDEN["plans"][5]
    source = np.asarray(GOLDEN["tables"][case["table"]], dtype=np.int64)
    table = engine.LengthTable(source)
    source[:] = 0
    assert len(table) == len(source) and table.total == sum(GOLDEN["tables"][case["table"]])
    expected = [case["reads"][0]["indices"]]
    args = (case["seed"], case["epoch"], *(case[name] for name in PLAN_ARGS))

    def call(copy_of):
        plan = copy_of.plan(*args)
        return [[int(v) for v in plan.batches(0, plan.num_batches)[0]]]

    copies = [table, pickle.loads(pickle.dumps(table)), copy.deepcopy(table)] * 3
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(call, copies)) == [expected] * len(copies)
