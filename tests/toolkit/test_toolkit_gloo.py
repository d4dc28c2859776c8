"""DistributedWeightedSampler and PKBatchSampler in a real gloo process group: num_replicas/rank
come from torch.distributed, and the gathered ranks' outputs are the global draw / the global
batches. 2 ranks in the default suite; 3 and 4 ranks under -m slow."""

from __future__ import annotations

import os
import socket

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import ferrosampler as fs
from ferrosampler import DistributedWeightedSampler, PKBatchSampler

WEIGHTS = np.linspace(0.0, 3.0, 37)
LABELS = np.repeat(np.arange(7), [5, 1, 9, 3, 4, 2, 8])


def _worker(rank: int, world: int, port: int, out: dict) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        weighted = DistributedWeightedSampler(WEIGHTS, 40, seed=4)
        assert (weighted.num_replicas, weighted.rank) == (world, rank)
        weighted.set_epoch(2)
        mine = torch.as_tensor(weighted.epoch_indices())
        gathered = [torch.empty_like(mine) for _ in range(world)]
        dist.all_gather(gathered, mine)
        batches = torch.as_tensor(PKBatchSampler(LABELS, 3, 2, num_batches=world * 3, seed=8).epoch_batches(0))
        gathered_batches = [torch.empty_like(batches) for _ in range(world)]
        dist.all_gather(gathered_batches, batches)
        if rank == 0:
            out["weighted"] = [g.tolist() for g in gathered]
            out["batches"] = [g.tolist() for g in gathered_batches]
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("world", [2, pytest.param(3, marks=pytest.mark.slow), pytest.param(4, marks=pytest.mark.slow)])
def test_gloo_ranks(world):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    manager = mp.Manager()
    out = manager.dict()
    mp.spawn(_worker, args=(world, port, out), nprocs=world, join=True)
    per_rank = -(-40 // world)
    union = np.empty(per_rank * world, dtype=np.int64)
    for r, part in enumerate(out["weighted"]):
        union[r::world] = part
    whole_draw = fs.WeightedRandomSampler(WEIGHTS, 40, seed=4).epoch_indices(2)
    assert union.tolist() == np.concatenate([whole_draw, whole_draw])[: per_rank * world].tolist()
    whole = PKBatchSampler(LABELS, 3, 2, num_batches=world * 3, seed=8, num_replicas=1, rank=0).epoch_batches(0)
    for r in range(world):
        assert out["batches"][r] == whole[r::world].tolist()
