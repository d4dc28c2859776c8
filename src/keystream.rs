//! Seed and key, keystream (spec §1–§2): SplitMix64 key expansion and the seekable ChaCha8 keystream.

use chacha20::ChaCha8Rng;
use chacha20::rand_core::{Rng, SeedableRng};

use crate::alloc::vec_with_capacity;
use crate::error::EngineError;
use crate::limits::{check_epoch, check_span};

/// Stream purpose: a sampler's per-epoch draws.
pub const MAIN: u8 = 0;
/// Stream purpose: PKSampler's class order.
pub const CLASS_ORDER: u8 = 1;
/// Stream purpose: the class permutation blocks of PKBatchSampler and MPerClassSampler (spec §19.1, §20).
pub const PK_CLASSES: u8 = 2;
/// Stream purpose: the within-class row draws of PKBatchSampler and MPerClassSampler (spec §19.2).
pub const PK_ROWS: u8 = 3;
/// Stream purpose: the step order of length-grouped batches (spec §24.1).
pub const LENGTH_STEPS: u8 = 6;
/// Stream purpose: a mixture's block orders, per epoch (spec §23.4 step 2).
pub const MIXTURE_ORDER: u8 = 4;
/// Stream purpose: a mixture source's passes, the source number as the stream's epoch (spec §23.4 step 5).
pub const MIXTURE_ITEMS: u8 = 5;

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
        if let [low, high] = pair {
            *low = z as u32;
            *high = (z >> 32) as u32;
        }
    }
    key
}

/// Stream id for (purpose, epoch): `(purpose << 56) | epoch` with `epoch < 2^56` (spec §2).
pub fn stream_id(purpose: u8, epoch: u64) -> Result<u64, EngineError> {
    check_epoch(epoch)?;
    Ok((u64::from(purpose) << 56) | epoch)
}

/// The keystream of (seed, purpose, epoch), readable from any word position.
pub struct Keystream {
    rng: ChaCha8Rng,
}

impl Keystream {
    pub fn new(seed: u64, purpose: u8, epoch: u64) -> Result<Self, EngineError> {
        let id = stream_id(purpose, epoch)?;
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(expand_seed(seed)) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        let mut rng = ChaCha8Rng::from_seed(bytes);
        // set_stream resets the word position, so it comes first.
        rng.set_stream(id);
        Ok(Keystream { rng })
    }

    /// Seek to word `word` (taken mod 2^68, the keystream's length; callers stay below it, spec §2).
    pub fn at_word(mut self, word: u128) -> Self {
        self.rng.set_word_pos(word);
        self
    }

    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    /// The next `out.len()` words, in bulk (the same words as that many `next_u32` calls).
    pub fn fill_words(&mut self, out: &mut [u32]) {
        let mut bytes = [0u8; 4 * BULK_WORDS];
        for part in out.chunks_mut(BULK_WORDS) {
            let Some(bytes) = bytes.get_mut(..4 * part.len()) else {
                break;
            };
            self.rng.fill_bytes(bytes);
            for (word, le) in part.iter_mut().zip(bytes.chunks_exact(4)) {
                *word = u32::from_le_bytes(le.try_into().unwrap_or_default());
            }
        }
    }

    /// Two consecutive words, the earlier one low.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// Words `fill_words` converts at a time.
const BULK_WORDS: usize = 256;

/// Gaps up to this many words are read through; longer ones seek (a seek refills a 64-word buffer).
const SKIP_LIMIT: u128 = 64;

impl Keystream {
    /// out[c] = read(stream at position start + c·stride), position p starting at word `words·p`:
    /// the strided form of reading positions in order. Callers keep every position below 2^64.
    pub(crate) fn read_strided<T>(
        mut self,
        words: u64,
        start: u64,
        stride: u64,
        out: &mut [T],
        mut read: impl FnMut(&mut Keystream) -> T,
    ) {
        let words = u128::from(words);
        let gap = words * u128::from(stride.saturating_sub(1));
        let mut position = u128::from(start);
        self.rng.set_word_pos(words * position);
        for slot in out.iter_mut() {
            *slot = read(&mut self);
            position += u128::from(stride);
            if gap == 0 {
                continue;
            }
            if gap <= SKIP_LIMIT {
                for _ in 0..gap {
                    self.rng.next_u32();
                }
            } else {
                self.rng.set_word_pos(words * position);
            }
        }
    }
}

/// Words [start, start + count) of stream (seed, purpose, epoch).
pub fn keystream_words(seed: u64, purpose: u8, epoch: u64, start: u64, count: u64) -> Result<Vec<u32>, EngineError> {
    check_span(start, count)?;
    let mut stream = Keystream::new(seed, purpose, epoch)?.at_word(start.into());
    let mut out = vec_with_capacity(count)?;
    out.extend((0..count).map(|_| stream.next_u32()));
    Ok(out)
}
