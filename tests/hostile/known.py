"""Findings of the hostile suite in code this suite's owner may not fix, awaiting their owners' fixes.

The full run (``python -m tests.hostile.run``) still counts and fails on them; it only labels them. The
default pytest slice tolerates a finding only if it matches an entry here, and every entry has a strict
xfail regression test in test_regressions.py (``test_known_*``) that starts failing once the bug is fixed,
so the entry cannot outlive the bug: delete both then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Known:
    label: str
    owner: str  # the file to fix
    case: str  # regex on the case name
    outcomes: tuple[str, ...]
    detail: str  # regex on the detail

    def matches(self, finding: dict[str, Any]) -> bool:
        return (
            re.search(self.case, str(finding.get("case", ""))) is not None
            and finding.get("outcome") in self.outcomes
            and re.search(self.detail, str(finding.get("detail", ""))) is not None
        )


KNOWN = (
    Known(
        "K1 wrapper state without epoch_seed: KeyError on load (an idle wrapper's own state_dict())",
        "python/ferrosampler/_distributed_state.py",
        r"cases_state\.", ("bad-exception",), r"^KeyError: 'epoch_seed'",
    ),
    Known(
        "K2 combine_states does not check its input: KeyError/AttributeError/TypeError, NaN position skipped",
        "python/ferrosampler/_distributed_state.py",
        r"cases_state\.sharded_resume", ("bad-exception", "unnamed", "wrong"),
        r"combine_states|KeyError: ('position'|\d+)|object has no attribute 'get'|'<' not supported|"
        r"object is not subscriptable",
    ),
    Known(
        "K3 DistributedSamplerWrapper reads len(sampler) unchecked: Python's TypeError/ValueError/OverflowError",
        "python/ferrosampler/_samplers/wrapper.py",
        r"cases_toolkit\.wrapper", ("unnamed", "overflow"),
        r"has no len\(\)|__len__\(\) should return|cannot fit 'int' into an index-sized integer",
    ),
    Known(
        "K4 wrapper state omits an inner torch.Generator's state: epochs after a resume differ",
        "python/ferrosampler/_samplers/wrapper.py",
        r"cases_state\.state_roundtrip", ("wrong",), r"wrapper: the epoch after a resume differs",
    ),
    Known(
        "K5 MPerClassSampler accepts an m or num_replicas whose slot numbers pass 2**64: iteration fails naming "
        "the engine's 'count'/'start'",
        "python/ferrosampler/_samplers/m_per_class.py",
        r"cases_toolkit\.m_per_class", ("unnamed",), r"(count|start|start \+ count) must be (in|<)",
    ),
)  # fmt: skip


def known(finding: dict[str, Any]) -> Known | None:
    return next((entry for entry in KNOWN if entry.matches(finding)), None)
