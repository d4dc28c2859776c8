"""The reference's ChaCha block function and keystream against published known answers."""

from __future__ import annotations

import pytest

from .reference_modules import load_reference

chacha, engine = load_reference()


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

    block = chacha.chacha_block([0] * 8, 0, 0, rounds)
    assert b"".join(struct.pack("<I", w) for w in block).hex() == expected
