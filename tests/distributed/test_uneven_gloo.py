"""even=False in a real gloo group of 3 with an uneven last rank: the epoch's union is every index exactly once,
results gather both ways (all_gather_object, padding and a mask), and a mid-epoch resume on 2 ranks completes it."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch.distributed")

import ferrosampler

from .test_process_group import SCRIPT, run_ranks

N, SEED, EPOCH = 29, 3, 1


def test_an_uneven_world_of_three_evaluates_every_index_once_and_resumes_on_two(tmp_path) -> None:
    run_ranks(SCRIPT.with_name("gloo_uneven.py"), 3, str(tmp_path), timeout=120)
    inner = ferrosampler.RandomSampler(range(N), seed=SEED)
    for name in ("distributed", "wrapper"):
        shares = [json.loads((tmp_path / f"epoch-{name}-{rank}.json").read_text()) for rank in range(3)]
        assert [len(share) for share in shares] == [10, 10, 9]
        assert sorted(index for share in shares for index in share) == list(range(N))
        if name == "wrapper":  # rank r reads positions r, r + 3, … of the inner epoch
            whole = inner.epoch_indices(EPOCH).tolist()
            assert shares == [whole[r::3] for r in range(3)]
        heads = [json.loads((tmp_path / f"resume-{name}-3-{rank}.json").read_text()) for rank in range(3)]
        rests = [json.loads((tmp_path / f"resume-{name}-2-{rank}.json").read_text()) for rank in range(2)]
        assert [len(rest) for rest in rests] == [9, 8]  # 29 − 12 left, on 2 ranks
        assert sorted(index for part in heads + rests for index in part) == list(range(N))
