"""Elastic resume and sharding in a real torch.distributed gloo process group (world sizes 1–4)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch.distributed")

SCRIPT = Path(__file__).parent / "scripts" / "gloo_phase.py"
N = 29


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_ranks(script: Path, world: int, *args: str, timeout: float = 60) -> None:
    """Starts one process per rank (rank, world, *args, port) and waits for all; kills them on timeout."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    port = str(free_port())
    ranks = [
        subprocess.Popen(
            [sys.executable, str(script), str(rank), str(world), *args, port],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for rank in range(world)
    ]
    try:
        outputs = [rank.communicate(timeout=timeout)[0] for rank in ranks]
    finally:
        for rank in ranks:
            if rank.poll() is None:
                rank.kill()
    for rank, output in zip(ranks, outputs, strict=True):
        assert rank.returncode == 0, output[-3000:]


def test_elastic_resume_through_worlds_4_2_3_1_loses_and_repeats_nothing(tmp_path):
    # Per rank: 4 ranks × 2, then 2 × 3, then 3 × 2 (position 20), then 1 rank takes the last 9.
    run_ranks(SCRIPT, 4, str(tmp_path))
    for name in ("distributed", "wrapper"):
        records = sorted(tmp_path.glob(f"seen-{name}-*.json"))
        assert len(records) == 4 + 2 + 3 + 1
        seen = [index for record in records for index in json.loads(record.read_text())]
        assert sorted(seen) == list(range(N)), name


def test_wrapper_over_mindspore_and_batch_samplers_resumes_through_worlds_2_3_1(tmp_path):
    # Per rank: 2 ranks × 4 positions, then 3 × 3 (position 17), then 1 rank takes the last 12.
    run_ranks(SCRIPT.with_name("gloo_wrapper.py"), 3, str(tmp_path), timeout=180)
    for name, expected in (("mindspore", list(range(N))), ("batch", list(range(2 * N)))):
        records = sorted(tmp_path.glob(f"seen-{name}-*.json"))
        assert len(records) == 2 + 3 + 1
        seen = [value for record in records for value in json.loads(record.read_text())]
        if name == "batch":
            assert {len(batch) for batch in seen} == {2}
            seen = [index for batch in seen for index in batch]
        assert sorted(seen) == expected, name


def test_a_mixture_resumes_from_2_to_3_ranks_losing_and_repeating_nothing(tmp_path):
    # 2 ranks × 700 positions of a scheduled 3-source mixture, states combined, then 3 ranks take the other 1,100.
    run_ranks(SCRIPT.with_name("gloo_mixture.py"), 3, str(tmp_path), timeout=180)
    epoch = json.loads((tmp_path / "epoch.json").read_text())
    records = sorted(tmp_path.glob("seen-*.json"))
    assert [record.name for record in records] == [f"seen-{w}-{r}.json" for w, n in ((2, 2), (3, 3)) for r in range(n)]
    per_record = [json.loads(record.read_text()) for record in records]
    assert [len(seen) for seen in per_record] == [700, 700, 367, 367, 366]
    seen = [index for part in per_record for index in part]
    assert len(epoch) == 2500 and len(set(epoch)) < 2500  # up-weighted items repeat: compared as multisets
    assert sorted(seen) == sorted(epoch)
    # And position by position: global position g of the epoch went to the rank g mod world of its phase.
    first, second = per_record[:2], per_record[2:]
    merged = [first[g % 2][g // 2] for g in range(1400)] + [second[g % 3][g // 3] for g in range(1100)]
    assert merged == epoch
