"""The Feistel bijection (spec §5.2): an exact-width 8-round Feistel network with cycle walking, and the
materialised Fisher–Yates block for n <= 128 (spec §5.3) (Rust: src/permutation/feistel.rs)."""

from __future__ import annotations

from collections.abc import Callable

from ..keystream import Keystream
from .fisher_yates import fisher_yates_prefix

ROUNDS = 8  # spec §5.2: 6 pass the battery, 4 fail, 8 leave a margin
TABLE_MAX = 128  # populations up to this size use the materialised spec-v1 Fisher–Yates block
MIX_1 = 0xFF51AFD7ED558CCD  # MurmurHash3's fmix64 multipliers
MIX_2 = 0xC4CEB9FE1A85EC53

_M64 = 0xFFFF_FFFF_FFFF_FFFF


def round_keys(seed: int, purpose: int, epoch: int, block: int) -> list[int]:
    """u64 draws block·ROUNDS … block·ROUNDS + ROUNDS − 1 of stream (seed, purpose, epoch)."""
    stream = Keystream.new(seed, purpose, epoch).at_word(2 * ROUNDS * block)
    return [stream.next_u64() for _ in range(ROUNDS)]


def bit_width(x: int) -> int:
    """Number of bits of x (0 for 0): exact, no logarithm."""
    return x.bit_length()


def round_function(v: int, key: int, out_bits: int) -> int:
    """F(v, k, m): the top m bits (1 <= m <= 32) of a keyed two-multiply mixer of v < 2^32."""
    y = ((v ^ key) * MIX_1) & _M64
    y ^= y >> 32
    y = (y * MIX_2) & _M64
    return y >> (64 - out_bits)


class Feistel:
    """The alternating network on [0, 2^w): x is (hi, lo), lo the low ⌈w/2⌉ bits; each round pair
    updates hi from lo, then lo from hi."""

    __slots__ = ("hi_bits", "keys", "lo_bits")

    def __init__(self, w: int, keys: list[int]) -> None:
        self.keys = list(keys)
        self.hi_bits = w // 2
        self.lo_bits = w - w // 2

    def width(self) -> int:
        return self.hi_bits + self.lo_bits

    def forward(self, x: int) -> int:
        """E(x) for x < 2^w."""
        hi_bits, lo_bits, keys = self.hi_bits, self.lo_bits, self.keys
        hi = x >> lo_bits
        lo = x & ((1 << lo_bits) - 1)
        for r in range(0, ROUNDS, 2):
            hi ^= round_function(lo, keys[r], hi_bits)
            lo ^= round_function(hi, keys[r + 1], lo_bits)
        return (hi << lo_bits) | lo

    def backward(self, y: int) -> int:
        """E⁻¹(y) for y < 2^w: the rounds in reverse order."""
        hi_bits, lo_bits, keys = self.hi_bits, self.lo_bits, self.keys
        hi = y >> lo_bits
        lo = y & ((1 << lo_bits) - 1)
        for r in range(ROUNDS - 2, -1, -2):
            lo ^= round_function(hi, keys[r + 1], lo_bits)
            hi ^= round_function(lo, keys[r], hi_bits)
        return (hi << lo_bits) | lo


class Bijection:
    """π_b: the keyed bijection of [0, n) of one block: a table for n <= TABLE_MAX, else the network."""

    __slots__ = ("_network", "_table", "n")

    def __init__(self, n: int, table: list[int] | None, network: Feistel | None) -> None:
        self.n = n
        self._table = table
        self._network = network

    @classmethod
    def for_block(cls, seed: int, purpose: int, epoch: int, n: int, block: int) -> Bijection:
        """Block ``block`` of stream (seed, purpose, epoch); callers keep 1 <= n <= 2**63, block·n < 2**64."""
        if n <= TABLE_MAX:
            return cls(n, fisher_yates_prefix(seed, purpose, epoch, n, block, n), None)
        return cls.from_keys(n, round_keys(seed, purpose, epoch, block))

    @classmethod
    def from_keys(cls, n: int, keys: list[int]) -> Bijection:
        """The network form for n > TABLE_MAX: width w = bit_width(n − 1)."""
        return cls(n, None, Feistel(max(bit_width(n - 1), 2), keys))

    def width(self) -> int:
        return 0 if self._network is None else self._network.width()

    def apply(self, offset: int) -> int:
        """π(offset) for offset < n."""
        n = self.n
        offset %= n
        if self._table is not None:
            return self._table[offset]
        network = self._network
        assert network is not None
        # Cycle walking: the cycle of E through offset < n comes back below n.
        value = network.forward(offset)
        while value >= n:
            value = network.forward(value)
        return value

    def inverse(self, value: int) -> int:
        """π⁻¹(value) for value < n."""
        n = self.n
        value %= n
        if self._table is not None:
            return self._table.index(value)
        network = self._network
        assert network is not None
        offset = network.backward(value)
        while offset >= n:
            offset = network.backward(offset)
        return offset

    def fill_with(self, count: int, next_offset: Callable[[], int]) -> list[int]:
        """[π(next_offset()) for count offsets], one at a time (Rust evaluates lanes: same values)."""
        return [self.apply(next_offset()) for _ in range(count)]


def feistel_values(seed: int, purpose: int, epoch: int, n: int, block: int, offsets: list[int]) -> list[int]:
    """π_b(offset) for each offset (each < n)."""
    bijection = Bijection.for_block(seed, purpose, epoch, n, block)
    return [bijection.apply(offset) for offset in offsets]
