//! Seed expansion, the ChaCha8 keystream and bounded integers (spec §1–§3).

use chacha20::ChaCha8Rng;
use chacha20::rand_core::{Rng, SeedableRng};

/// Stream purpose: a sampler's per-epoch draws.
pub const MAIN: u8 = 0;
/// Stream purpose: PKSampler's class order.
pub const CLASS_ORDER: u8 = 1;
/// Epochs live in the low 56 bits of the stream id.
pub const EPOCH_LIMIT: u64 = 1 << 56;

/// SplitMix64, four rounds, each output split into (low, high) 32-bit key words (spec §1).
pub fn expand_seed(seed: u64) -> [u32; 8] {
    let mut state = seed;
    let mut key = [0u32; 8];
    for pair in key.chunks_exact_mut(2) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        pair[0] = z as u32;
        pair[1] = (z >> 32) as u32;
    }
    key
}

/// Stream id for (purpose, epoch); `None` when the epoch does not fit in 56 bits.
pub fn stream_id(purpose: u8, epoch: u64) -> Option<u64> {
    (epoch < EPOCH_LIMIT).then(|| (u64::from(purpose) << 56) | epoch)
}

/// The keystream of (seed, purpose, epoch), readable from any word position.
pub struct Keystream {
    rng: ChaCha8Rng,
}

impl Keystream {
    /// Callers validate `epoch < EPOCH_LIMIT`; larger epochs are reduced into range here.
    pub fn new(seed: u64, purpose: u8, epoch: u64) -> Self {
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(expand_seed(seed)) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        let mut rng = ChaCha8Rng::from_seed(bytes);
        // set_stream resets the word position, so it comes first.
        rng.set_stream((u64::from(purpose) << 56) | (epoch % EPOCH_LIMIT));
        Keystream { rng }
    }

    pub fn at_word(mut self, word: u128) -> Self {
        self.rng.set_word_pos(word);
        self
    }

    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    /// Two consecutive words, the earlier one low.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// Multiply-shift without rejection: one u64 draw, relative bias below n / 2^64 (spec §3).
#[inline]
pub fn bounded(x: u64, n: u64) -> u64 {
    ((u128::from(x) * u128::from(n)) >> 64) as u64
}

/// floor((x1·2^64 + x0) · r / 2^128) for r < 2^64 (spec §3).
#[inline]
pub fn bounded128(x0: u64, x1: u64, r: u64) -> u64 {
    let high = u128::from(x1) * u128::from(r);
    let low = (u128::from(x0) * u128::from(r)) >> 64;
    // The result is below r < 2^64, so high + low < 2^128: no overflow.
    ((high + low) >> 64) as u64
}
