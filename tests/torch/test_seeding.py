"""Where unseeded samplers get their seed (spec §10): torch's global generator when torch is
installed (torch.manual_seed reproduces a run), else ferrosampler's own source."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

import ferrosampler as fs
from ferrosampler._protocol import torch_compat as _torch_compat


@pytest.fixture
def as_if_torch_were_not_installed(monkeypatch):
    monkeypatch.setattr(_torch_compat, "TORCH_AVAILABLE", False)


def unseeded_runs() -> list[list[int]]:
    return [list(fs.RandomSampler(range(50))), list(fs.WeightedRandomSampler([1.0, 2.0, 3.0], 20))]


def test_torch_manual_seed_reproduces_unseeded_samplers() -> None:
    torch.manual_seed(123)
    first = unseeded_runs()
    torch.manual_seed(123)
    assert unseeded_runs() == first
    torch.manual_seed(124)
    assert unseeded_runs()[0] != first[0]


def test_manual_seed_reproduces_unseeded_samplers_without_torch(as_if_torch_were_not_installed) -> None:
    fs.manual_seed(123)
    first = unseeded_runs()
    torch.manual_seed(7)  # not the source without torch
    fs.manual_seed(123)
    assert unseeded_runs() == first
    fs.manual_seed(124)
    assert list(fs.RandomSampler(range(50))) != first[0]


def test_unseeded_epochs_differ(as_if_torch_were_not_installed) -> None:
    sampler = fs.RandomSampler(range(50))
    assert list(sampler) != list(sampler)


def test_manual_seed_checks_its_argument() -> None:
    with pytest.raises(TypeError, match="seed must be an integer"):
        fs.manual_seed("1")
    with pytest.raises(ValueError, match="seed must be in"):
        fs.manual_seed(2**64)


BLOCKED_TORCH = """
import sys
sys.modules["torch"] = None  # import torch now raises ImportError, as if not installed
import pickle, ferrosampler as fs, ferrosampler.mindspore as fm
assert fs._protocol.torch_compat.TORCH_AVAILABLE is False
fs.manual_seed(5)
first = list(fs.RandomSampler(range(30)))
fs.manual_seed(5)
assert list(fs.RandomSampler(range(30))) == first and sorted(first) == list(range(30))
sampler = fs.BatchSampler(fs.RandomSampler(range(20), seed=1), 3, False)
iterator = iter(sampler)
head = [next(iterator) for _ in range(2)]
state = pickle.loads(pickle.dumps(sampler.state_dict()))
resumed = fs.BatchSampler(fs.RandomSampler(range(20), seed=1), 3, False)
resumed.load_state_dict(state)
assert list(resumed) == list(iterator)
assert list(fs.WeightedRandomSampler([1.0, 2.0], 5, seed=1)) and list(fs.SequentialSampler(range(3))) == [0, 1, 2]
assert len(fm.RandomSampler(seed=1, dataset_size=9).epoch_indices()) == 9
print("ok")
"""


def test_everything_works_without_torch() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_TORCH], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
