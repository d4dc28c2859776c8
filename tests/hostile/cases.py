"""Every hostile case family, in one list; case i runs ``ALL[i % len(ALL)]`` with seed ``case_seed(run, i)``."""

from __future__ import annotations

from . import (
    cases_core,
    cases_epochs,
    cases_lengths,
    cases_mindspore,
    cases_mixture,
    cases_state,
    cases_toolkit,
    cases_torch,
)

ALL = [
    *cases_core.CASES,
    *cases_torch.CASES,
    *cases_mindspore.CASES,
    *cases_state.CASES,
    *cases_toolkit.CASES,
    *cases_epochs.CASES,
    *cases_mixture.CASES,
    *cases_lengths.CASES,
]


def case_name(index: int) -> str:
    """``module.function`` of case ``index``: what the reports count by."""
    case = ALL[index % len(ALL)]
    return f"{case.__module__.rsplit('.', 1)[-1]}.{case.__name__}"


def case_seed(run_seed: int, index: int) -> int:
    return (run_seed << 40) ^ (index * 0x9E3779B97F4A7C15 % 2**64)
