"""Writes tests/golden/vectors-toolkit.json from the pure-Python reference (spec §17–§20; the engine
units ClassLayout.pk_batches and ClassLayout.m_per_class_units of §19.4/§20 from ``reference._engine``
directly, also read by cargo test: tests/pk_batches.rs).

Run: .venv/bin/python tests/golden/generate_toolkit.py (never edit the JSON by hand)."""

from __future__ import annotations

import json
import pathlib

import numpy as np

from ferrosampler import reference
from ferrosampler._inputs.labels import class_labels
from ferrosampler.reference import _engine

LABELS = np.repeat(np.arange(7) * 3, [5, 1, 9, 3, 4, 2, 8]).tolist()
WEIGHTS = [0.0, 1.5, 2.0, 0.25, 7.0, 3.0, 0.0, 1.0, 4.5, 0.5, 2.5]
SEEDS = [0, 7, 2**64 - 1]


def _m_per_class(m: int, batch_size: int | None, seed: int) -> list[int]:
    return reference.MPerClassSampler(LABELS, m, batch_size, 30, seed=seed).epoch_indices(1).tolist()


# §19.4/§20 engine cases: 7 classes (one of 1 row, so k > 1 draws it with replacement) and 150 classes
# (> 128: the Feistel network form of the class blocks); p = 5 of 7 and 100 of 150 chain heads (C < 2P − 1).
WIDE = np.repeat(np.arange(150), [1 + (c * 7) % 5 for c in range(150)]).tolist()
SPANS = ((0, 3, 1), (5, 2, 3))
WIDE_SPANS = ((0, 2, 1), (1000, 2, 7))


def _layout(labels: list[int]) -> dict:
    grouped = class_labels(labels)
    return {"rows": grouped.rows.tolist(), "offsets": grouped.offsets.tolist()}


def _engine_cases(layouts: dict) -> tuple[list[dict], list[dict]]:
    pk: list[dict] = []
    units: list[dict] = []
    plans = {
        "toolkit": ([(1, 1), (3, 2), (5, 3), (7, 2)], [(2, 2), (7, 3), (4, 1)], SEEDS[1:], SPANS),
        "wide": ([(4, 2), (100, 1)], [(150, 1), (5, 2)], SEEDS[1:2], WIDE_SPANS),
    }
    for name, (pk_shapes, unit_shapes, seeds, spans) in plans.items():
        layout = _engine.ClassLayout(layouts[name]["rows"], layouts[name]["offsets"])
        for seed in seeds:
            for start, count, stride in spans:
                span = {"start": start, "count": count, "stride": stride}
                for p, k in pk_shapes:
                    for replacement in (False, True):
                        out = layout.pk_batches(seed, 3, p, k, replacement, start, count, stride)
                        pk.append({"layout": name, "seed": seed, "epoch": 3, "p": p, "k": k,
                                   "replacement": replacement, **span, "out": out})  # fmt: skip
                for group, m in unit_shapes:
                    out = layout.m_per_class_units(seed, 3, group, m, start, count, stride)
                    units.append({"layout": name, "seed": seed, "epoch": 3, "group": group, "m": m, **span, "out": out})
    return pk, units


def vectors() -> dict:
    out: dict = {"labels": LABELS, "weights": WEIGHTS, "class_balanced_weights": {}, "distributed_weighted": []}
    for args in ({}, {"power": 0.5}, {"effective_beta": 0.9}, {"class_weights": {3: 0.0}}):
        out["class_balanced_weights"][json.dumps(args)] = reference.class_balanced_weights(LABELS, **args).tolist()
    for seed in SEEDS:
        for replacement in (True, False):
            for replicas, drop_last in ((1, False), (3, False), (4, True)):
                for rank in range(replicas):
                    # Without replacement these vectors pin spec v2's algorithm, §8.1 (§8.2: vectors-v3.json).
                    s = reference.DistributedWeightedSampler(
                        WEIGHTS, 8, num_replicas=replicas, rank=rank, replacement=replacement, seed=seed,
                        drop_last=drop_last, algorithm="keys" if replacement else "sequential",
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
    out["engine_layouts"] = {"toolkit": _layout(LABELS), "wide": _layout(WIDE)}
    out["pk_batches_engine"], out["m_per_class_units"] = _engine_cases(out["engine_layouts"])
    return out


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("vectors-toolkit.json")
    path.write_text(json.dumps(vectors(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
