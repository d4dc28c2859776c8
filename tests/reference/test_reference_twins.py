"""The reference's twins of the Rust core's pieces (dense and sparse Fisher–Yates, Fenwick,
AliasTable, ClassLayout, float decomposition), each against a naive statement of what it computes."""

from __future__ import annotations

import math
import random

import pytest

from ferrosampler.reference._engine import ClassLayout, Fenwick, fisher_yates_prefix, prefix_is_sparse
from ferrosampler.reference._engine.permutation import fisher_yates
from ferrosampler.reference._engine.weights import AliasTable, decompose, floor_log2, integer_weights


@pytest.mark.parametrize(("n", "length"), [(1, 1), (7, 7), (50, 3), (64, 8), (65, 8), (1000, 999), (1000, 40)])
@pytest.mark.parametrize("block", [0, 1, 5])
def test_dense_and_sparse_prefixes_agree(monkeypatch, n, length, block):
    monkeypatch.setattr(fisher_yates, "SPARSE_RATIO", 0)  # dense always
    dense = fisher_yates_prefix(9, 0, 3, n, block, length)
    monkeypatch.setattr(fisher_yates, "SPARSE_RATIO", 2**70)  # sparse always
    sparse = fisher_yates_prefix(9, 0, 3, n, block, length)
    assert dense == sparse and len(dense) == len(set(dense)) == length and all(0 <= v < n for v in dense)


def test_the_sparse_path_is_taken_below_one_eighth():
    assert prefix_is_sparse(81, 10) and not prefix_is_sparse(80, 10) and not prefix_is_sparse(1, 1)


def test_fenwick_finds_and_removes_like_a_prefix_sum_scan():
    rng = random.Random(4)
    masses = [rng.choice([0, 1, 5, 2**32, 3 * 2**31]) for _ in range(37)]
    tree = Fenwick.new(masses)
    live = list(masses)
    for _ in range(20):
        total = sum(live)
        if not total:
            break
        v = rng.randrange(total)
        acc, expected = 0, None
        for j, mass in enumerate(live):
            if acc <= v < acc + mass:
                expected = j
                break
            acc += mass
        assert tree.find(v) == expected
        tree.remove(expected, live[expected])
        live[expected] = 0
    assert Fenwick([]).find(0) == 0


def test_alias_table_columns_hold_every_mass():
    masses = integer_weights([0.5, 0.0, 3.0, 1e-6, 2.0])
    table = AliasTable.build(masses)
    threshold, alias = table.columns()
    assert len(table) == len(masses)
    mass = [0] * len(masses)
    for j, (t, a) in enumerate(zip(threshold, alias, strict=True)):
        mass[j] += t
        mass[a] += 2**32 - t
    assert mass == masses


@pytest.mark.parametrize("w", [5e-324, 2.5e-310, 1e-300, 0.1, 1.0, 3.0, 2.0**52 + 1, 1e308])
def test_decompose_and_floor_log2(w):
    m, e = decompose(w)
    assert math.ldexp(m, e) == w
    assert floor_log2(w) == math.frexp(w)[1] - 1


def test_class_layout_validates_and_keeps_rows():
    layout = ClassLayout([4, 2, 9], [0, 1, 3])
    assert (layout.rows, layout.offsets, layout.num_classes) == ([4, 2, 9], [0, 1, 3], 2)
    assert layout.check_class_order([1, 0, 1]) == [1, 0, 1]
    with pytest.raises(ValueError, match=r"^class_order\[0\] must be in \[0, 2\), got 2$"):
        layout.check_class_order([2])
    with pytest.raises(ValueError, match="every class must have at least one row"):
        ClassLayout([1, 2], [0, 0, 2])
    with pytest.raises(TypeError, match=r"rows\[1\] must be an integer"):
        ClassLayout([1, 2.5], [0, 2])
