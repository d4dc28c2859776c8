"""Tests of the pure-Python reference engine alone (docs/spec.md).

Cross-checks against the Rust extension live elsewhere; here: published ChaCha20 and
SplitMix64 vectors, and structural properties of every algorithm, checked against naive
re-implementations built on `keystream_words`.
"""

from __future__ import annotations

import importlib
import math
import sys
import types
from pathlib import Path

import pytest

_REFERENCE_DIR = Path(__file__).resolve().parents[1] / "python" / "ferrosampler" / "reference"


def _load_reference():
    """Import the reference modules; by file path if the package is not importable yet."""
    try:
        from ferrosampler.reference import _engine
        from ferrosampler.reference._engine import chacha

        return chacha, _engine
    except ImportError:
        pass
    # An empty stand-in package: the real package __init__ imports the (maybe unbuilt) extension,
    # while _engine needs nothing but itself (chacha included).
    name = "_ferrosampler_reference_under_test"
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(_REFERENCE_DIR)]
        sys.modules[name] = package
    return importlib.import_module(f"{name}._engine.chacha"), importlib.import_module(f"{name}._engine")


chacha, engine = _load_reference()

C = 2**32
M64 = 2**64 - 1


def key_from_bytes(key: bytes) -> list[int]:
    return [int.from_bytes(key[i : i + 4], "little") for i in range(0, 32, 4)]


# ---------------------------------------------------------------------------------------------
# ChaCha block function: published ChaCha20 vectors (rand_chacha's tests, which take them from
# draft-nir-cfrg-chacha20-poly1305-04 / RFC 7539 appendix A.1; nonce 0 makes both layouts agree).

ZERO_KEY_BLOCK0 = [
    0xADE0B876,
    0x903DF1A0,
    0xE56A5D40,
    0x28BD8653,
    0xB819D2BD,
    0x1AED8DA0,
    0xCCEF36A8,
    0xC70D778B,
    0x7C5941DA,
    0x8D485751,
    0x3FE02477,
    0x374AD8B8,
    0xF4B8436A,
    0x1CA11815,
    0x69B687C3,
    0x8665EEB2,
]
ZERO_KEY_BLOCK1 = [
    0xBEE7079F,
    0x7A385155,
    0x7C97BA98,
    0x0D082D73,
    0xA0290FCB,
    0x6965E348,
    0x3E53C612,
    0xED7AEE32,
    0x7621B729,
    0x434EE69C,
    0xB03371D5,
    0xD539D874,
    0x281FED31,
    0x45FB0A51,
    0x1F0AE1AC,
    0x6F4D794B,
]


def test_chacha20_zero_key_blocks_0_and_1():
    ks = chacha.Keystream([0] * 8, 0, rounds=20)
    assert ks.words(0, 16) == ZERO_KEY_BLOCK0
    assert ks.words(16, 16) == ZERO_KEY_BLOCK1
    assert ks.words(0, 1)[0] == 0xADE0B876
    assert ks.words(31, 1)[0] == 0x6F4D794B


def test_chacha20_zero_key_keystream_bytes():
    # RFC 7539 A.1 test vector #1, first 32 keystream bytes.
    ks = chacha.Keystream([0] * 8, 0, rounds=20)
    data = b"".join(w.to_bytes(4, "little") for w in ks.words(0, 8))
    assert data == bytes.fromhex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7")


def test_chacha20_key_last_byte_one_block1():
    ks = chacha.Keystream(key_from_bytes(bytes(31) + b"\x01"), 0, rounds=20)
    assert ks.words(16, 16) == [
        0x2452EB3A,
        0x9249F8EC,
        0x8D829D9B,
        0xDDD4CEB1,
        0xE8252083,
        0x60818B01,
        0xF38422B8,
        0x5AAA49C9,
        0xBB00CA8E,
        0xDA3BA7B4,
        0xC4B592D1,
        0xFDF2732F,
        0x4436274E,
        0x2561B3C8,
        0xEBDD4AA6,
        0xA0136C00,
    ]


def test_chacha20_key_byte1_ff_block2_via_seek():
    ks = chacha.Keystream(key_from_bytes(b"\x00\xff" + bytes(30)), 0, rounds=20)
    ks.seek_word(32)
    assert [ks.next_u32() for _ in range(16)] == [
        0xFB4DD572,
        0x4BC42EF1,
        0xDF922636,
        0x327F1394,
        0xA78DEA8F,
        0x5E269039,
        0xA1BEBBC1,
        0xCAF09AAE,
        0xA25AB213,
        0x48A6B46C,
        0x1B9D9BCB,
        0x092C5BE6,
        0x546CA624,
        0x1BEC45D5,
        0x87F47473,
        0x96F0992E,
    ]
    assert ks.tell_word() == 48


def test_chacha20_stream_id_in_words_14_15():
    # rand_chacha test_chacha_nonce: set_stream(2 << 56) puts 0x02000000 in word 15.
    ks = chacha.Keystream([0] * 8, 2 << 56, rounds=20)
    assert ks.words(0, 16) == [
        0x374DC6C2,
        0x3736D58C,
        0xB904E24A,
        0xCD3F93EF,
        0x88228B1A,
        0x96A4DFB3,
        0x5B76AB72,
        0xC727EE54,
        0x0E0E978A,
        0xF3145C95,
        0x1B748EA8,
        0xF786C297,
        0x99C28F5F,
        0x628314E8,
        0x398A19FA,
        0x6DED1B53,
    ]


def test_chacha20_multiple_blocks_diagonal():
    # rand_chacha test_chacha_multiple_blocks: word 17*i, key words 0..7.
    ks = chacha.Keystream(list(range(8)), 0, rounds=20)
    assert [ks.words(17 * i, 1)[0] for i in range(16)] == [
        0xF225C81A,
        0x6AB1BE57,
        0x04D42951,
        0x70858036,
        0x49884684,
        0x64EFEC72,
        0x4BE2D186,
        0x3615B384,
        0x11CFA18E,
        0xD3C50049,
        0x75C775F6,
        0x434C6530,
        0x2C5BAD8F,
        0x898881DC,
        0x5F1C86D9,
        0xC1F8E7F4,
    ]


def test_keystream_sequential_seek_and_u64_agree():
    key = engine.expand_seed(12345)
    ks = chacha.Keystream(key, 7)
    run = ks.words(0, 70)
    assert len(run) == 70
    ks.seek_word(13)
    assert [ks.next_u32() for _ in range(40)] == run[13:53]
    ks.seek_word(15)  # a u64 straddling blocks 0 and 1
    assert ks.next_u64() == run[15] | (run[16] << 32)
    assert chacha.Keystream(key, 7).words(33, 20) == run[33:53]
    assert chacha.chacha_block(key, 2, 7) == run[32:48]


def test_keystream_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"^key_words must be 8 integers"):
        chacha.Keystream([0] * 7, 0)
    with pytest.raises(ValueError, match=r"^key_words must be 8 integers"):
        chacha.Keystream([0] * 7 + [2**32], 0)
    with pytest.raises(ValueError, match=r"^stream_id must be in"):
        chacha.Keystream([0] * 8, 2**64)
    with pytest.raises(ValueError, match=r"^rounds must be a positive even number"):
        chacha.Keystream([0] * 8, 0, rounds=7)


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


@pytest.mark.parametrize("weights", WEIGHT_SETS)
def test_without_replacement(weights):
    table = engine.WeightTable(weights)
    k = table.nonzero
    got = table.without_replacement(21, 2, k)
    assert len(got) == k == len(set(got))
    assert sorted(got) == [i for i, w in enumerate(weights) if w > 0]
    assert got == naive_without_replacement(table.integer_weights(), 21, 2, k)
    assert table.without_replacement(21, 2, k // 2) == got[: k // 2]
    assert table.without_replacement(21, 2, 0) == []


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
    got = engine.pk_draws(13, 2, rows, offsets, class_order, num_val, 0, total)
    draws = u64_draws(13, engine.MAIN, 2, 0, total)
    for p, (row, d) in enumerate(zip(got, draws, strict=False)):
        c = class_order[p // num_val]
        assert row == classes[c][(d * len(classes[c])) >> 64]
    assert engine.pk_draws(13, 2, rows, offsets, class_order, num_val, 7, 10) == got[7:17]
    assert engine.pk_draws(13, 2, rows, offsets, [2], 3, 0, 3) == [classes[2][(d * 5) >> 64] for d in draws[:3]]


def test_pk_draws_errors():
    rows, offsets = [0, 1, 2], [0, 1, 3]
    with pytest.raises(ValueError, match="num_val"):
        engine.pk_draws(0, 0, rows, offsets, [0, 1], 0, 0, 1)
    with pytest.raises(ValueError, match="class_order"):
        engine.pk_draws(0, 0, rows, offsets, [2], 1, 0, 1)
    with pytest.raises(ValueError, match="offsets"):
        engine.pk_draws(0, 0, rows, [0, 1], [0], 1, 0, 1)
    with pytest.raises(ValueError, match="offsets"):
        engine.pk_draws(0, 0, rows, [0, 0, 3], [0], 1, 0, 1)
    with pytest.raises(ValueError, match="start"):
        engine.pk_draws(0, 0, rows, offsets, [0, 1], 2, 3, 2)


# Published ChaCha keystream for an all-zero 256-bit key and IV, block 0
# (Strömbergson, "Test Vectors for the Stream Cipher ChaCha", TC1, 8 and 12 rounds).
TC1_CHACHA8 = (
    "3e00ef2f895f40d67f5bb8e81f09a5a12c840ec3ce9a7f3b181be188ef711a1e"
    "984ce172b9216f419f445367456d5619314a42a3da86b001387bfdb80e0cfe42"
)
TC1_CHACHA12 = (
    "9bf49a6a0755f953811fce125f2683d50429c3bb49e074147e0089a52eae155f"
    "0564f879d27ae3c02ce82834acfa8c793a629f2ca0de6919610be82f411326be"
)


@pytest.mark.parametrize(("rounds", "expected"), [(8, TC1_CHACHA8), (12, TC1_CHACHA12)])
def test_chacha8_and_chacha12_known_answers(rounds, expected):
    import struct

    from ferrosampler.reference._engine.chacha import chacha_block

    block = chacha_block([0] * 8, 0, 0, rounds)
    assert b"".join(struct.pack("<I", w) for w in block).hex() == expected
