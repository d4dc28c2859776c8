"""Writes tests/golden/vectors-mixture.json from the pure-Python reference (docs/spec.md §23, the engine unit
MixturePlan of reference/_engine/mixture.py), read by cargo test (tests/golden.rs) and pytest
(tests/engine/test_golden.py).

Run: .venv/bin/python tests/golden/generate_mixture.py (never edit the JSON by hand)."""

from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "python"))

from ferrosampler.reference import _engine as ref

SEEDS = [0, 7, 2**64 - 1]

# name -> (sizes, starts, weights (row-major), num_samples), each exercising a part of §23:
PLANS = {
    # tiny sources (Fisher–Yates tables, many passes per epoch), a zero weight, a short last block (3000 = 2B + 952)
    "small": ([3, 5, 10], [0], [1.0, 2.0, 0.5], 3000),
    # sources past 128 (Feistel passes), a non-power-of-two tree (5 leaves), floats with long fractions
    "five": ([300, 5000, 7, 129, 2**20], [0], [0.1, 0.3, 0.05, 0.0, 0.55], 2500),
    # a schedule: three phases, one shorter than a table block (100 < 128), zero weights switching sources on and off
    "schedule": (
        [50, 60, 70, 80],
        [0, 1100, 1200],
        [1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 3.0, 1.0, 5.0, 1e-3, 1e300, 2.5],
        2600,
    ),
    # one source: slot g is its g-th
    "single": ([1000], [0], [2.0], 1500),
    # subnormal and tiny weights: masses of 1 and the shifts left of §23.2
    "subnormal": ([40, 41], [0], [5e-324, 2.5e-310], 700),
    # the largest epoch: far positions and the run limit (epochs 0 … 3)
    "huge": ([2**48, 3, 2**40], [0, 2**61], [1.0, 1.0, 1.0, 0.0, 1.0, 7.0], 2**62),
}

SPANS = {
    "small": [(0, 3000, 1), (2040, 30, 1), (5, 100, 29), (2999, 1, 1)],
    "five": [(0, 2500, 1), (1000, 40, 1), (7, 60, 41)],
    "schedule": [(0, 2600, 1), (1090, 40, 1), (1190, 20, 1), (3, 80, 31)],
    "single": [(0, 1500, 1), (1020, 10, 3)],
    "subnormal": [(0, 700, 1)],
    "huge": [(0, 40, 1), (2**61 - 20, 40, 1), (2**62 - 30, 30, 1), (12345, 20, 2**57 + 3)],
}

EPOCHS = {"huge": [0, 3], "single": [0, 1, 2**40]}


def hexes(values: list[float]) -> list[str]:
    return [float(v).hex() for v in values]


def build() -> dict:
    out: dict = {"block": ref.MixturePlan.BLOCK, "plans": {}, "draws": [], "slots": [], "exhausted": []}
    for name, (sizes, starts, weights, num_samples) in PLANS.items():
        plan = ref.MixturePlan(sizes, starts, weights, num_samples)
        out["plans"][name] = {
            "sizes": sizes,
            "starts": starts,
            "weights": hexes(weights),
            "num_samples": num_samples,
            "masses": plan.masses(),
            "offsets": plan.offsets,
        }
        for seed in SEEDS if name in ("small", "schedule") else SEEDS[1:2]:
            for epoch in EPOCHS.get(name, [0, 1, 5]):
                for start, count, stride in SPANS[name]:
                    values = plan.draws(seed, epoch, start, count, stride)
                    out["draws"].append(
                        {"plan": name, "seed": seed, "epoch": epoch, "start": start, "count": count,
                         "stride": stride, "out": values}
                    )  # fmt: skip
        for phase in range(len(starts)):
            for g in [0, 1, 2, 1023, 1024, 99_999, 2**40 + 5, 2**63, 2**64 - 1]:
                s, j = plan.slot_source(phase, g)
                counts = [plan.slot_count(phase, t, g) for t in range(len(sizes))]
                out["slots"].append({"plan": name, "phase": phase, "g": g, "source": s, "index": j, "counts": counts})
    for sizes, weights in [
        ([3, 5, 10], [1.0, 2.0, 0.5]),
        ([10, 40], [1.0, 1.0]),
        ([1000, 7, 2**30], [0.0, 1.0, 3.0]),
        ([2**48, 5], [1.0, 2.0**-40]),
        ([4] * 9, [float(k) for k in range(9)]),
        ([2**48, 2**48], [1.0, 2.0**-15]),  # every source: past 2**62, refused
    ]:
        for all_sources in (False, True):
            try:
                length: int | str = ref.MixturePlan.exhausted_length(sizes, weights, all_sources)
            except ValueError as error:
                length = str(error)
            out["exhausted"].append(
                {"sizes": sizes, "weights": hexes(weights), "all_sources": all_sources, "length": length}
            )
    return out


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("vectors-mixture.json")
    path.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
