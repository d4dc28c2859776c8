"""The Rust mixture engine against the pure-Python reference (spec §23): plans, draws at any seed, epoch,
position and stride, slot queries, exhaustion lengths and every refusal, equal bit for bit and word for word."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ferrosampler
import ferrosampler.reference
from ferrosampler import _core
from ferrosampler.reference import _engine as ref

ENGINES = (_core, ref)

weight = st.one_of(
    st.just(0.0),
    st.integers(0, 9).map(float),
    st.floats(1e-300, 1e300, allow_nan=False, allow_infinity=False),
    st.sampled_from([5e-324, 2.5e-310, 0.1, 1 / 3, 2.0**-40]),
)


@st.composite
def plans(draw, max_samples=3000, max_sources=6):
    sources = draw(st.integers(1, max_sources))
    sizes = draw(
        st.lists(
            st.one_of(st.integers(1, 140), st.integers(1, 2**48), st.sampled_from([1, 128, 129, 2**48])),
            min_size=sources,
            max_size=sources,
        )
    )
    num_samples = draw(st.one_of(st.integers(1, max_samples), st.sampled_from([1, 1023, 1024, 1025, 2**62])))
    phases = draw(st.integers(1, 3)) if num_samples > 2 else 1
    cuts: set[int] = set()
    if phases > 1:
        cuts = draw(
            st.one_of(
                st.sets(st.integers(1, min(num_samples - 1, 5000)), min_size=phases - 1, max_size=phases - 1),
                st.sets(st.integers(1, num_samples - 1), min_size=phases - 1, max_size=phases - 1),
            )
        )
    starts = [0, *sorted(cuts)]
    weights = []
    for _ in starts:
        row = draw(st.lists(weight, min_size=sources, max_size=sources))
        if not any(w > 0 for w in row):
            row[draw(st.integers(0, sources - 1))] = 1.0
        weights.extend(row)
    return sizes, starts, np.array(weights, dtype=np.float64), num_samples


@st.composite
def reads(draw, num_samples):
    """(epoch, start, count, stride) inside the epoch and under the run limit."""
    epoch_limit = min(2**56, 2**64 // num_samples)
    epoch = draw(
        st.one_of(st.integers(0, min(4, epoch_limit - 1)), st.integers(0, epoch_limit - 1), st.just(epoch_limit - 1))
    )
    start = draw(st.one_of(st.integers(0, num_samples - 1), st.just(num_samples - 1), st.just(0)))
    stride = draw(st.one_of(st.just(1), st.integers(1, 70), st.integers(1, 2**62)))
    room = (num_samples - 1 - start) // stride + 1
    count = draw(st.integers(0, min(room, 60)))
    return epoch, start, count, stride


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), plan=plans(), seed=st.integers(0, 2**64 - 1))
def test_draws_are_the_references(data, plan, seed):
    fast, slow = (engine.MixturePlan(*plan) for engine in ENGINES)
    assert fast.masses() == slow.masses()
    assert (list(fast.offsets), fast.depth) == (slow.offsets, slow.depth)
    for _ in range(3):
        epoch, start, count, stride = data.draw(reads(plan[3]))
        got = fast.draws(seed, epoch, start, count, stride=stride).tolist()
        assert got == slow.draws(seed, epoch, start, count, stride)


@settings(max_examples=60, deadline=None)
@given(plan=plans(max_samples=2500), seed=st.integers(0, 2**64 - 1), epoch=st.integers(0, 3))
def test_whole_epochs_are_the_references(plan, seed, epoch):
    # Whole epochs take the batched path (every slot of every block) in Rust, position by position in Python.
    if plan[3] > 2500:
        return
    fast, slow = (engine.MixturePlan(*plan) for engine in ENGINES)
    assert fast.draws(seed, epoch, 0, plan[3]).tolist() == slow.draws(seed, epoch, 0, plan[3])


@settings(max_examples=100, deadline=None)
@given(plan=plans(), phase=st.integers(0, 2), g=st.integers(0, 2**64 - 1))
def test_slot_queries_are_the_references(plan, phase, g):
    fast, slow = (engine.MixturePlan(*plan) for engine in ENGINES)
    phase %= len(plan[1])
    assert tuple(fast.slot_source(phase, g)) == slow.slot_source(phase, g)
    for source in range(len(plan[0])):
        for slots in (g, g + 1, 0):
            assert fast.slot_count(phase, source, slots) == slow.slot_count(phase, source, slots)


@settings(max_examples=80, deadline=None)
@given(plan=plans(max_sources=5), all_sources=st.booleans())
def test_exhaustion_lengths_are_the_references(plan, all_sources):
    sizes, weights = plan[0], plan[2][: len(plan[0])]
    fast, slow = (
        outcome(lambda engine=engine: engine.MixturePlan.exhausted_length(sizes, np.array(weights), all_sources))
        for engine in ENGINES
    )
    assert fast == slow


def outcome(call):
    try:
        result = call()
    except (TypeError, ValueError, OverflowError) as error:
        return type(error).__name__, str(error)
    return "ok", result.tolist() if isinstance(result, np.ndarray) else result


hostile_int = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([2**48, 2**48 + 1, 2**62, 2**62 + 1, 2**63, 2**64, -(2**63)]),
    st.integers(-(2**70), 2**70),
)
hostile_weight = st.one_of(weight, st.sampled_from([math.nan, math.inf, -math.inf, -1.0, -0.0, -5e-324]))


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(hostile_int, max_size=4),
    starts=st.lists(hostile_int, max_size=3),
    weights=st.lists(hostile_weight, max_size=9),
    num_samples=hostile_int,
)
def test_refusals_are_the_references(sizes, starts, weights, num_samples):
    fast = outcome(lambda: _core.MixturePlan(sizes, starts, np.array(weights, dtype=np.float64), num_samples).masses())
    slow = outcome(lambda: ref.MixturePlan(sizes, starts, weights, num_samples).masses())
    assert fast == slow


@settings(max_examples=200, deadline=None)
@given(seed=hostile_int, epoch=hostile_int, start=hostile_int, count=st.integers(-2, 5), stride=hostile_int)
def test_draw_refusals_are_the_references(seed, epoch, start, count, stride):
    plans_ = [engine.MixturePlan([5, 300], [0, 7], np.array([1.0, 2.0, 0.0, 1.0]), 40) for engine in ENGINES]
    got = [outcome(lambda plan=plan: plan.draws(seed, epoch, start, count, stride=stride)) for plan in plans_]
    if 2**56 <= epoch < 2**64 and got[0][0] != "ok":
        # The binding converts every argument before the core checks the epoch's range: with a later argument
        # bad as well, the engines may name different ones (each names one it refuses).
        assert got[0][0] == got[1][0] == "ValueError"
        assert {got[0][1].split()[0], got[1][1].split()[0]} <= {"seed", "epoch", "start", "count", "stride"}
    else:
        assert got[0] == got[1]
    huge = [engine.MixturePlan([5], [0], np.array([1.0]), 2**62) for engine in ENGINES]
    got = [outcome(lambda plan=plan: plan.draws(seed, epoch, 0, 1)) for plan in huge]
    assert got[0] == got[1]


def test_refusal_messages_name_argument_and_value():
    cases = [
        (([], [0], [], 5), "sizes must not be empty"),
        (([3, 0], [0], [1.0, 1.0], 5), r"sizes\[1\] must be in \[1, 2\*\*48\], got 0"),
        (([3, 4], [0], [1.0, math.nan], 5), r"weights\[1\] = nan: a weight must be finite and non-negative"),
        (([3, 4], [0, 2], [1.0, 1.0, 2.0, -1.0], 5), r"weights phase 1 \[1\] = -1.0: a weight must be finite"),
        (([3, 4], [0, 2], [1.0, 1.0, 0.0, 0.0], 5), "weights phase 1 are all zero: at least one must be positive"),
        (([3, 4], [0], [0.0, 0.0], 5), "weights are all zero: at least one must be positive"),
        (([3, 4], [1], [1.0, 1.0], 5), "weights phase 0 must start at 0, got start=1"),
        (([3, 4], [0, 3, 3], [1.0] * 6, 5), r"weights phase 2 must start after phase 1 \(start=3\), got start=3"),
        (([3, 4], [0, 5], [1.0] * 4, 5), "weights phase 1 must start before num_samples=5, got start=5"),
        (([3, 4], [0], [1.0], 5), r"weights must hold len\(starts\) \* len\(sizes\) = 2 values, got 1"),
        (([3, 4], [0], [1.0, 1.0], 0), r"num_samples must be in \[1, 2\*\*62 \+ 1\), got num_samples=0"),
        (([2**48] * 2**15 + [1], [0], [1.0] * (2**15 + 1), 5), "sizes must sum to at most 2[*][*]63"),
    ]
    for engine in ENGINES:
        for args, message in cases:
            sizes, starts, weights, num_samples = args
            with pytest.raises(ValueError, match=f"^{message}"):
                engine.MixturePlan(sizes, starts, np.array(weights, dtype=np.float64), num_samples)
        with pytest.raises(TypeError, match=r"sizes\[0\] must be an integer, got float: 1.5"):
            engine.MixturePlan([1.5], [0], np.array([1.0]), 5)
        plan = engine.MixturePlan([3, 4], [0], np.array([1.0, 1.0]), 10)
        with pytest.raises(ValueError, match=r"start \+ \(count - 1\) \* stride must be < num_samples=10"):
            plan.draws(0, 0, 8, 2, stride=2)
        with pytest.raises(ValueError, match=r"phase must be in \[0, 1\), got phase=1"):
            plan.slot_source(1, 0)
        with pytest.raises(ValueError, match=r"\(epoch \+ 1\) \* num_samples must be <= 2\*\*64"):
            engine.MixturePlan([3], [0], np.array([1.0]), 2**62).draws(0, 4, 0, 1)


@pytest.mark.parametrize(
    ("sources", "weights", "num_samples"),
    [
        ([5, 9, 3], [0.5, 0.3, 0.2], None),
        ([5, 9, 3], [0.5, 0.3, 0.0], "first_exhausted"),
        ([200, 1, 3000], [1.0, 1.0, 2.0], "all_exhausted"),
        ([7, 130], [(0, [1, 0]), (9, [1, 3]), (40, [0, 1])], 57),
    ],
)
def test_samplers_are_the_references(sources, weights, num_samples):
    fast = ferrosampler.MixtureSampler(sources, weights, num_samples, seed=12)
    slow = ferrosampler.reference.MixtureSampler(sources, weights, num_samples, seed=12)
    assert len(fast) == len(slow)
    for _ in range(3):
        assert list(fast) == list(slow)
    assert fast.epoch_indices(9).tolist() == slow.epoch_indices(9).tolist()


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), plan=plans(), seed=st.integers(0, 2**64 - 1))
def test_draws_are_the_references_long(data, plan, seed):
    test_draws_are_the_references.hypothesis.inner_test(data, plan, seed)


@pytest.mark.thread_unsafe  # the engine's thread count and chunk size
@pytest.mark.parametrize(
    ("sizes", "starts", "weights", "n"),
    [
        ([40_000 + s for s in range(16)], [0], [[1.0 + s for s in range(16)]], 300_001),
        ([5, 90_000, 7_777], [0, 70_001, 200_003], [[1, 2, 3], [0, 5, 1], [2, 2, 1]], 260_000),
    ],
)
def test_threads_and_chunks_change_no_draw(sizes, starts, weights, n):
    # Threads and pieces start where runs of blocks start: many runs, phases not aligned to runs, every read
    # the same on 1 to 3 threads and any chunk, and equal to the reference at positions sampled across it.
    flat = np.array([w for row in weights for w in row], dtype=np.float64)
    fast, slow = (engine.MixturePlan(sizes, starts, flat, n) for engine in ENGINES)
    reads = [(0, n, 1), (1000, n - 1000, 1), (65_535, 60_000, 1), (3, (n - 3) // 2, 2), (100_001, 40_000, 3)]
    before = _core.get_num_threads()
    try:
        _core.set_num_threads(1)
        _core._set_min_chunk(2**40)
        serial = {read: fast.draws(7, 2, *read[:2], stride=read[2]) for read in reads}
        for threads, chunk in [(2, 1), (3, 7), (2, 2**15), (3, 70_001)]:
            _core.set_num_threads(threads)
            _core._set_min_chunk(chunk)
            for read, expected in serial.items():
                assert np.array_equal(fast.draws(7, 2, *read[:2], stride=read[2]), expected), (threads, chunk, read)
    finally:
        _core.set_num_threads(before)
        _core._set_min_chunk(2**16)  # the default
    rng = np.random.default_rng(5)
    for start, count, stride in reads:
        for c in [*rng.integers(0, count, 60).tolist(), 0, count - 1]:
            assert serial[start, count, stride][c] == slow.draws(7, 2, start + c * stride, 1)[0]
