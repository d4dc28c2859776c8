"""One rank of an evaluation run in a real gloo group of 3: python gloo_uneven.py RANK 3 DIR PORT.

29 indices on 3 ranks with even=False: 10, 10 and 9 (the last rank is shorter). For DistributedSampler and
DistributedSamplerWrapper each rank writes DIR/epoch-NAME-RANK.json (its whole share of epoch 1) and gathers
the "results" of its share twice: with all_gather_object, and padded to the longest share with a mask (the
tensor path). Then a resume: the 3 ranks read 4 each, combine their states, and a world of 2 (a subgroup) reads
the rest with even=False; each rank writes what it read to DIR/resume-NAME-WORLD-RANK.json.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import torch
import torch.distributed as dist

import ferrosampler

N, SEED, EPOCH = 29, 3, 1


def make(name: str, world: int, rank: int) -> object:
    if name == "distributed":
        return ferrosampler.DistributedSampler(range(N), world, rank, seed=SEED, even=False)
    return ferrosampler.DistributedSamplerWrapper(
        ferrosampler.RandomSampler(range(N), seed=SEED), world, rank, even=False
    )


def evaluate(index: int) -> float:
    return index * 0.5  # a per-sample metric


def gather_objects(share: list[int], world: int) -> dict[int, float]:
    gathered: list[list[tuple[int, float]]] = [[] for _ in range(world)]
    dist.all_gather_object(gathered, [(index, evaluate(index)) for index in share])
    results: dict[int, float] = {}
    for part in gathered:
        for index, value in part:
            assert index not in results, index  # no index evaluated twice
            results[index] = value
    return results


def gather_padded(share: list[int], longest: int, world: int) -> dict[int, float]:
    # Tensors must have one shape on every rank: pad to the longest share, and send a mask of the real rows.
    indices = torch.full((longest,), -1, dtype=torch.int64)
    values = torch.zeros(longest, dtype=torch.float64)
    indices[: len(share)] = torch.tensor(share, dtype=torch.int64)
    values[: len(share)] = torch.tensor([evaluate(index) for index in share], dtype=torch.float64)
    mask = indices >= 0
    all_indices = [torch.empty_like(indices) for _ in range(world)]
    all_values = [torch.empty_like(values) for _ in range(world)]
    all_masks = [torch.empty_like(mask) for _ in range(world)]
    dist.all_gather(all_indices, indices)
    dist.all_gather(all_values, values)
    dist.all_gather(all_masks, mask)
    results: dict[int, float] = {}
    for got_indices, got_values, got_mask in zip(all_indices, all_values, all_masks, strict=True):
        for index, value in zip(got_indices[got_mask].tolist(), got_values[got_mask].tolist(), strict=True):
            assert index not in results, index
            results[index] = value
    return results


def run(rank: int, world: int, directory: str, port: int) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=datetime.timedelta(seconds=60))
    out = Path(directory)
    try:
        for name in ("distributed", "wrapper"):
            sampler = make(name, world, rank)
            sampler.set_epoch(EPOCH)
            share = list(sampler)
            assert len(share) == len(sampler) == N // world + (rank < N % world)
            (out / f"epoch-{name}-{rank}.json").write_text(json.dumps(share))
            longest = -(-N // world)  # rank 0's share: the longest
            expected = {index: evaluate(index) for index in range(N)}
            assert gather_objects(share, world) == expected
            assert gather_padded(share, longest, world) == expected

            # Resume: 4 each on 3 ranks, then a world of 2 reads the rest, uneven too.
            sampler = make(name, world, rank)
            sampler.set_epoch(EPOCH)
            iterator = iter(sampler)
            head = [next(iterator) for _ in range(4)]
            (out / f"resume-{name}-{world}-{rank}.json").write_text(json.dumps(head))
            states: list[dict] = [{} for _ in range(world)]
            dist.all_gather_object(states, sampler.state_dict())
            combined = ferrosampler.combine_states(states)
            group = dist.new_group([0, 1])
            if rank < 2:
                resumed = make(name, 2, dist.get_rank(group))
                resumed.load_state_dict(combined)
                resumed.set_epoch(EPOCH)
                (out / f"resume-{name}-2-{rank}.json").write_text(json.dumps(list(resumed)))
            dist.barrier()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    run(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
