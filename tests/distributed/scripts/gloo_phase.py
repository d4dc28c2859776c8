"""One rank of an elastic run in a real gloo group of 4: python gloo_phase.py RANK 4 DIR PORT.

Phases run in gloo subgroups of sizes 4, 2, 3, 1: each resumes the previous phase's combined state,
consumes some indices per rank, records what each rank saw to DIR/seen-*. Every phase also checks that
the ranks' fresh shares put together are one epoch of each inner sampler.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import torch.distributed as dist

import ferrosampler

N, SEED, EPOCH = 29, 3, 1
INNER = {
    "random": lambda: ferrosampler.RandomSampler(range(N), seed=SEED),
    "replacement": lambda: ferrosampler.RandomSampler(range(N), True, 40, seed=SEED),
    "weighted_no_replacement": lambda: ferrosampler.WeightedRandomSampler(
        [1.0 + i for i in range(N)], 20, False, seed=SEED
    ),
    "subset": lambda: ferrosampler.SubsetRandomSampler(list(range(100, 100 + N)), seed=SEED),
}


PHASES = [(4, 2), (2, 3), (3, 2), (1, -1)]  # (world size, indices per rank; -1: the rest of the epoch)


def samplers(group: object, world: int) -> dict[str, object]:
    rank = dist.get_rank(group)
    if world == dist.get_world_size():  # the whole group: num_replicas and rank as torch finds them
        return {
            "distributed": ferrosampler.DistributedSampler(range(N), seed=SEED),
            "wrapper": ferrosampler.DistributedSamplerWrapper(INNER["random"]()),
        }
    return {
        "distributed": ferrosampler.DistributedSampler(range(N), world, rank, seed=SEED),
        "wrapper": ferrosampler.DistributedSamplerWrapper(INNER["random"](), world, rank),
    }


def check_union(group: object, world: int) -> None:
    rank = dist.get_rank(group)
    for name, make in INNER.items():
        wrapper = ferrosampler.DistributedSamplerWrapper(make(), world, rank)
        wrapper.set_epoch(EPOCH)
        shares: list[list[int]] = [[] for _ in range(world)]
        dist.all_gather_object(shares, list(wrapper), group=group)
        inner = make()
        inner.set_epoch(EPOCH)
        whole = list(inner)
        glued = [shares[p % world][p // world] for p in range(len(whole))]
        assert glued == whole, (name, world)


def phase(group: object, world: int, stop: int, out: Path, state: dict[str, dict]) -> dict[str, dict]:
    check_union(group, world)
    rank = dist.get_rank(group)
    states = {}
    for name, sampler in samplers(group, world).items():
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
    timeout = datetime.timedelta(seconds=60)
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=timeout)
    try:
        state: dict[str, dict] = {}
        for size, stop in PHASES:
            # Every rank creates every group, as new_group requires; ranks 0 … size − 1 are a world of size.
            group = dist.new_group(list(range(size)))
            if rank < size:
                state = phase(group, size, stop, Path(directory), state)
            # The next world's ranks get the saved state the way a checkpoint would bring it: from rank 0.
            shared = [state]
            dist.broadcast_object_list(shared, src=0)
            state = shared[0]
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    # One process per rank, started by the test (no launcher process importing torch too).
    run(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
