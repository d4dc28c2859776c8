"""Writes tests/golden/vectors.json from the pure-Python reference (docs/spec.md).

Spec v1's cases (permutations with permutation="fisher-yates"); the file never changes. Spec v2's
cases are tests/golden/vectors-v2.json (tests/golden/generate_v2.py).
Run after a spec change only: `python tests/golden/generate.py`. cargo test
(tests/golden.rs) and pytest (tests/engine/test_golden.py) both check the file.
"""

from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "python"))

from ferrosampler.reference import _engine as ref

SEEDS = [0, 1, 42, 2**32 - 1, 2**63 + 12345, 2**64 - 1]


def build() -> dict:
    cases: dict[str, list] = {
        "expand_seed": [{"seed": s, "key": ref.expand_seed(s)} for s in SEEDS],
        "keystream_words": [],
        "uniform_draws": [],
        "permutation_stream": [],
        "strided_permutation": [],
        "integer_weights": [],
        "alias_draws": [],
        "without_replacement": [],
        "pk_draws": [],
    }
    for seed, purpose, epoch, start, count in [
        (0, 0, 0, 0, 40),
        (42, 0, 7, 13, 20),
        (2**64 - 1, 1, 2**56 - 1, 1000, 24),
    ]:
        cases["keystream_words"].append(
            {
                "seed": seed,
                "purpose": purpose,
                "epoch": epoch,
                "start": start,
                "count": count,
                "out": ref.keystream_words(seed, purpose, epoch, start, count),
            }
        )
    for seed, epoch, n, start, count in [
        (0, 0, 10, 0, 30),
        (42, 3, 1, 0, 5),
        (7, 1, 2**40, 5, 10),
        (2**64 - 1, 2**56 - 1, 1000, 10**6, 10),
        (3, 0, 2**63, 2**64 - 11, 10),  # the last positions, the largest population
    ]:
        cases["uniform_draws"].append(
            {
                "seed": seed,
                "epoch": epoch,
                "n": n,
                "start": start,
                "count": count,
                "out": ref.uniform_draws(seed, epoch, n, start, count),
            }
        )
    for seed, purpose, epoch, n, start, count in [
        (0, 0, 0, 10, 0, 25),
        (42, 0, 5, 1, 0, 3),
        (9, 1, 0, 17, 30, 20),
        (2**63, 0, 2, 100, 250, 60),
        (4, 0, 0, 5, 2**64 - 8, 7),  # the last positions
        (4, 0, 0, 2**63, 2**63, 12),  # block 1 of the largest population (sparse prefix)
        (6, 0, 1, 1000, 0, 40),  # a short prefix of a long block (sparse)
    ]:
        cases["permutation_stream"].append(
            {
                "seed": seed,
                "purpose": purpose,
                "epoch": epoch,
                "n": n,
                "start": start,
                "count": count,
                "out": ref.permutation_stream(seed, purpose, epoch, n, start, count, permutation="fisher-yates"),
            }
        )
    for seed, epoch, n, shuffle, first, stride, count in [
        (5, 0, 10, True, 1, 4, 3),
        (5, 0, 10, False, 2, 4, 3),
        (0, 3, 3, True, 1, 8, 1),
        (11, 0, 97, True, 5, 7, 14),
    ]:
        cases["strided_permutation"].append(
            {
                "seed": seed,
                "epoch": epoch,
                "n": n,
                "shuffle": shuffle,
                "first": first,
                "stride": stride,
                "count": count,
                "out": ref.strided_permutation(
                    seed, epoch, n, shuffle, first, stride, count, permutation="fisher-yates"
                ),
            }
        )
    weight_sets = [
        [1.0, 2.0, 0.0, 3.0],
        [0.1, 0.1, 0.9, 0.9],
        [1e-300, 1.0, 5e-324, 0.0, 1e300],
        [2.0**-1074, 2.0**-1070],
        [float(i % 7) for i in range(50)],
    ]
    for weights in weight_sets:
        table = ref.WeightTable(weights)
        thresholds, aliases = table.alias_table()
        cases["integer_weights"].append(
            {
                "weights": [w.hex() for w in weights],
                "q": table.integer_weights(),
                "threshold": thresholds,
                "alias": aliases,
            }
        )
        for seed, epoch, start, count in [(0, 0, 0, 20), (123, 4, 77, 10), (5, 0, 2**64 - 6, 5)]:
            cases["alias_draws"].append(
                {
                    "weights": [w.hex() for w in weights],
                    "seed": seed,
                    "epoch": epoch,
                    "start": start,
                    "count": count,
                    "out": table.alias_draws(seed, epoch, start, count),
                }
            )
        for seed, epoch in [(0, 0), (99, 2)]:
            k = table.nonzero
            cases["without_replacement"].append(
                {
                    "weights": [w.hex() for w in weights],
                    "seed": seed,
                    "epoch": epoch,
                    "k": k,
                    "out": table.without_replacement(seed, epoch, k),
                }
            )
    rows, offsets = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 1, 4, 9, 11]
    for seed, epoch, order, num_val, start, count in [
        (0, 0, [0, 1, 2, 3], 2, 0, 8),
        (5, 1, [2, 0, 3, 1], 3, 4, 8),
    ]:
        cases["pk_draws"].append(
            {
                "seed": seed,
                "epoch": epoch,
                "rows": rows,
                "offsets": offsets,
                "class_order": order,
                "num_val": num_val,
                "start": start,
                "count": count,
                "out": ref.ClassLayout(rows, offsets).pk_draws(seed, epoch, order, num_val, start, count),
            }
        )
    return {"spec_version": 1, "note": "generated by tests/golden/generate.py from the reference", **cases}


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("vectors.json")
    path.write_text(json.dumps(build(), indent=1) + "\n")
    print(f"wrote {path}")
