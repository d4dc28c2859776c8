"""One rank of an elastic LengthGroupedBatchSampler run in a gloo group of 3: python gloo_lengths.py RANK 3 DIR PORT.

Phase 1, a subgroup of 2 ranks: each takes STOP batches of epoch EPOCH (in lockstep, as DDP steps), saves its
state; the states are gathered and combined (``combine_states``) and the result broadcast as a checkpoint brings
it. Phase 2, all 3 ranks (world and rank from the process group): load the combined state, serve the rest of the
epoch, then the next epoch. Every rank writes what it saw to DIR/seen-CONFIG-PHASE-RANK.json.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch.distributed as dist

import ferrosampler

N, SEED, EPOCH, STOP = 203, 7, 2, 4
LENGTHS = [int(v) for v in np.ceil(np.exp(np.random.default_rng(0).normal(3.0, 1.0, N)))]
CONFIGS: dict[str, dict[str, Any]] = {
    "batch_size": {"batch_size": 4, "window": 32},
    "max_tokens": {"max_tokens": 120, "window": 40},
}


def make(config: str, **world: int) -> ferrosampler.LengthGroupedBatchSampler:
    return ferrosampler.LengthGroupedBatchSampler(LENGTHS, seed=SEED, **CONFIGS[config], **world)


def run(rank: int, world: int, directory: str, port: int) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=datetime.timedelta(seconds=90))
    out = Path(directory)
    try:
        pair = dist.new_group([0, 1])  # every rank creates every group, as new_group requires
        states: dict[str, dict[str, Any]] = {}
        if rank < 2:
            for config in CONFIGS:
                sampler = make(config, num_replicas=2, rank=rank)
                sampler.set_epoch(EPOCH)
                iterator = iter(sampler)
                seen = [next(iterator) for _ in range(STOP)]
                (out / f"seen-{config}-1-{rank}.json").write_text(json.dumps(seen))
                gathered: list[Any] = [None, None]
                dist.all_gather_object(gathered, json.loads(json.dumps(sampler.state_dict())), group=pair)
                states[config] = ferrosampler.combine_states(gathered)
        shared = [states]
        dist.broadcast_object_list(shared, src=0)
        for config, state in shared[0].items():
            sampler = make(config)  # num_replicas=3 and this rank, from the process group
            assert (sampler.num_replicas, sampler.rank) == (3, rank)
            sampler.load_state_dict(state)
            rest = list(sampler)
            following = list(sampler)  # the next epoch, on this world
            (out / f"seen-{config}-2-{rank}.json").write_text(json.dumps({"rest": rest, "next": following}))
            counts: list[Any] = [None] * 3
            dist.all_gather_object(counts, (len(rest), len(following)))
            assert len(set(counts)) == 1, counts  # every rank serves as many batches: DDP never waits
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    run(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
