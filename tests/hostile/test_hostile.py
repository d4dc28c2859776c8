"""The hostile-input suite: a fixed-seed slice in the default run, the full run behind `-m slow`.

Every case runs in a worker process (tests/hostile/pool.py) that may die; the outcome must be a right
result or a documented refusal naming an argument (tests/hostile/judge.py). The full run, one command:
``nice -n 15 .venv/bin/python -m tests.hostile.run --cases 100000 --json /tmp/hostile-full.json``.
The slice tolerates only the findings listed in known.py (each pinned by a strict xfail in test_regressions.py)."""

from __future__ import annotations

import os

import pytest

from .pool import run_cases

# One worker pool per run, not one per pytest-run-parallel thread.
pytestmark = pytest.mark.thread_unsafe

SLICE = int(os.environ.get("HOSTILE_SLICE", "10000"))


@pytest.fixture(scope="module")
def slice_report():
    report = run_cases(range(SLICE), run_seed=0, workers=2)
    print(report.summary())
    return report


def test_slice_has_no_findings_beyond_known_py(slice_report) -> None:
    from .judge import GOOD
    from .known import known

    assert slice_report.total == SLICE
    findings = sum(n for outcome, n in slice_report.counts.items() if outcome not in GOOD)
    assert len(slice_report.findings) == findings  # every finding kept, none lost to a cap
    unknown = [f for f in slice_report.findings if known(f) is None]
    assert not unknown, slice_report.summary()


def test_the_slice_reaches_the_state_and_toolkit_families(slice_report) -> None:
    """state_dict corruption, elastic resume, the wrapper and the class-imbalance toolkit give results, not
    only refusals (a family that always refused would check nothing)."""
    for name in (
        "cases_state.state_roundtrip", "cases_state.sharded_resume", "cases_toolkit.wrapper",
        "cases_toolkit.distributed_weighted", "cases_toolkit.pk_batches", "cases_toolkit.m_per_class",
        "cases_toolkit.balanced_weights", "cases_toolkit.from_labels", "cases_toolkit.set_weights",
    ):  # fmt: skip
        counts = slice_report.by_case[name]
        assert counts["ok"] > 30 and counts["refused"] > 30, (name, dict(counts))


def test_no_panic_and_no_abort_under_the_fuzz(slice_report) -> None:
    """Panics impossible by construction: not one PanicException, not one dead worker."""
    assert slice_report.counts["panic"] == 0
    assert slice_report.counts["crash"] == 0
    assert slice_report.restarts == 0


def test_the_slice_reaches_results_and_refusals(slice_report) -> None:
    """A slice that only refused would prove nothing: both kinds of answer are common."""
    assert slice_report.counts["ok"] > SLICE // 5
    assert slice_report.counts["refused"] > SLICE // 5
    assert slice_report.counts["memory-large"] > 0  # huge sizes are reached, and fail cleanly


def test_the_pool_survives_abort_hang_and_huge_allocation() -> None:
    report = run_cases([-1, -2, -3, 0], workers=1, hang_seconds=3)
    assert (report.counts["crash"], report.counts["hang"], report.counts["memory-large"]) == (1, 1, 1)
    assert report.counts["ok"] + report.counts["refused"] == 1  # the worker after two restarts still answers
    assert report.restarts == 2


@pytest.mark.slow
def test_full_run() -> None:
    report = run_cases(range(100_000), run_seed=1, workers=2)
    print(report.summary())
    from .judge import GOOD

    # Strict, known findings included: the full run fails until they are fixed.
    assert not {o: n for o, n in report.counts.items() if o not in GOOD}, report.summary()
