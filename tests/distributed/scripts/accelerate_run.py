"""accelerate prepare() with 2 processes over 16 items and a seeded ferrosampler sampler.

python accelerate_run.py RANK WORLD DIR PORT: the environment torchrun would set, then Accelerator().
accelerate shards the batches itself, so the sampler is a plain (seeded, identical on every rank) one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import torch
from torch.utils.data import DataLoader

import ferrosampler

if __name__ == "__main__":
    rank, world, directory, port = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    os.environ.update(
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE=str(world),
        LOCAL_WORLD_SIZE=str(world),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=port,
    )
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=True)
    data = torch.arange(16)
    loader = DataLoader(data, batch_size=2, sampler=ferrosampler.RandomSampler(data, seed=11))
    loader = accelerator.prepare(loader)
    seen = {}
    for epoch in range(2):
        loader.set_epoch(epoch)
        seen[epoch] = [int(x) for batch in loader for x in batch]
    (directory / f"rank-{accelerator.process_index}.json").write_text(
        json.dumps({"world": accelerator.num_processes, "seen": seen})
    )
    # Tear the group down before exit: gloo's threads otherwise abort the process at interpreter exit
    # ("terminate called without an active exception") on a loaded machine.
    accelerator.wait_for_everyone()
    accelerator.end_training()
    if torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
