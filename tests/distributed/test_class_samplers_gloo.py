"""Elastic resume of DistributedWeightedSampler, PKBatchSampler and MPerClassSampler in a real
torch.distributed gloo process group: saved at 2 ranks, resumed at 3, saved again, resumed at 2 (spec §21)."""

from __future__ import annotations

import json

import pytest

from ferrosampler.reference import _literal

from .test_process_group import run_ranks

pytest.importorskip("torch.distributed")

from .scripts import gloo_class_samplers as script


def seen(directory, phase, name, world):
    return [
        json.loads((directory / f"phase-{phase}" / f"seen-{name}-{rank}.json").read_text()) for rank in range(world)
    ]


def test_worlds_2_3_2_lose_and_repeat_nothing(tmp_path):
    run_ranks(__import__("pathlib").Path(script.__file__), 3, str(tmp_path), timeout=120)
    worlds = [world for world, _ in script.PHASES]
    # 2 ranks × 3, 3 ranks × 4 (global position 18), 2 ranks × the last 3: no padding anywhere.
    weighted = [
        x for phase, world in enumerate(worlds) for rank in seen(tmp_path, phase, "weighted", world) for x in rank
    ]
    draw = _literal.distributed_weighted_literal(script.WEIGHTS, 24, 1, 0, False, 4, script.EPOCH, False)
    assert len(set(draw)) == 24 and sorted(weighted) == sorted(draw)
    batches = [b for phase, world in enumerate(worlds) for rank in seen(tmp_path, phase, "pk", world) for b in rank]
    whole = _literal.pk_epoch_literal(script.LABELS, 3, 2, 24, 5, script.EPOCH)
    assert sorted(batches) == sorted(whole)
    # MPerClassSampler: 6 units of 4 (3 per rank on 2 ranks); units 0-1, then 2-4, then 5 and the padding unit 6.
    units = [
        _literal.m_per_class_literal(script.LABELS, 2, 4, 4, 6, script.EPOCH, num_replicas=u + 1, rank=u)
        for u in range(7)
    ]
    firsts = [0, 2, 5]
    for phase, world in enumerate(worlds):
        assert seen(tmp_path, phase, "m", world) == [units[firsts[phase] + rank] for rank in range(world)], phase
