"""The hostile-input suite: a fixed-seed slice in the default run, the full run behind `-m slow`.

Every case runs in a worker process (tests/hostile/pool.py) that may die; the outcome must be a right
result or a documented refusal naming an argument (tests/hostile/judge.py). The full run, one command:
``nice -n 19 python -m tests.hostile.run --cases 100000``."""

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


def test_slice_has_no_findings(slice_report) -> None:
    from .judge import GOOD

    assert slice_report.total == SLICE
    findings = {outcome: n for outcome, n in slice_report.counts.items() if outcome not in GOOD}
    assert not findings, slice_report.summary()


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

    assert not {o: n for o, n in report.counts.items() if o not in GOOD}, report.summary()
