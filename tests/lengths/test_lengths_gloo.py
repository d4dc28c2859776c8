"""Elastic resume of LengthGroupedBatchSampler in a real gloo group: 2 ranks stop mid-epoch and save, the states
are combined, 3 ranks resume — every batch of the uninterrupted plan is served exactly once (plus the documented
padding of the last step), each rank as many, and the next epoch is planned for the new world."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch.distributed")

from tests.distributed.test_process_group import run_ranks

sys.path.insert(0, str(Path(__file__).parent / "scripts"))
import gloo_lengths as script

SCRIPT = Path(__file__).parent / "scripts" / "gloo_lengths.py"


def global_order(shares: list[list[list[int]]]) -> list[list[int]]:
    """The ranks' shares put back in global order: position p is rank p mod R's batch p div R."""
    return [shares[p % len(shares)][p // len(shares)] for p in range(sum(map(len, shares)))]


@pytest.mark.thread_unsafe
def test_two_ranks_save_three_resume_in_a_gloo_group(tmp_path):
    run_ranks(SCRIPT, 3, str(tmp_path), timeout=120)
    for config in script.CONFIGS:
        before = [json.loads((tmp_path / f"seen-{config}-1-{r}.json").read_text()) for r in range(2)]
        after = [json.loads((tmp_path / f"seen-{config}-2-{r}.json").read_text()) for r in range(3)]
        plan = global_order([script.make(config, num_replicas=2, rank=r).epoch_batches(script.EPOCH) for r in range(2)])
        consumed = global_order(before)
        assert consumed == plan[: 2 * script.STOP]
        rest = global_order([record["rest"] for record in after])
        assert len({len(record["rest"]) for record in after}) == 1  # equal batch counts per rank
        unserved = len(plan) - len(consumed)
        # Nothing lost, nothing repeated: the rest of the plan in order, then fewer than 3 padding batches that the
        # last step repeats from the epoch's start (positions past the plan read mod its length, spec §24.3).
        assert rest[:unserved] == plan[len(consumed) :]
        assert rest[unserved:] == plan[: len(rest) - unserved] and len(rest) - unserved < 3
        # Over both worlds, the plan's batches once each (the plan's own partial-step repeat included), and so every
        # sample: the distinct batches cover the dataset once.
        assert sorted(consumed + rest[:unserved]) == sorted(plan)
        assert sorted(i for batch in {tuple(batch) for batch in plan} for i in batch) == list(range(script.N))
        # The next epoch is a fresh plan for 3 ranks.
        following = [script.make(config, num_replicas=3, rank=r).epoch_batches(script.EPOCH + 1) for r in range(3)]
        assert [record["next"] for record in after] == following
