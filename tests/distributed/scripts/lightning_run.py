"""Lightning DDP (2 CPU ranks, default settings) over 16 items with ferrosampler.DistributedSampler.

python lightning_run.py DIR: each rank writes the indices its training steps saw, per epoch, to DIR.
Lightning starts rank 1 itself, by running this script again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import lightning
import torch
from torch.utils.data import DataLoader

import ferrosampler


class Items(torch.utils.data.Dataset):
    def __len__(self) -> int:
        return 16

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.tensor([float(index)])


class Recorder(lightning.LightningModule):
    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(1, 1)
        self.directory = directory
        self.seen: dict[int, list[int]] = {}

    def training_step(self, batch: torch.Tensor, batch_index: int) -> torch.Tensor:
        self.seen.setdefault(self.current_epoch, []).extend(int(x) for x in batch[:, 0])
        return self.layer(batch).sum()

    def on_train_end(self) -> None:
        (self.directory / f"rank-{self.global_rank}.json").write_text(json.dumps(self.seen))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=0.01)

    def train_dataloader(self) -> DataLoader:
        sampler = ferrosampler.DistributedSampler(Items(), seed=5)  # world and rank from the process group
        return DataLoader(Items(), batch_size=3, sampler=sampler)


if __name__ == "__main__":
    directory = Path(sys.argv[1])
    trainer = lightning.Trainer(
        strategy="ddp",
        accelerator="cpu",
        devices=2,
        max_epochs=2,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(Recorder(directory))
    if torch.distributed.is_initialized():  # gloo's threads joined now, not torn down at interpreter exit
        torch.distributed.destroy_process_group()
