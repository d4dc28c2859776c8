"""One rank of an elastic run of the class-imbalance samplers in a real gloo group of 3:
python gloo_class_samplers.py RANK 3 DIR PORT.

Phases run in gloo subgroups of sizes 2, 3, 2: each resumes the state the previous phase's rank 0 saved
(broadcast, as a checkpoint would bring it), hands out some outputs per rank and records them to DIR/seen-*;
the whole group's phase takes num_replicas and rank from torch.distributed.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import numpy as np
import torch.distributed as dist

import ferrosampler

WEIGHTS = [0.5 + (i % 7) for i in range(30)]
LABELS = np.repeat(np.arange(6), [4, 2, 5, 3, 6, 1])
EPOCH = 2
PHASES = [(2, {"weighted": 3, "pk": 3, "m": 4}), (3, {"weighted": 4, "pk": 4, "m": 4}), (2, None)]


def samplers(world: int, rank: int | None) -> dict[str, object]:
    """rank None: num_replicas and rank as torch.distributed's default group has them."""
    replicas = None if rank is None else world
    return {
        "weighted": ferrosampler.DistributedWeightedSampler(WEIGHTS, 24, replicas, rank, replacement=False, seed=4),
        "pk": ferrosampler.PKBatchSampler(LABELS, 3, 2, num_batches=24, seed=5, num_replicas=replicas, rank=rank),
        "m": ferrosampler.MPerClassSampler(LABELS, 2, 4, 12, seed=6, num_replicas=replicas, rank=rank),
    }


def phase(group: object, world: int, stops: dict[str, int] | None, out: Path, state: dict[str, dict]) -> dict:
    rank = dist.get_rank(group)
    whole_group = world == dist.get_world_size()
    states = {}
    for name, sampler in samplers(world, None if whole_group else rank).items():
        assert (sampler.num_replicas, sampler.rank) == (world, rank)  # type: ignore[attr-defined]
        if name in state:
            sampler.load_state_dict(json.loads(json.dumps(state[name])))  # type: ignore[attr-defined]
        sampler.set_epoch(EPOCH)  # type: ignore[attr-defined]
        iterator = iter(sampler)  # type: ignore[call-overload]
        seen = list(iterator) if stops is None else [next(iterator) for _ in range(stops[name])]
        (out / f"seen-{name}-{rank}.json").write_text(json.dumps(seen))
        gathered: list[dict] = [{} for _ in range(world)]
        dist.all_gather_object(gathered, sampler.state_dict(), group=group)  # type: ignore[attr-defined]
        # Every rank stopped at the same place, so every rank's state is the same but for its rank.
        assert all({**g, "rank": 0} == {**gathered[0], "rank": 0} for g in gathered), name
        states[name] = ferrosampler.combine_states(gathered)
    return states


def run(rank: int, world: int, directory: str, port: int) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=datetime.timedelta(seconds=60))
    try:
        state: dict[str, dict] = {}
        for number, (size, stops) in enumerate(PHASES):
            group = dist.new_group(list(range(size)))  # every rank creates every group, as new_group requires
            if rank < size:
                out = Path(directory) / f"phase-{number}"
                out.mkdir(exist_ok=True)
                state = phase(group, size, stops, out, state)
            shared = [state]
            dist.broadcast_object_list(shared, src=0)
            state = shared[0]
            dist.barrier()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    # One process per rank, started by the test (no launcher process importing torch too).
    run(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
