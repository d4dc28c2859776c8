"""Lightning DDP (2 CPU ranks, ``use_distributed_sampler=False``) over 40 samples of varied length with
ferrosampler.LengthGroupedBatchSampler as the DataLoader's batch_sampler.

python lightning_lengths_run.py DIR: each rank writes the batches its training steps saw, per epoch, to DIR.
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

LENGTHS = [1 + (i * 7) % 23 for i in range(40)]


class Tokens(torch.utils.data.Dataset):
    def __len__(self) -> int:
        return len(LENGTHS)

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.full((LENGTHS[index],), float(index))


def pad(samples: list[torch.Tensor]) -> torch.Tensor:
    return torch.nn.utils.rnn.pad_sequence(samples, batch_first=True, padding_value=-1.0)


class Recorder(lightning.LightningModule):
    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(1, 1)
        self.directory = directory
        self.seen: dict[int, list[list[int]]] = {}

    def training_step(self, batch: torch.Tensor, batch_index: int) -> torch.Tensor:
        self.seen.setdefault(self.current_epoch, []).append([int(row[0]) for row in batch])
        return self.layer(batch[:, :1]).sum()

    def on_train_end(self) -> None:
        (self.directory / f"rank-{self.global_rank}.json").write_text(json.dumps(self.seen))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=0.01)

    def train_dataloader(self) -> DataLoader:
        # World and rank from the process group; the seed is what every rank shares.
        sampler = ferrosampler.LengthGroupedBatchSampler(LENGTHS, 3, window=12, seed=5)
        return DataLoader(Tokens(), batch_sampler=sampler, collate_fn=pad)


if __name__ == "__main__":
    directory = Path(sys.argv[1])
    trainer = lightning.Trainer(
        strategy="ddp",
        accelerator="cpu",
        devices=2,
        max_epochs=2,
        use_distributed_sampler=False,  # the batch sampler shards by itself: Lightning must not re-wrap it
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(Recorder(directory))
