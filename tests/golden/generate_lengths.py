"""Writes tests/golden/vectors-lengths.json from the pure-Python reference (spec §24): the engine unit
``LengthTable.plan`` / ``LengthPlan.batches`` from ``reference._engine`` directly (read by cargo test:
tests/lengths.rs, and by pytest: tests/lengths/test_lengths_golden.py), and whole epochs of the sampler
``reference.LengthGroupedBatchSampler`` per rank.

Run: .venv/bin/python tests/golden/generate_lengths.py (never edit the JSON by hand)."""

from __future__ import annotations

import json
import pathlib

from ferrosampler import reference
from ferrosampler.reference import _engine

# Ties, zeros and one sample past every budget below; 37 samples (a short last window and batch).
SMALL = [
    5,
    1,
    9,
    3,
    3,
    8,
    2,
    7,
    1,
    4,
    0,
    6,
    6,
    2,
    11,
    5,
    3,
    9,
    0,
    1,
    4,
    4,
    7,
    2,
    8,
    3,
    40,
    5,
    6,
    1,
    2,
    9,
    3,
    3,
    7,
    0,
    4,
]
# 300 samples (> 128: the order is the Feistel network of §5.2), lengths past 2**32 (the wide sort keys), and
# with batch_size 1 more than 128 steps (the step order is a Feistel network too).
WIDE = [((i * 7919) % 613) * (1 if i % 29 else 2**33) + (i % 3) for i in range(300)]
SEEDS = (0, 7, 2**64 - 1)

# (batch_size, max_tokens, window, group, shuffle, drop_last, permutation)
SMALL_PLANS = [
    (1, None, 4, 1, True, False, "feistel"),
    (2, None, 4, 3, True, False, "feistel"),
    (2, None, 4, 3, True, True, "feistel"),
    (3, None, 9, 2, True, False, "fisher-yates"),
    (4, None, 8, 5, True, True, "feistel"),
    (4, None, 40, 2, False, False, "feistel"),
    (4, None, 40, 3, False, True, "feistel"),
    (5, None, 10**6, 4, True, False, "feistel"),
    (None, 10, 8, 1, True, False, "feistel"),
    (None, 12, 16, 3, True, False, "feistel"),
    (None, 12, 16, 3, True, True, "fisher-yates"),
    (None, 1, 5, 2, True, False, "feistel"),
    (None, 30, 37, 4, False, False, "feistel"),
]
WIDE_PLANS = [
    (1, None, 50, 2, True, False, "feistel"),
    (7, None, 70, 3, True, True, "feistel"),
    (None, 2**35, 64, 4, True, False, "feistel"),
    (None, 3000, 300, 1, False, False, "feistel"),
]
READS = ((0, None, 1), (3, 4, 3), (1, 5, 7))  # (start, count — None: the whole plan —, stride); past n wraps


def _plans() -> list[dict]:
    cases: list[dict] = []
    for name, lengths, plans, seeds in (("small", SMALL, SMALL_PLANS, SEEDS), ("wide", WIDE, WIDE_PLANS, SEEDS[1:2])):
        table = _engine.LengthTable(lengths)
        for seed in seeds:
            for batch_size, max_tokens, window, group, shuffle, drop_last, permutation in plans:
                args = {"table": name, "seed": seed, "epoch": 3, "batch_size": batch_size, "max_tokens": max_tokens,
                        "window": window, "group": group, "shuffle": shuffle, "drop_last": drop_last,
                        "permutation": permutation}  # fmt: skip
                plan = table.plan(seed, 3, batch_size, max_tokens, window, group, shuffle, drop_last, permutation)
                reads = []
                for start, wanted, stride in READS:
                    count = plan.num_batches if wanted is None else wanted
                    if count and not plan.num_batches:
                        continue
                    indices, offsets = plan.batches(start, count, stride)
                    reads.append({"start": start, "count": count, "stride": stride, "indices": indices,
                                  "offsets": offsets})  # fmt: skip
                cases.append({**args, "num_batches": plan.num_batches, "num_steps": plan.num_steps,
                              "distinct_batches": plan.distinct_batches, "reads": reads})  # fmt: skip
    return cases


def _sampler_epochs() -> list[dict]:
    out = []
    for kwargs in ({"batch_size": 3}, {"batch_size": 2, "drop_last": True}, {"max_tokens": 14, "window": 12}):
        for replicas in (1, 3):
            for rank in range(replicas):
                sampler = reference.LengthGroupedBatchSampler(SMALL, seed=5, num_replicas=replicas, rank=rank, **kwargs)
                out.append({**kwargs, "num_replicas": replicas, "rank": rank, "epoch": 2,
                            "batches": sampler.epoch_batches(2)})  # fmt: skip
    return out


def vectors() -> dict:
    return {
        "spec_version": 2,  # the version these outputs were pinned under (v3 changed none of them)
        "tables": {"small": SMALL, "wide": WIDE},
        "plans": _plans(),
        "sampler_epochs": _sampler_epochs(),
    }


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("vectors-lengths.json")
    path.write_text(json.dumps(vectors(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path}")
