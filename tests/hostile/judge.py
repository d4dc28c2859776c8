"""One hostile case, judged in this process: run it on the Rust build, then on the reference, classify.

Outcomes (``GOOD`` are fine, every other one is a finding):
  ok           a right result (length, range, no zero-weight index, ...), equal to the reference's
  ok-rust-only a right result; the reference (too slow for this size) did not refuse within its budget
  refused      both engines refused with a documented exception whose message names an argument
  user-error   the dataset's own __len__ / labels function raised, and that exception came through
  memory-large MemoryError for an input of at least values.LARGE elements
  panic, overflow, memory-small, bad-exception, unnamed, wrong, disagree, crash, hang: findings
"""

from __future__ import annotations

import re
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import ferrosampler
import ferrosampler._core
import ferrosampler.mindspore
import ferrosampler.reference
import ferrosampler.reference.mindspore
from ferrosampler.reference import _engine

from .values import LenBoom

GOOD = ("ok", "ok-rust-only", "refused", "user-error", "memory-large")
FINDINGS = ("panic", "overflow", "memory-small", "bad-exception", "unnamed", "wrong", "disagree", "crash", "hang")
REFERENCE_BUDGET = 0.4  # seconds the pure-Python reference gets before it counts as "still accepting"

try:
    import torch
except ImportError:  # pragma: no cover - torch is in the test dependencies where it has wheels
    torch = None


@dataclass(frozen=True)
class Family:
    name: str
    torch: Any
    ms: Any
    engine: Any
    torchlib: Any = torch


RUST = Family("rust", ferrosampler, ferrosampler.mindspore, ferrosampler._core)
REFERENCE = Family("reference", ferrosampler.reference, ferrosampler.reference.mindspore, _engine)


@dataclass
class Ctx:
    """What a case declares while it runs: argument names a refusal may name, whether it is large,
    whether it is MindSpore-style (RuntimeError is then documented), whether results are comparable."""

    names: set[str] = field(default_factory=set)
    large: bool = False
    mindspore: bool = False
    compare: bool = True

    def arg(self, name: str, value: Any) -> Any:
        self.names.add(name)
        return value


class Wrong(AssertionError):
    """A result that breaks the sampler's contract."""


class Budget(BaseException):
    """The reference ran out of time (BaseException: no `except Exception` in the code under test stops it)."""


def expect(condition: Any, message: str) -> None:
    if not condition:
        raise Wrong(message)


def ints(values: Any) -> list[int]:
    return [int(v) for v in values]


def in_range(values: Any, n: int, what: str = "index") -> list[int]:
    out = ints(values)
    expect(all(0 <= v < n for v in out), f"{what} out of [0, {n}): {out[:10]}")
    return out


Case = Callable[[Any, Family, Ctx], Any]


def _exception_outcome(error: BaseException, ctx: Ctx) -> tuple[str, str]:
    name = type(error).__name__
    text = f"{name}: {error}"[:300]
    if name == "PanicException":
        return "panic", text
    if isinstance(error, Wrong):
        return "wrong", text
    if isinstance(error, LenBoom):
        return "user-error", text
    if isinstance(error, MemoryError):
        return ("memory-large" if ctx.large else "memory-small"), text
    if isinstance(error, OverflowError):
        return "overflow", text
    allowed = (ValueError, TypeError, RuntimeError, NotImplementedError) if ctx.mindspore else (ValueError, TypeError)
    if not isinstance(error, allowed) or type(error) in (RecursionError,):
        return "bad-exception", text + " | " + "".join(traceback.format_tb(error.__traceback__)[-2:])[:400]
    message = str(error)
    if not any(re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", message) for n in ctx.names):
        return "unnamed", f"{text} (names: {sorted(ctx.names)})"
    return "refused", text


def _run(case: Case, seed: int, family: Family, ctx: Ctx) -> tuple[str, Any]:
    import random

    try:
        return "value", case(random.Random(seed), family, ctx)
    except Budget:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # PanicException derives from BaseException
        return "error", error


def _with_budget(seconds: float, thunk: Callable[[], tuple[str, Any]]) -> tuple[str, Any]:
    def expire(signum: int, frame: Any) -> None:
        raise Budget

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return thunk()
    except Budget:
        return "budget", None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def judge(case: Case, seed: int) -> tuple[str, str]:
    """(outcome, detail) of one case: Rust first, then the reference under a time budget."""
    ctx = Ctx()
    kind, rust = _run(case, seed, RUST, ctx)
    if kind == "error":
        outcome, detail = _exception_outcome(rust, ctx)
        if outcome not in ("refused", "user-error"):
            return outcome, detail
    ref_ctx = Ctx()
    ref_kind, ref = _with_budget(REFERENCE_BUDGET, lambda: _run(case, seed, REFERENCE, ref_ctx))
    if ref_kind == "error" and isinstance(ref, Wrong):
        return "wrong", f"reference: {ref}"
    if kind == "error":
        if ref_kind != "error":
            return "disagree", f"rust refused ({detail}), reference accepted ({ref_kind})"
        ref_outcome, ref_detail = _exception_outcome(ref, ref_ctx)
        if ref_outcome != outcome:
            return "disagree", f"rust {outcome} ({detail}) / reference {ref_outcome} ({ref_detail})"
        return outcome, detail
    if ref_kind == "budget":
        return "ok-rust-only", ""
    if ref_kind == "error":
        if isinstance(ref, MemoryError) and ctx.large:
            return "ok-rust-only", ""
        return "disagree", f"rust accepted, reference refused: {type(ref).__name__}: {ref}"[:300]
    if ctx.compare and not _equal(rust, ref):
        return "disagree", f"results differ: {str(rust)[:120]} / {str(ref)[:120]}"
    return "ok", ""


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
