"""LengthGroupedBatchSampler in real loaders: torch's DataLoader with worker processes and a collate that pads
(every rank of a simulated world, every sample once, each batch padded only to its own longest), and
Lightning's data connector, which leaves it alone with ``use_distributed_sampler=False`` and otherwise fails
with a message that says so."""

from __future__ import annotations

import numpy as np
import pytest

import ferrosampler as fs

torch = pytest.importorskip("torch")

LENGTHS = [int(v) for v in np.ceil(np.exp(np.random.default_rng(2).normal(3.0, 0.8, 500)))]
PAD = -1


class Tokens(torch.utils.data.Dataset):
    """Sample i is a token sequence of LENGTHS[i] copies of i."""

    def __len__(self) -> int:
        return len(LENGTHS)

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.full((LENGTHS[index],), index, dtype=torch.int64)


def pad(samples: list[torch.Tensor]) -> torch.Tensor:
    return torch.nn.utils.rnn.pad_sequence(samples, batch_first=True, padding_value=PAD)


@pytest.mark.thread_unsafe
@pytest.mark.parametrize("config", [{"batch_size": 16}, {"max_tokens": 400}])
def test_a_padded_training_loop_over_every_rank(config):
    world, epochs = 3, 2
    samplers = [
        fs.LengthGroupedBatchSampler(LENGTHS, num_replicas=world, rank=r, seed=4, window=80 if "batch_size" in config
                                     else None, **config)
        for r in range(world)
    ]  # fmt: skip
    loaders = [
        torch.utils.data.DataLoader(Tokens(), batch_sampler=s, num_workers=2, collate_fn=pad, persistent_workers=True)
        for s in samplers
    ]
    for epoch in range(epochs):
        seen: list[int] = []
        steps = [list(loader) for loader in loaders]
        assert len({len(s) for s in steps}) == 1 and len(steps[0]) == len(samplers[0]) > 0
        for rank_batches, sampler in zip(steps, samplers, strict=True):
            assert rank_batches and sampler.epoch == epoch + 1
            for batch in rank_batches:
                rows = [row[row != PAD] for row in batch]
                ids = [int(row[0]) for row in rows]
                assert all(bool((row == i).all()) and len(row) == LENGTHS[i] for row, i in zip(rows, ids, strict=True))
                assert batch.shape[1] == max(LENGTHS[i] for i in ids)  # padded to its own longest only
                assert [LENGTHS[i] for i in ids] == sorted(LENGTHS[i] for i in ids)  # a length group
                if "max_tokens" in config:
                    assert batch.numel() <= config["max_tokens"] or len(ids) == 1
                seen += ids
        # every sample, plus at most world − 1 repeated batches of the partial step
        assert set(seen) == set(range(len(LENGTHS))) and len(seen) - len(LENGTHS) < world * max(map(len, steps[0]))


def _lightning_trainer(use_distributed_sampler):
    lightning = pytest.importorskip("lightning.pytorch")
    return lightning.Trainer(
        accelerator="cpu", devices=2, strategy="ddp", use_distributed_sampler=use_distributed_sampler,
        logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
    )  # fmt: skip


@pytest.mark.thread_unsafe
def test_lightning_leaves_it_alone_with_use_distributed_sampler_false():
    """Lightning (2.x) re-wraps a DataLoader whose ``sampler`` is not a DistributedSampler — always the case with
    ``batch_sampler=`` (DataLoader makes its own SequentialSampler) — unless ``use_distributed_sampler=False``."""
    from lightning.fabric.utilities.data import _set_sampler_epoch
    from lightning.pytorch.trainer.states import RunningStage

    trainer = _lightning_trainer(False)
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, 8, seed=1, num_replicas=2, rank=0)
    loader = torch.utils.data.DataLoader(Tokens(), batch_sampler=sampler, collate_fn=pad)
    prepared = trainer._data_connector._prepare_dataloader(loader, shuffle=True, mode=RunningStage.TRAINING)
    assert prepared is loader and prepared.batch_sampler is sampler
    _set_sampler_epoch(prepared, 6)  # Lightning's call at each epoch start reaches the sampler
    assert sampler.epoch == 6


@pytest.mark.thread_unsafe
def test_lightning_rewrapping_it_fails_with_the_setting_to_use():
    from lightning.pytorch.trainer.states import RunningStage

    trainer = _lightning_trainer(True)
    sampler = fs.LengthGroupedBatchSampler(LENGTHS, 8, seed=1, num_replicas=2, rank=0)
    loader = torch.utils.data.DataLoader(Tokens(), batch_sampler=sampler, collate_fn=pad)
    with pytest.raises(TypeError, match=r"use_distributed_sampler=False"):
        trainer._data_connector._prepare_dataloader(loader, shuffle=True, mode=RunningStage.TRAINING)


@pytest.mark.slow
@pytest.mark.thread_unsafe
def test_lightning_ddp_fit_with_use_distributed_sampler_false(tmp_path):
    """A real 2-rank Lightning DDP fit: each rank trains on its own share of the plan, epoch by epoch."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("lightning")
    script = Path(__file__).parent / "scripts" / "lightning_lengths_run.py"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PL_DISABLE_FORK": "1"}
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = [json.loads((tmp_path / f"rank-{rank}.json").read_text()) for rank in range(2)]
    lengths = [1 + (i * 7) % 23 for i in range(40)]
    for epoch in (0, 1):
        for rank in range(2):
            expected = fs.LengthGroupedBatchSampler(lengths, 3, window=12, seed=5, num_replicas=2, rank=rank)
            assert seen[rank][str(epoch)] == expected.epoch_batches(epoch)  # not re-wrapped; set_epoch reached it
        assert sorted(i for rank in range(2) for b in seen[rank][str(epoch)] for i in b) == list(range(40))


@pytest.mark.thread_unsafe
def test_a_real_single_process_lightning_fit(tmp_path):
    """A real Lightning fit (CPU, one process) with ``use_distributed_sampler=False``: each epoch trains on the
    sampler's own batches of that epoch (Lightning's set_epoch reaches it), padded by the collate, and the
    sampler's state resumes in a second fit where the first stopped."""
    lightning = pytest.importorskip("lightning.pytorch")

    class Recorder(lightning.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = torch.nn.Embedding(len(LENGTHS), 4)
            self.seen: dict[int, list[list[int]]] = {}

        def training_step(self, batch: torch.Tensor, batch_index: int) -> torch.Tensor:
            ids = [int(row[0]) for row in batch]
            self.seen.setdefault(self.current_epoch, []).append(ids)
            return self.embedding(batch.clamp(min=0)).sum()

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.SGD(self.parameters(), lr=0.01)

    def fit(sampler, epochs: int, batches: int | None = None) -> Recorder:
        loader = torch.utils.data.DataLoader(Tokens(), batch_sampler=sampler, collate_fn=pad)
        trainer = lightning.Trainer(
            accelerator="cpu", devices=1, max_epochs=epochs, limit_train_batches=batches,
            use_distributed_sampler=False, logger=False, enable_checkpointing=False, enable_progress_bar=False,
            enable_model_summary=False, default_root_dir=tmp_path,
        )  # fmt: skip
        model = Recorder()
        trainer.fit(model, train_dataloaders=loader)
        return model

    sampler = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=600, seed=3)
    model = fit(sampler, 2)
    for epoch in (0, 1):
        assert model.seen[epoch] == fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=600, seed=3).epoch_batches(epoch)
    assert model.seen[0] != model.seen[1]
    # Stopped after 5 batches of epoch 0, saved, resumed by a fresh sampler in a new fit: the rest of epoch 0.
    first = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=600, seed=3)
    head = fit(first, 1, batches=5).seen[0]
    resumed = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=600, seed=3)
    resumed.load_state_dict(first.state_dict())
    assert head + fit(resumed, 1).seen[0] == model.seen[0]
