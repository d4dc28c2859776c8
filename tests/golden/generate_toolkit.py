"""Writes tests/golden/vectors-toolkit.json from the pure-Python reference (spec §17–§20).

Run: .venv/bin/python tests/golden/generate_toolkit.py (never edit the JSON by hand)."""

from __future__ import annotations

import json
import pathlib

import numpy as np

from ferrosampler import reference

LABELS = np.repeat(np.arange(7) * 3, [5, 1, 9, 3, 4, 2, 8]).tolist()
WEIGHTS = [0.0, 1.5, 2.0, 0.25, 7.0, 3.0, 0.0, 1.0, 4.5, 0.5, 2.5]
SEEDS = [0, 7, 2**64 - 1]


def _m_per_class(m: int, batch_size: int | None, seed: int) -> list[int]:
    return reference.MPerClassSampler(LABELS, m, batch_size, 30, seed=seed).epoch_indices(1).tolist()


def vectors() -> dict:
    out: dict = {"labels": LABELS, "weights": WEIGHTS, "class_balanced_weights": {}, "distributed_weighted": []}
    for args in ({}, {"power": 0.5}, {"effective_beta": 0.9}, {"class_weights": {3: 0.0}}):
        out["class_balanced_weights"][json.dumps(args)] = reference.class_balanced_weights(LABELS, **args).tolist()
    for seed in SEEDS:
        for replacement in (True, False):
            for replicas, drop_last in ((1, False), (3, False), (4, True)):
                for rank in range(replicas):
                    s = reference.DistributedWeightedSampler(
                        WEIGHTS, 8, num_replicas=replicas, rank=rank, replacement=replacement, seed=seed,
                        drop_last=drop_last,
                    )  # fmt: skip
                    s.set_epoch(3)
                    args = {"seed": seed, "replacement": replacement, "num_replicas": replicas, "rank": rank}
                    out["distributed_weighted"].append(
                        {**args, "drop_last": drop_last, "out": s.epoch_indices().tolist()}
                    )
    out["pk_batches"] = [
        {"p": p, "k": k, "seed": seed, "mode": mode, "rank": rank,
         "out": reference.PKBatchSampler(LABELS, p, k, num_batches=7, replacement_within_class=mode, seed=seed,
                                         num_replicas=2, rank=rank).epoch_batches(2).tolist()}
        for seed in SEEDS for (p, k) in ((1, 1), (3, 2), (4, 3), (7, 2)) for mode in (None, True) for rank in (0, 1)
    ]  # fmt: skip
    out["m_per_class"] = [
        {"m": m, "batch_size": bs, "seed": seed, "out": _m_per_class(m, bs, seed)}
        for seed in SEEDS for (m, bs) in ((2, None), (2, 6), (3, 12))
    ]  # fmt: skip
    return out


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("vectors-toolkit.json")
    path.write_text(json.dumps(vectors(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
