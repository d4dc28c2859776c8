"""One rank of an elastic DistributedSamplerWrapper run in a gloo group of 3: python gloo_wrapper.py RANK 3 DIR PORT.

The inner samplers are a MindSpore sampler and a BatchSampler. Phases run in gloo subgroups of sizes 2, 3, 1: each
checks that the ranks' fresh shares put together are one epoch of the inner sampler, resumes the previous phase's
combined state, consumes some positions per rank and records what each rank saw to DIR/seen-*.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import torch.distributed as dist

import ferrosampler
import ferrosampler.mindspore

N, SEED, EPOCH = 29, 3, 1
INNER = {  # each an epoch of N positions
    "mindspore": lambda: ferrosampler.mindspore.RandomSampler(seed=SEED, dataset_size=N),
    "batch": lambda: ferrosampler.BatchSampler(ferrosampler.RandomSampler(range(2 * N), seed=SEED), 2, False),
}
PHASES = [(2, 4), (3, 3), (1, -1)]  # (world size, positions per rank; -1: the rest of the epoch)


def check_union(group: object, world: int) -> None:
    rank = dist.get_rank(group)
    for name, make in INNER.items():
        wrapper = ferrosampler.DistributedSamplerWrapper(make(), world, rank)
        wrapper.set_epoch(EPOCH)
        shares: list[list[object]] = [[] for _ in range(world)]
        dist.all_gather_object(shares, list(wrapper), group=group)
        inner = make()
        inner.set_epoch(EPOCH)
        whole = list(inner)
        assert [shares[p % world][p // world] for p in range(len(whole))] == whole, (name, world)


def phase(group: object, world: int, stop: int, out: Path, state: dict[str, dict]) -> dict[str, dict]:
    check_union(group, world)
    rank = dist.get_rank(group)
    states = {}
    for name, make in INNER.items():
        sampler = ferrosampler.DistributedSamplerWrapper(make(), world, rank)
        if name in state:
            sampler.load_state_dict(json.loads(json.dumps(state[name])))
        sampler.set_epoch(EPOCH)
        iterator = iter(sampler)
        seen = list(iterator) if stop < 0 else [next(iterator) for _ in range(stop)]
        (out / f"seen-{name}-{world}-{rank}.json").write_text(json.dumps(seen))
        gathered: list[dict] = [{} for _ in range(world)]
        dist.all_gather_object(gathered, sampler.state_dict(), group=group)
        states[name] = ferrosampler.combine_states(gathered)
    return states


def run(rank: int, world: int, directory: str, port: int) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=datetime.timedelta(seconds=90))
    try:
        state: dict[str, dict] = {}
        for size, stop in PHASES:
            group = dist.new_group(list(range(size)))  # every rank creates every group, as new_group requires
            if rank < size:
                state = phase(group, size, stop, Path(directory), state)
            shared = [state]
            dist.broadcast_object_list(shared, src=0)  # the next world gets the state as a checkpoint brings it
            state = shared[0]
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    run(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
