"""One rank of an elastic MixtureSampler run in a gloo group of 3: python gloo_mixture.py RANK 3 DIR PORT.

Two ranks read DistributedSamplerWrapper(MixtureSampler) shares of epoch EPOCH mid-way, their states are gathered and
combined, and three ranks resume from the combined state to the end of the epoch (padding left out). Each rank writes
what it served to DIR/seen-WORLD-RANK.json, and rank 0 the uninterrupted epoch to DIR/epoch.json.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import torch.distributed as dist

import ferrosampler

N, SEED, EPOCH, FIRST = 2500, 7, 1, 700  # FIRST: positions each of the two ranks reads before the stop


def mixture() -> ferrosampler.MixtureSampler:
    schedule = [(0, [0.8, 0.15, 0.05]), (1000, [0.5, 0.3, 0.2])]  # a warm-up, then more of sources 1 and 2
    return ferrosampler.MixtureSampler([3000, 400, 90], schedule, num_samples=N, seed=SEED)


def shard(world: int, rank: int) -> ferrosampler.DistributedSamplerWrapper:
    sampler = ferrosampler.DistributedSamplerWrapper(mixture(), num_replicas=world, rank=rank)
    sampler.set_epoch(EPOCH)
    return sampler


def run(rank: int, world: int, directory: str, port: int) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=datetime.timedelta(seconds=90))
    out = Path(directory)
    try:
        pair = dist.new_group([0, 1])  # every rank creates every group, as new_group requires
        state: dict = {}
        if rank < 2:
            sampler = shard(2, rank)
            iterator = iter(sampler)
            seen = [next(iterator) for _ in range(FIRST)]
            (out / f"seen-2-{rank}.json").write_text(json.dumps(seen))
            states: list[dict] = [{}, {}]
            dist.all_gather_object(states, json.loads(json.dumps(sampler.state_dict())), group=pair)
            state = ferrosampler.combine_states(states)
        shared = [state]
        dist.broadcast_object_list(shared, src=0)  # the new world gets the state as a checkpoint brings it
        resumed = ferrosampler.DistributedSamplerWrapper(mixture(), num_replicas=3, rank=rank)
        resumed.load_state_dict(shared[0])
        rest = list(resumed)
        # Global positions state + rank + 3k below N are this rank's; the rest is padding.
        served = (N - shared[0]["position"] + 2 - rank) // 3
        (out / f"seen-3-{rank}.json").write_text(json.dumps(rest[:served]))
        if rank == 0:
            (out / "epoch.json").write_text(json.dumps(mixture().epoch_indices(EPOCH).tolist()))
        dist.barrier()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    run(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
