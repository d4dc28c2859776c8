"""What Lightning does with our samplers, which are not instances of torch's RandomSampler.

README ("Where ferrosampler deliberately differs from torch") and docs/migration.md describe this;
Lightning finds shuffling and chooses its distributed sampler with isinstance checks on torch's
classes. Single process, CPU; the DDP path runs Lightning's own sampler choice with an explicit
world of 2 (a real 2-rank Lightning run is in test_trainers.py).
"""

from __future__ import annotations

import warnings

import pytest

import ferrosampler

torch = pytest.importorskip("torch")
lightning = pytest.importorskip("lightning")

from lightning.pytorch.trainer.connectors import data_connector  # noqa: E402
from lightning.pytorch.utilities.data import _is_dataloader_shuffled  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

SHUFFLE_WARNING = "sampler has shuffling enabled"


class Scorer(lightning.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(1, 1)

    def validation_step(self, batch: torch.Tensor, batch_index: int) -> torch.Tensor:
        return self.layer(batch).sum()


def validation_warnings(sampler: torch.utils.data.Sampler, folder) -> list[str]:
    rows = torch.arange(16.0).unsqueeze(1)
    loader = DataLoader(rows, batch_size=4, sampler=sampler)
    trainer = lightning.Trainer(
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=folder,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.validate(Scorer(), dataloaders=loader, verbose=False)
    return [str(warning.message) for warning in caught]


@pytest.mark.thread_unsafe
def test_lightning_warns_about_a_shuffled_val_loader_only_with_torchs_sampler(tmp_path) -> None:
    rows = range(16)
    theirs = validation_warnings(torch.utils.data.RandomSampler(rows), tmp_path / "torch")
    ours = validation_warnings(ferrosampler.RandomSampler(rows, seed=1), tmp_path / "ours")
    assert any(SHUFFLE_WARNING in message for message in theirs)
    assert not any(SHUFFLE_WARNING in message for message in ours)


def test_lightning_reports_a_ferrosampler_shuffled_loader_as_not_shuffled() -> None:
    rows = list(range(16))
    assert _is_dataloader_shuffled(DataLoader(rows, sampler=torch.utils.data.RandomSampler(rows)))
    assert not _is_dataloader_shuffled(DataLoader(rows, sampler=ferrosampler.RandomSampler(rows, seed=1)))
    batches = ferrosampler.BatchSampler(ferrosampler.RandomSampler(rows, seed=1), 4, False)
    assert not _is_dataloader_shuffled(DataLoader(rows, batch_sampler=batches))


@pytest.mark.thread_unsafe  # an environment variable
def test_under_ddp_lightning_replaces_torchs_sampler_and_wraps_ours(monkeypatch) -> None:
    monkeypatch.delenv("PL_GLOBAL_SEED", raising=False)  # Lightning's seed for its sampler: 0
    rows = list(range(16))
    world = {"num_replicas": 2, "rank": 0}

    theirs = torch.utils.data.RandomSampler(rows)
    chosen = data_connector._get_distributed_sampler(DataLoader(rows, sampler=theirs), True, 0, **world)
    assert type(chosen) is torch.utils.data.DistributedSampler  # the user's sampler is gone

    ours = ferrosampler.RandomSampler(rows, seed=1)
    chosen = data_connector._get_distributed_sampler(DataLoader(rows, sampler=ours), True, 0, **world)
    assert chosen.dataset._sampler is ours
    chosen.set_epoch(3)  # forwarded to ours
    share = list(chosen)
    epoch = ferrosampler.RandomSampler(rows, seed=1).epoch_indices(3).tolist()
    positions = torch.randperm(16, generator=torch.Generator().manual_seed(0 + 3)).tolist()
    assert share == [epoch[p] for p in positions[0::2]]  # ours, reshuffled by torch's generator

    for sampler in (
        ferrosampler.DistributedSampler(rows, seed=1, **world),
        ferrosampler.DistributedSamplerWrapper(ours, **world),
    ):
        assert isinstance(sampler, torch.utils.data.DistributedSampler)  # what Lightning leaves in place
