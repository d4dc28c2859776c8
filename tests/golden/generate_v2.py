"""Writes tests/golden/vectors-v2.json from the pure-Python reference (docs/spec.md v2).

The spec-v2 cases: the Feistel bijection (§5.2–§5.3) and every strided form (§4–§9). Spec v1's cases
stay in vectors.json. Run after a spec change only: `python tests/golden/generate_v2.py`; cargo test
(tests/golden.rs) and pytest (tests/engine/test_golden.py) both check the file.
"""

from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "python"))

from ferrosampler.reference import _engine as ref

# n around the table limit, powers of two ± 1 (odd and even widths), and the largest populations.
BIJECTION_SIZES = [1, 2, 5, 127, 128, 129, 200, 255, 256, 257, 1000, 65_537, 2**32 + 1, 2**40 + 1, 2**63 - 1, 2**63]


def offsets_for(n: int) -> list[int]:
    head = list(range(min(n, 12)))
    spread = [(k * 0x9E3779B97F4A7C15) % n for k in range(1, 9)]
    return sorted(set(head + spread + [n - 1]))


def build() -> dict:
    cases: dict[str, list] = {
        "bijections": [],
        "permutation_stream": [],
        "strided_permutation": [],
        "uniform_draws": [],
        "alias_draws": [],
        "pk_draws": [],
    }
    for index, n in enumerate(BIJECTION_SIZES):
        seed, purpose, epoch, block = [index, 2**64 - 1 - index][index % 2], index % 2, 3 * index, index % 3
        if (block + 1) * n >= 2**64:  # every position of the block is below 2**64 - 1
            block = 0
        bijection = ref.Bijection.for_block(seed, purpose, epoch, n, block)
        offsets = offsets_for(n)
        cases["bijections"].append(
            {
                "seed": seed,
                "purpose": purpose,
                "epoch": epoch,
                "n": n,
                "block": block,
                "width": bijection.width(),
                "round_keys": ref.round_keys(seed, purpose, epoch, block) if n > 128 else None,
                "offsets": offsets,
                "values": [bijection.apply(offset) for offset in offsets],
            }
        )
    for seed, purpose, epoch, n, start, count, permutation, stride in [
        (0, 0, 0, 10, 0, 25, "feistel", 1),  # n <= 128: the v1 blocks
        (3, 0, 1, 1000, 990, 20, "feistel", 1),  # across a block boundary
        (7, 1, 2, 2**20 + 1, 5, 16, "feistel", 1),
        (8, 0, 0, 2**63, 2**63 - 3, 6, "feistel", 1),  # block 0 into block 1 of the largest population
        (9, 0, 4, 300, 7, 30, "feistel", 37),  # strided, several blocks
        (10, 0, 0, 50, 3, 12, "feistel", 101),  # stride > n: one output per block
        (11, 0, 0, 2**40, 12345, 10, "feistel", 2**50 + 3),
        (12, 0, 0, 300, 7, 30, "fisher-yates", 37),
        (13, 1, 5, 17, 2, 20, "fisher-yates", 5),
        (14, 0, 0, 5, 2**64 - 30, 10, "feistel", 3),  # the last positions
    ]:
        cases["permutation_stream"].append(
            {
                "seed": seed,
                "purpose": purpose,
                "epoch": epoch,
                "n": n,
                "start": start,
                "count": count,
                "permutation": permutation,
                "stride": stride,
                "out": ref.permutation_stream(seed, purpose, epoch, n, start, count, permutation, stride),
            }
        )
    for seed, epoch, n, shuffle, first, stride, count in [
        (5, 0, 10, True, 1, 4, 3),
        (11, 0, 97, True, 5, 7, 14),
        (1, 2, 1000, True, 3, 8, 20),  # rank 3 of 8
        (2, 0, 2**40 + 1, True, 3, 8, 10),
        (4, 0, 2**63, True, 2**64 - 1, 2**64 - 1, 6),
        (6, 0, 1000, False, 3, 8, 5),
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
                "permutation": "feistel",
                "out": ref.strided_permutation(seed, epoch, n, shuffle, first, stride, count),
            }
        )
    for seed, epoch, n, start, count, stride in [
        (0, 0, 10, 0, 20, 3),
        (7, 1, 2**40, 5, 10, 2**40),
        (3, 0, 2**63, 2**64 - 22, 4, 6),
    ]:
        out = ref.uniform_draws(seed, epoch, n, start, count, stride)
        cases["uniform_draws"].append(
            {"seed": seed, "epoch": epoch, "n": n, "start": start, "count": count, "stride": stride, "out": out}
        )
    weights = [1.0, 2.0, 0.0, 3.0, 0.5]
    table = ref.WeightTable(weights)
    for seed, epoch, start, count, stride in [(0, 0, 0, 20, 2), (123, 4, 77, 10, 1000), (5, 0, 2**64 - 30, 5, 6)]:
        cases["alias_draws"].append(
            {
                "weights": [w.hex() for w in weights],
                "seed": seed,
                "epoch": epoch,
                "start": start,
                "count": count,
                "stride": stride,
                "out": table.alias_draws(seed, epoch, start, count, stride),
            }
        )
    rows, offsets = list(range(11)), [0, 1, 4, 9, 11]
    for seed, epoch, order, num_val, start, count, stride in [
        (0, 0, [0, 1, 2, 3], 2, 0, 4, 2),
        (5, 1, [2, 0, 3, 1], 3, 1, 4, 3),
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
                "stride": stride,
                "out": ref.ClassLayout(rows, offsets).pk_draws(seed, epoch, order, num_val, start, count, stride),
            }
        )
    return {"spec_version": 2, "note": "generated by tests/golden/generate_v2.py from the reference", **cases}


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("vectors-v2.json")
    path.write_text(json.dumps(build(), indent=1) + "\n")
    print(f"wrote {path}")
