"""ChaCha block function and a seekable keystream (spec §2), pure Python.

Bernstein's original layout: words 0-3 the constants "expand 32-byte k", 4-11 the key,
12-13 a 64-bit block counter (low word first), 14-15 a 64-bit stream id (low word first).
This is what `rand_chacha::ChaCha8Rng` / `chacha20::ChaCha8Rng` compute.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CONSTANTS", "Keystream", "chacha_block"]

_M32 = 0xFFFFFFFF
_M64 = 0xFFFF_FFFF_FFFF_FFFF

# "expand 32-byte k" as four little-endian u32 words.
CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)


def chacha_block(key_words: Sequence[int], counter: int, stream_id: int, rounds: int = 8) -> list[int]:  # noqa: PLR0915 (inlined rounds)
    """The 16 output words of one ChaCha block: working state + input state, per word mod 2^32."""
    if rounds <= 0 or rounds % 2:
        raise ValueError(f"rounds must be a positive even number, got rounds={rounds}")
    c0, c1, c2, c3 = CONSTANTS
    k0, k1, k2, k3, k4, k5, k6, k7 = key_words
    n0 = counter & _M32
    n1 = (counter >> 32) & _M32
    s0 = stream_id & _M32
    s1 = (stream_id >> 32) & _M32

    x0, x1, x2, x3 = c0, c1, c2, c3
    x4, x5, x6, x7 = k0, k1, k2, k3
    x8, x9, x10, x11 = k4, k5, k6, k7
    x12, x13, x14, x15 = n0, n1, s0, s1
    m = _M32
    # fmt: off
    # Quarter rounds inlined: a function call per quarter round would dominate the cost.
    for _ in range(rounds // 2):
        # Column round.
        x0 = (x0 + x4) & m; x12 ^= x0; x12 = ((x12 << 16) | (x12 >> 16)) & m
        x8 = (x8 + x12) & m; x4 ^= x8; x4 = ((x4 << 12) | (x4 >> 20)) & m
        x0 = (x0 + x4) & m; x12 ^= x0; x12 = ((x12 << 8) | (x12 >> 24)) & m
        x8 = (x8 + x12) & m; x4 ^= x8; x4 = ((x4 << 7) | (x4 >> 25)) & m

        x1 = (x1 + x5) & m; x13 ^= x1; x13 = ((x13 << 16) | (x13 >> 16)) & m
        x9 = (x9 + x13) & m; x5 ^= x9; x5 = ((x5 << 12) | (x5 >> 20)) & m
        x1 = (x1 + x5) & m; x13 ^= x1; x13 = ((x13 << 8) | (x13 >> 24)) & m
        x9 = (x9 + x13) & m; x5 ^= x9; x5 = ((x5 << 7) | (x5 >> 25)) & m

        x2 = (x2 + x6) & m; x14 ^= x2; x14 = ((x14 << 16) | (x14 >> 16)) & m
        x10 = (x10 + x14) & m; x6 ^= x10; x6 = ((x6 << 12) | (x6 >> 20)) & m
        x2 = (x2 + x6) & m; x14 ^= x2; x14 = ((x14 << 8) | (x14 >> 24)) & m
        x10 = (x10 + x14) & m; x6 ^= x10; x6 = ((x6 << 7) | (x6 >> 25)) & m

        x3 = (x3 + x7) & m; x15 ^= x3; x15 = ((x15 << 16) | (x15 >> 16)) & m
        x11 = (x11 + x15) & m; x7 ^= x11; x7 = ((x7 << 12) | (x7 >> 20)) & m
        x3 = (x3 + x7) & m; x15 ^= x3; x15 = ((x15 << 8) | (x15 >> 24)) & m
        x11 = (x11 + x15) & m; x7 ^= x11; x7 = ((x7 << 7) | (x7 >> 25)) & m

        # Diagonal round.
        x0 = (x0 + x5) & m; x15 ^= x0; x15 = ((x15 << 16) | (x15 >> 16)) & m
        x10 = (x10 + x15) & m; x5 ^= x10; x5 = ((x5 << 12) | (x5 >> 20)) & m
        x0 = (x0 + x5) & m; x15 ^= x0; x15 = ((x15 << 8) | (x15 >> 24)) & m
        x10 = (x10 + x15) & m; x5 ^= x10; x5 = ((x5 << 7) | (x5 >> 25)) & m

        x1 = (x1 + x6) & m; x12 ^= x1; x12 = ((x12 << 16) | (x12 >> 16)) & m
        x11 = (x11 + x12) & m; x6 ^= x11; x6 = ((x6 << 12) | (x6 >> 20)) & m
        x1 = (x1 + x6) & m; x12 ^= x1; x12 = ((x12 << 8) | (x12 >> 24)) & m
        x11 = (x11 + x12) & m; x6 ^= x11; x6 = ((x6 << 7) | (x6 >> 25)) & m

        x2 = (x2 + x7) & m; x13 ^= x2; x13 = ((x13 << 16) | (x13 >> 16)) & m
        x8 = (x8 + x13) & m; x7 ^= x8; x7 = ((x7 << 12) | (x7 >> 20)) & m
        x2 = (x2 + x7) & m; x13 ^= x2; x13 = ((x13 << 8) | (x13 >> 24)) & m
        x8 = (x8 + x13) & m; x7 ^= x8; x7 = ((x7 << 7) | (x7 >> 25)) & m

        x3 = (x3 + x4) & m; x14 ^= x3; x14 = ((x14 << 16) | (x14 >> 16)) & m
        x9 = (x9 + x14) & m; x4 ^= x9; x4 = ((x4 << 12) | (x4 >> 20)) & m
        x3 = (x3 + x4) & m; x14 ^= x3; x14 = ((x14 << 8) | (x14 >> 24)) & m
        x9 = (x9 + x14) & m; x4 ^= x9; x4 = ((x4 << 7) | (x4 >> 25)) & m

    # fmt: on
    return [
        (x0 + c0) & m,
        (x1 + c1) & m,
        (x2 + c2) & m,
        (x3 + c3) & m,
        (x4 + k0) & m,
        (x5 + k1) & m,
        (x6 + k2) & m,
        (x7 + k3) & m,
        (x8 + k4) & m,
        (x9 + k5) & m,
        (x10 + k6) & m,
        (x11 + k7) & m,
        (x12 + n0) & m,
        (x13 + n1) & m,
        (x14 + s0) & m,
        (x15 + s1) & m,
    ]


class Keystream:
    """Word-addressable ChaCha keystream: word `w` is word `w mod 16` of block `w div 16`."""

    __slots__ = ("_block", "_block_index", "_key", "_pos", "_rounds", "_stream_id")

    def __init__(self, key_words: list[int], stream_id: int, rounds: int = 8):
        key = [int(k) for k in key_words]
        if len(key) != 8 or any(not 0 <= k <= _M32 for k in key):
            raise ValueError(f"key_words must be 8 integers in [0, 2**32), got {key_words!r}")
        if not 0 <= stream_id <= _M64:
            raise ValueError(f"stream_id must be in [0, 2**64), got stream_id={stream_id}")
        if rounds <= 0 or rounds % 2:
            raise ValueError(f"rounds must be a positive even number, got rounds={rounds}")
        self._key = tuple(key)
        self._stream_id = stream_id
        self._rounds = rounds
        self._pos = 0
        self._block_index = -1
        self._block: list[int] = []

    def _load(self, block_index: int) -> list[int]:
        # One cached block: sequential reads compute each block once.
        if block_index != self._block_index:
            # Positions stay below 2**64 (spec §2), so the 64-bit block counter never wraps.
            if block_index > _M64:
                raise ValueError(f"word position beyond the keystream (block {block_index})")
            self._block = chacha_block(self._key, block_index, self._stream_id, self._rounds)
            self._block_index = block_index
        return self._block

    def seek_word(self, pos: int) -> None:
        if pos < 0:
            raise ValueError(f"word position must be >= 0, got pos={pos}")
        self._pos = pos

    def tell_word(self) -> int:
        return self._pos

    def next_u32(self) -> int:
        pos = self._pos
        self._pos = pos + 1
        return self._load(pos >> 4)[pos & 15]

    def next_u64(self) -> int:
        # Exactly two consecutive words, low word first (they may straddle two blocks).
        lo = self.next_u32()
        hi = self.next_u32()
        return lo | (hi << 32)

    def words(self, start: int, count: int) -> list[int]:
        """Words [start, start + count); leaves the position at start + count."""
        if start < 0 or count < 0:
            raise ValueError(f"start and count must be >= 0, got start={start}, count={count}")
        out: list[int] = []
        pos, end = start, start + count
        while pos < end:
            block = self._load(pos >> 4)
            lo = pos & 15
            take = min(16 - lo, end - pos)
            out.extend(block[lo : lo + take])
            pos += take
        self._pos = end
        return out
