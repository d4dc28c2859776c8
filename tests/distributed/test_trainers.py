"""Real trainers with ferrosampler samplers: Lightning DDP, accelerate prepare(), HF datasets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ferrosampler

from .test_process_group import run_ranks

SCRIPTS = Path(__file__).parent / "scripts"


def test_lightning_ddp_leaves_our_sampler_alone(tmp_path):
    pytest.importorskip("lightning")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PL_DISABLE_FORK": "1"}
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "lightning_run.py"), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = [json.loads((tmp_path / f"rank-{rank}.json").read_text()) for rank in range(2)]
    for epoch in ("0", "1"):
        shares = [sorted(rank_seen[epoch]) for rank_seen in seen]
        assert [len(share) for share in shares] == [8, 8]  # Lightning did not wrap it again
        assert sorted(shares[0] + shares[1]) == list(range(16))
        expected = ferrosampler.DistributedSampler(range(16), 2, 0, seed=5)
        expected.set_epoch(int(epoch))  # Lightning called set_epoch
        assert seen[0][epoch] == list(expected)


def test_accelerate_prepare_shards_a_seeded_sampler(tmp_path):
    pytest.importorskip("accelerate")
    run_ranks(SCRIPTS / "accelerate_run.py", 2, str(tmp_path), timeout=90)
    seen = [json.loads((tmp_path / f"rank-{rank}.json").read_text()) for rank in range(2)]
    assert [record["world"] for record in seen] == [2, 2]
    for epoch in ("0", "1"):
        shares = [record["seen"][epoch] for record in seen]
        assert [len(share) for share in shares] == [8, 8]
        assert sorted(shares[0] + shares[1]) == list(range(16))
    assert seen[0]["seen"]["0"] != seen[0]["seen"]["1"]


def test_hf_datasets_map_style_through_a_dataloader():
    datasets = pytest.importorskip("datasets")
    torch_data = pytest.importorskip("torch.utils.data")
    table = datasets.Dataset.from_dict({"x": list(range(100, 116))})
    seen = []
    for rank in range(2):
        sampler = ferrosampler.DistributedSampler(table, num_replicas=2, rank=rank, seed=1)
        sampler.set_epoch(3)
        loader = torch_data.DataLoader(table, batch_size=4, sampler=sampler)
        share = [int(x) for batch in loader for x in batch["x"]]
        assert len(share) == 8
        seen += share
    assert sorted(seen) == list(range(100, 116))
