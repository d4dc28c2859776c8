"""Where unseeded samplers get their seed when torch is not imported (spec §10)."""

from __future__ import annotations

import sys

import pytest

import ferrosampler as fs


@pytest.fixture
def without_torch(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)


def test_manual_seed_reproduces_unseeded_samplers(without_torch) -> None:
    fs.manual_seed(123)
    first = [list(fs.RandomSampler(range(50))), list(fs.WeightedRandomSampler([1.0, 2.0, 3.0], 20))]
    fs.manual_seed(123)
    second = [list(fs.RandomSampler(range(50))), list(fs.WeightedRandomSampler([1.0, 2.0, 3.0], 20))]
    assert first == second
    fs.manual_seed(124)
    assert list(fs.RandomSampler(range(50))) != first[0]


def test_unseeded_epochs_differ(without_torch) -> None:
    sampler = fs.RandomSampler(range(50))
    assert list(sampler) != list(sampler)


def test_manual_seed_checks_its_argument() -> None:
    with pytest.raises(TypeError, match="seed must be an integer"):
        fs.manual_seed("1")
    with pytest.raises(ValueError, match="seed must be in"):
        fs.manual_seed(2**64)
