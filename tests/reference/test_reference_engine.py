"""Tests of the pure-Python reference engine alone (docs/spec.md).

Cross-checks against the Rust extension live in tests/engine/; here: published SplitMix64
vectors and structural properties of every algorithm, checked against naive
re-implementations built on `keystream_words` (ChaCha's known answers: test_chacha.py).
"""

from __future__ import annotations

import math

import pytest

from .reference_modules import load_reference

chacha, engine = load_reference()

C = 2**32
M64 = 2**64 - 1


# ---------------------------------------------------------------------------------------------
# §1 / §2 seed, key, stream


def test_expand_seed_is_splitmix64():
    z = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC]
    expected = [w for v in z for w in (v & 0xFFFFFFFF, v >> 32)]
    assert engine.expand_seed(0) == expected


def test_expand_seed_range():
    assert len(engine.expand_seed(M64)) == 8
    assert all(0 <= w < 2**32 for w in engine.expand_seed(M64))
    with pytest.raises(ValueError, match="seed"):
        engine.expand_seed(-1)
    with pytest.raises(ValueError, match="seed"):
        engine.expand_seed(2**64)
    with pytest.raises(TypeError):
        engine.expand_seed(1.0)


def test_stream_id():
    assert engine.MAIN == 0 and engine.CLASS_ORDER == 1
    assert engine.stream_id(engine.MAIN, 5) == 5
    assert engine.stream_id(engine.CLASS_ORDER, 0) == 1 << 56
    assert engine.stream_id(255, 2**56 - 1) == M64
    with pytest.raises(ValueError, match="epoch"):
        engine.stream_id(0, 2**56)
    with pytest.raises(ValueError, match="epoch"):
        engine.stream_id(0, -1)
    with pytest.raises(ValueError, match="purpose"):
        engine.stream_id(256, 0)


def test_keystream_words_is_chacha8_on_expanded_seed():
    words = engine.keystream_words(42, engine.CLASS_ORDER, 3, 10, 30)
    ks = chacha.Keystream(engine.expand_seed(42), (1 << 56) | 3, rounds=8)
    assert words == ks.words(10, 30)
    assert engine.keystream_words(42, 1, 3, 0, 40)[10:] == words
    assert engine.keystream_words(42, 0, 3, 0, 40) != engine.keystream_words(42, 1, 3, 0, 40)
    assert engine.keystream_words(42, 0, 3, 5, 0) == []


# ---------------------------------------------------------------------------------------------
# §3 bounded integers


def test_bounded():
    assert engine.bounded(0, 10) == 0
    assert engine.bounded(M64, 10) == 9
    assert engine.bounded(M64, 1) == 0
    assert engine.bounded(M64, 2**64) == M64
    assert engine.bounded(2**63, 3) == 1
    for x in (0, 1, 2**32, 2**63 - 1, 2**63, M64):
        for n in (1, 2, 3, 7, 1000, 2**40 + 1, 2**64):
            r = engine.bounded(x, n)
            assert 0 <= r < n and r == (x * n) >> 64
    with pytest.raises(ValueError, match="n"):
        engine.bounded(1, 0)
    with pytest.raises(ValueError, match="n"):
        engine.bounded(1, 2**64 + 1)
    with pytest.raises(ValueError, match="x"):
        engine.bounded(2**64, 3)


def test_bounded128():
    assert engine.bounded128(0, 0, 5) == 0
    assert engine.bounded128(M64, M64, M64) == M64 - 1
    assert engine.bounded128(0, 2**63, 10) == 5
    assert engine.bounded128(123, 456, 1) == 0
    with pytest.raises(ValueError, match="r"):
        engine.bounded128(0, 0, 0)
    with pytest.raises(ValueError, match="r"):
        engine.bounded128(0, 0, 2**64)


# ---------------------------------------------------------------------------------------------
# Naive re-implementations on top of keystream_words


def u64_draws(seed, purpose, epoch, first_draw, count):
    w = engine.keystream_words(seed, purpose, epoch, 2 * first_draw, 2 * count)
    return [w[2 * i] | (w[2 * i + 1] << 32) for i in range(count)]


def naive_permutation_block(seed, purpose, epoch, n, b):
    draws = u64_draws(seed, purpose, epoch, b * n, n)
    a = list(range(n))
    for q in range(n):
        j = q + ((draws[q] * (n - q)) >> 64)
        a[q], a[j] = a[j], a[q]
    return a


# ---------------------------------------------------------------------------------------------
# §4 uniform draws


def test_uniform_draws():
    draws = u64_draws(9, 0, 4, 0, 60)
    got = engine.uniform_draws(9, 4, 13, 0, 60)
    assert got == [(d * 13) >> 64 for d in draws]
    assert all(0 <= v < 13 for v in got)
    assert engine.uniform_draws(9, 4, 13, 17, 25) == got[17:42]
    assert engine.uniform_draws(9, 4, 1, 0, 10) == [0] * 10
    assert engine.uniform_draws(9, 4, 13, 5, 0) == []
    assert engine.uniform_draws(9, 5, 13, 0, 60) != got
    assert all(0 <= v < 2**63 for v in engine.uniform_draws(9, 4, 2**63, 0, 5))


def test_uniform_draws_errors():
    assert engine.uniform_draws(0, 0, 0, 0, 0) == []
    with pytest.raises(ValueError, match="n must be >= 1 when count > 0, got n=0"):
        engine.uniform_draws(0, 0, 0, 0, 1)
    with pytest.raises(ValueError, match="n"):
        engine.uniform_draws(0, 0, 2**64, 0, 1)
    with pytest.raises(ValueError, match="start"):
        engine.uniform_draws(0, 0, 5, -1, 1)
    with pytest.raises(ValueError, match="count"):
        engine.uniform_draws(0, 0, 5, 0, -1)
    with pytest.raises(ValueError, match="epoch"):
        engine.uniform_draws(0, 2**56, 5, 0, 1)


# ---------------------------------------------------------------------------------------------
# §5 permutations


@pytest.mark.parametrize("n", [1, 2, 3, 10, 37])
def test_permutation_blocks_are_permutations_and_match_naive(n):
    run = engine.permutation_stream(5, engine.MAIN, 2, n, 0, 3 * n)
    for b in range(3):
        block = run[b * n : (b + 1) * n]
        assert sorted(block) == list(range(n))
        assert block == naive_permutation_block(5, engine.MAIN, 2, n, b)


def test_permutation_stream_seeking():
    n = 23
    run = engine.permutation_stream(77, engine.CLASS_ORDER, 1, n, 0, 4 * n)
    for start, count in [(0, 1), (5, 10), (20, 7), (22, 25), (46, 46), (50, 0), (69, 23)]:
        assert engine.permutation_stream(77, engine.CLASS_ORDER, 1, n, start, count) == run[start : start + count]


def test_permutation_stream_large_n_prefix_is_cheap():
    n = 10**12
    prefix = engine.permutation_stream(1, 0, 0, n, 0, 50)
    assert len(set(prefix)) == 50 and all(0 <= v < n for v in prefix)
    assert engine.permutation_stream(1, 0, 0, n, 10, 20) == prefix[10:30]


def test_permutation_stream_errors():
    assert engine.permutation_stream(0, 0, 0, 0, 0, 0) == []
    with pytest.raises(ValueError, match="n must be >= 1 when count > 0, got n=0"):
        engine.permutation_stream(0, 0, 0, 0, 0, 1)
    with pytest.raises(ValueError, match="purpose"):
        engine.permutation_stream(0, 256, 0, 5, 0, 1)


# ---------------------------------------------------------------------------------------------
# §6 strided permutation


def test_strided_permutation():
    n = 31
    perm = engine.permutation_stream(8, engine.MAIN, 3, n, 0, n)
    assert engine.strided_permutation(8, 3, n, True, 0, 1, n) == perm
    replicas = 4
    count = -(-n // replicas)
    shards = [engine.strided_permutation(8, 3, n, True, r, replicas, count) for r in range(replicas)]
    for r, shard in enumerate(shards):
        assert shard == [perm[(r + c * replicas) % n] for c in range(count)]
    assert sorted({v for s in shards for v in s}) == list(range(n))
    assert engine.strided_permutation(8, 3, n, False, 3, 5, 10) == [(3 + 5 * c) % n for c in range(10)]
    # first and stride beyond n, and a huge stride: exact arithmetic, then mod n.
    assert engine.strided_permutation(8, 3, n, True, 40, M64, 6) == [perm[(40 + c * M64) % n] for c in range(6)]
    assert engine.strided_permutation(8, 3, 0, True, 0, 1, 0) == []
    with pytest.raises(ValueError, match="n must be >= 1 when count > 0"):
        engine.strided_permutation(8, 3, 0, True, 0, 1, 1)


# ---------------------------------------------------------------------------------------------
# §7.1 integer weights


def test_integer_weights_examples():
    assert engine.integer_weights([1.0, 1.0, 1.0]) == [C, C, C]
    assert engine.integer_weights([1.0, 2.0, 3.0]) == [C // 2, C, 3 * C // 2]
    assert engine.integer_weights([0.0, 5.0, -0.0]) == [0, 3 * C, 0]
    assert engine.integer_weights([7]) == [C]


@pytest.mark.parametrize(
    "weights",
    [
        [0.1, 0.2, 0.3, 0.4],
        [1e-300, 1.0, 0.0, 3.5, 1e300 / 1e300],
        [5e-324, 1e-320, 0.0, 2.5e-310],  # subnormals only
        [1e308, 5e-324, 1.7976931348623157e308, 0.0],
        [math.pi * k for k in range(50)],
        [1.0] + [1e-30] * 199,
        [float(i % 7) for i in range(200)],
    ],
)
def test_integer_weights_invariants(weights):
    q = engine.integer_weights(weights)
    n = len(weights)
    assert len(q) == n
    assert sum(q) == n * C
    assert all((qi > 0) == (w > 0) for qi, w in zip(q, weights, strict=False))
    assert all(0 <= qi <= n * C for qi in q)


def test_integer_weights_proportional_when_exact():
    # omega is exact here, so q_i = ceil(w_i T / W) up to the excess X taken from index g.
    weights = [3.0, 1.0, 0.5, 0.25, 3.0]
    q = engine.integer_weights(weights)
    total = sum(weights)
    t = len(weights) * C
    ceil = [-(-int(w * 4) * t // int(total * 4)) for w in weights]
    excess = sum(ceil) - t
    assert 0 <= excess < len(weights)
    g = ceil.index(max(ceil))
    assert g == 0
    assert q == [c - (excess if i == g else 0) for i, c in enumerate(ceil)]


def test_integer_weights_tiny_positive_weight_is_kept():
    q = engine.integer_weights([1e300, 5e-324])
    assert q[1] >= 1 and sum(q) == 2 * C


def test_integer_weights_errors():
    with pytest.raises(ValueError, match=r"^weights\[3\] must be finite and non-negative, got nan$"):
        engine.integer_weights([1.0, 2.0, 3.0, float("nan"), -1.0])
    with pytest.raises(ValueError, match=r"^weights\[1\] must be finite and non-negative, got -1.0$"):
        engine.integer_weights([1.0, -1.0])
    with pytest.raises(ValueError, match=r"^weights\[0\] must be finite and non-negative, got inf$"):
        engine.integer_weights([float("inf")])
    with pytest.raises(ValueError, match=r"^weights must not be empty$"):
        engine.integer_weights([])
    with pytest.raises(ValueError, match=r"^weights must contain at least one positive value, got all zeros$"):
        engine.integer_weights([0.0, -0.0])
    with pytest.raises(TypeError, match=r"weights\[1\]"):
        engine.integer_weights([1.0, "2.0"])
    with pytest.raises(TypeError, match=r"weights\[0\]"):
        engine.integer_weights([None])
    with pytest.raises(TypeError):
        engine.integer_weights([[1.0]])


# ---------------------------------------------------------------------------------------------
# §7.2 / §7.3 alias table and draws


WEIGHT_SETS = [
    [1.0],
    [1.0, 0.0],
    [0.1, 0.2, 0.3, 0.4],
    [5.0, 0.0, 0.0, 1e-9, 2.0, 2.0, 0.0, 7.5],
    [float((i * 37) % 11) for i in range(150)],
    [1.0] * 64,
]


@pytest.mark.parametrize("weights", WEIGHT_SETS)
def test_alias_table_reproduces_q_exactly(weights):
    table = engine.WeightTable(weights)
    q = table.integer_weights()
    threshold, alias = table.alias_table()
    assert table.n == len(weights) == len(threshold) == len(alias)
    assert table.nonzero == sum(1 for w in weights if w > 0)
    mass = [0] * table.n
    for j in range(table.n):
        assert 0 <= threshold[j] <= C and 0 <= alias[j] < table.n
        if threshold[j] == C:
            assert alias[j] == j
        mass[j] += threshold[j]
        mass[alias[j]] += C - threshold[j]
    assert mass == q


def test_alias_table_build_order():
    # q = [C/2, C, 3C/2]: small=[0], large=[1, 2]; pop 0 and 2; q_2 becomes C (stays large);
    # leftovers 1 and 2 point at themselves.
    threshold, alias = engine.WeightTable([1.0, 2.0, 3.0]).alias_table()
    assert threshold == [C // 2, C, C]
    assert alias == [2, 1, 2]


@pytest.mark.parametrize("weights", WEIGHT_SETS)
def test_alias_draws_match_naive_and_seek(weights):
    table = engine.WeightTable(weights)
    threshold, alias = table.alias_table()
    count = 80
    words = engine.keystream_words(11, engine.MAIN, 6, 0, 3 * count)
    naive = []
    for i in range(count):
        x = words[3 * i] | (words[3 * i + 1] << 32)
        c = words[3 * i + 2]
        j = (x * table.n) >> 64
        naive.append(j if c < threshold[j] else alias[j])
    got = table.alias_draws(11, 6, 0, count)
    assert got == naive
    assert all(weights[j] > 0 for j in got)
    assert table.alias_draws(11, 6, 29, 31) == got[29:60]
    assert table.alias_draws(11, 6, 3, 0) == []


# ---------------------------------------------------------------------------------------------
# §8 weighted without replacement


def naive_without_replacement(q, seed, epoch, k):
    q = list(q)
    words = engine.keystream_words(seed, engine.MAIN, epoch, 0, 4 * k)
    out = []
    for i in range(k):
        x0 = words[4 * i] | (words[4 * i + 1] << 32)
        x1 = words[4 * i + 2] | (words[4 * i + 3] << 32)
        v = engine.bounded128(x0, x1, sum(q))
        acc = 0
        for j, qj in enumerate(q):  # noqa: B007 (j is read after the loop)
            if acc <= v < acc + qj:
                break
            acc += qj
        out.append(j)
        q[j] = 0
    return out


def naive_keys(q, seed, epoch, k):
    """§8.2 from the exact keys: −ln(1 − x_i/2^64)/q_i to 60 digits (decimal), not the spec's fixed point; the
    orders agree unless two keys are within 2^-50 of each other (not in these cases)."""
    from decimal import Decimal, localcontext

    words = engine.keystream_words(seed, engine.MAIN, epoch, 0, 2 * len(q))
    keyed = []
    with localcontext() as context:
        context.prec = 60
        for i, mass in enumerate(q):
            x = words[2 * i] | (words[2 * i + 1] << 32)
            if mass > 0:
                keyed.append((-(Decimal(2**64 - x) / Decimal(2**64)).ln() / Decimal(mass), i))
    keyed.sort()
    return [i for _, i in keyed[:k]]


@pytest.mark.parametrize("algorithm", ["sequential", "keys"])
@pytest.mark.parametrize("weights", WEIGHT_SETS)
def test_without_replacement(weights, algorithm):
    table = engine.WeightTable(weights)
    k = table.nonzero
    got = table.without_replacement(21, 2, k, algorithm)
    assert len(got) == k == len(set(got))
    assert sorted(got) == [i for i, w in enumerate(weights) if w > 0]
    naive = naive_without_replacement if algorithm == "sequential" else naive_keys
    assert got == naive(table.integer_weights(), 21, 2, k)
    assert table.without_replacement(21, 2, k // 2, algorithm) == got[: k // 2]
    assert table.without_replacement(21, 2, 0, algorithm) == []


def test_without_replacement_default_is_keys():
    table = engine.WeightTable([0.5, 0.0, 2.0, 1.0, 3.0])
    assert table.without_replacement(4, 1, 4) == table.without_replacement(4, 1, 4, "keys")
    with pytest.raises(ValueError, match="algorithm must be one of 'keys', 'sequential', got algorithm='exact'"):
        table.without_replacement(4, 1, 4, "exact")


def test_exponential_is_the_logarithm():
    # E = −ln(1 − x/2^64) within 2^-52 relative, across every table bucket and exponent (spec §8.2).
    from decimal import Decimal, localcontext

    xs = [1, 2, 3, 2**56 - 1, 2**56, 2**56 + 1, 2**63, 2**64 - 1]
    xs += [(2**64 - 1) - ((j * 0x9E3779B97F4A7C15) % 2**64 >> e) for j in range(1, 130) for e in (0, 7, 30, 60)]
    xs += [((j * 0x9E3779B97F4A7C15) % 2**64) >> e for j in range(1, 130) for e in (0, 8, 40)]
    assert engine.exponential(0) == 0.0
    with localcontext() as context:
        context.prec = 60
        for x in xs:
            exact = -(Decimal(2**64 - x) / Decimal(2**64)).ln()
            assert abs(Decimal(engine.exponential(x)) - exact) <= exact * Decimal(2) ** -52, x


def test_without_replacement_errors():
    table = engine.WeightTable([1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="k"):
        table.without_replacement(0, 0, 3)
    with pytest.raises(ValueError, match="epoch"):
        table.without_replacement(0, 2**56, 1)


def test_weight_table_validates():
    with pytest.raises(ValueError, match="weights must not be empty"):
        engine.WeightTable([])
    with pytest.raises(ValueError, match=r"weights\[0\]"):
        engine.WeightTable([float("-inf")])


# ---------------------------------------------------------------------------------------------
# §9 PK sampling


def test_pk_draws():
    classes = [[0, 4, 9], [1, 2], [3, 5, 6, 7, 8], [10]]
    rows = [r for rs in classes for r in rs]
    offsets = [0, 3, 5, 10, 11]
    class_order = engine.permutation_stream(13, engine.CLASS_ORDER, 0, 4, 0, 4)
    num_val = 6
    total = len(class_order) * num_val
    layout = engine.ClassLayout(rows, offsets)
    got = layout.pk_draws(13, 2, class_order, num_val, 0, total)
    draws = u64_draws(13, engine.MAIN, 2, 0, total)
    for p, (row, d) in enumerate(zip(got, draws, strict=False)):
        c = class_order[p // num_val]
        assert row == classes[c][(d * len(classes[c])) >> 64]
    assert layout.pk_draws(13, 2, class_order, num_val, 7, 10) == got[7:17]
    assert layout.pk_draws(13, 2, [2], 3, 0, 3) == [classes[2][(d * 5) >> 64] for d in draws[:3]]


def test_pk_draws_errors():
    rows = [0, 1, 2]
    layout = engine.ClassLayout(rows, [0, 1, 3])
    with pytest.raises(ValueError, match="num_val"):
        layout.pk_draws(0, 0, [0, 1], 0, 0, 1)
    with pytest.raises(ValueError, match="class_order"):
        layout.pk_draws(0, 0, [2], 1, 0, 1)
    with pytest.raises(ValueError, match="offsets"):
        engine.ClassLayout(rows, [0, 1])
    with pytest.raises(ValueError, match="offsets"):
        engine.ClassLayout(rows, [0, 0, 3])
    with pytest.raises(ValueError, match="start"):
        layout.pk_draws(0, 0, [0, 1], 2, 3, 2)
