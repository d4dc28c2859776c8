"""Seed expansion and the keystream of (seed, purpose, epoch) (spec §1–§2; Rust: src/keystream.rs)."""

from __future__ import annotations

from . import chacha
from .limits import check_epoch, check_purpose, check_span, check_u64

MAIN = 0  # stream purpose: a sampler's per-epoch draws
CLASS_ORDER = 1  # stream purpose: PKSampler's class order
PK_CLASSES = 2  # stream purpose: class permutation blocks of PKBatchSampler / MPerClassSampler (§19.1, §20)
PK_ROWS = 3  # stream purpose: within-class row draws of PKBatchSampler / MPerClassSampler (§19.2)
LENGTH_STEPS = 6  # stream purpose: the step order of length-grouped batches (§24.1)
MIXTURE_ORDER = 4  # stream purpose: a mixture's block orders, per epoch (§23.4 step 2)
MIXTURE_ITEMS = 5  # stream purpose: a mixture source's passes, the source number as the stream epoch (§23.4 step 5)

_M32 = 0xFFFF_FFFF
_M64 = 0xFFFF_FFFF_FFFF_FFFF


def expand_seed(seed: int) -> list[int]:
    """The 8 ChaCha key words (state words 4..11): SplitMix64 run four times."""
    state = check_u64("seed", seed)
    key: list[int] = []
    for _ in range(4):
        state = (state + 0x9E3779B97F4A7C15) & _M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        z = z ^ (z >> 31)
        key.append(z & _M32)
        key.append(z >> 32)
    return key


def stream_id(purpose: int, epoch: int) -> int:
    purpose = check_purpose(purpose)
    epoch = check_epoch(epoch)
    return (purpose << 56) | epoch


class Keystream(chacha.Keystream):
    """The ChaCha8 keystream of (seed, purpose, epoch), readable from any word position."""

    __slots__ = ()

    @classmethod
    def new(cls, seed: int, purpose: int, epoch: int) -> Keystream:
        return cls(expand_seed(seed), stream_id(purpose, epoch))

    def at_word(self, word: int) -> Keystream:
        self.seek_word(word)
        return self


def keystream_words(seed: int, purpose: int, epoch: int, start: int, count: int) -> list[int]:
    """u32 words [start, start + count) of stream (seed, purpose, epoch)."""
    start, count = check_span(start, count)
    return Keystream.new(seed, purpose, epoch).words(start, count)
