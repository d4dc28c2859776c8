//! The Feistel bijection (spec §5.2): an exact-width 8-round Feistel network with cycle walking, and the
//! materialised Fisher–Yates block for n ≤ 128 (spec §5.3); every offset is evaluated on demand.

use crate::alloc::vec_with_capacity;
use crate::error::EngineError;
use crate::keystream::Keystream;
use crate::permutation::fisher_yates::fisher_yates_prefix;
use crate::permutation::lanes;

/// Feistel rounds (spec §5.2: 6 pass the battery, 4 fail, 8 leave a margin).
pub const ROUNDS: usize = 8;
/// Populations up to this size use the materialised spec-v1 Fisher–Yates block (spec §5.3).
pub const TABLE_MAX: u64 = 128;
/// Round-function multipliers (MurmurHash3's fmix64 constants).
pub const MIX_1: u64 = 0xFF51_AFD7_ED55_8CCD;
pub const MIX_2: u64 = 0xC4CE_B9FE_1A85_EC53;
/// Offsets evaluated together by the lane engine; any value gives the same output.
pub const LANES: usize = 256;

// ROUNDS is even: the network runs rounds in pairs; LANES is a power of two (the lanes mask by 2·LANES).
const _: () = assert!(ROUNDS.is_multiple_of(2) && ROUNDS >= 2 && LANES.is_power_of_two());

/// Round keys of block `block`: u64 draws `block·ROUNDS … block·ROUNDS + ROUNDS − 1` of stream
/// (seed, purpose, epoch), i.e. ChaCha8 block number `block` of the stream.
pub fn round_keys(seed: u64, purpose: u8, epoch: u64, block: u64) -> Result<[u64; ROUNDS], EngineError> {
    let word = 2 * ROUNDS as u128 * u128::from(block);
    let mut stream = Keystream::new(seed, purpose, epoch)?.at_word(word);
    Ok(core::array::from_fn(|_| stream.next_u64()))
}

/// Number of bits of `x` (0 for 0): exact, no logarithm.
#[inline]
pub fn bit_width(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// F(v, k, m): the top m bits (1 ≤ m ≤ 32) of a keyed two-multiply mixer of v < 2^32.
#[inline(always)]
pub fn round_function(v: u64, key: u64, out_bits: u32) -> u64 {
    let mut y = (v ^ key).wrapping_mul(MIX_1);
    y ^= y >> 32;
    y = y.wrapping_mul(MIX_2);
    y >> (64 - out_bits)
}

/// The alternating network on [0, 2^w): x is (hi, lo), lo the low `lo_bits = ⌈w/2⌉` bits; each round
/// pair updates hi from lo, then lo from hi, so it is a bijection at every width, odd ones included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feistel {
    pub(crate) keys: [u64; ROUNDS],
    pub(crate) hi_bits: u32,
    pub(crate) lo_bits: u32,
}

impl Feistel {
    /// The network of width `w`; 2 ≤ w ≤ 64 keeps both halves 1 … 32 bits (`None` otherwise).
    pub fn new(w: u32, keys: [u64; ROUNDS]) -> Option<Self> {
        (2..=64).contains(&w).then_some(Feistel {
            keys,
            hi_bits: w / 2,
            lo_bits: w - w / 2,
        })
    }

    pub fn width(&self) -> u32 {
        self.hi_bits + self.lo_bits
    }

    /// E(x) for x < 2^w.
    #[inline(always)]
    pub fn forward(&self, x: u64) -> u64 {
        let (hi_bits, lo_bits) = (self.hi_bits, self.lo_bits);
        let mut hi = x >> lo_bits;
        // lo_bits ≤ 32: no shift by 64.
        let mut lo = x & ((1u64 << lo_bits) - 1);
        for pair in self.keys.chunks_exact(2) {
            if let [even, odd] = pair {
                hi ^= round_function(lo, *even, hi_bits);
                lo ^= round_function(hi, *odd, lo_bits);
            }
        }
        (hi << lo_bits) | lo
    }

    /// E⁻¹(y) for y < 2^w: the rounds in reverse order.
    pub fn backward(&self, y: u64) -> u64 {
        let (hi_bits, lo_bits) = (self.hi_bits, self.lo_bits);
        let mut hi = y >> lo_bits;
        let mut lo = y & ((1u64 << lo_bits) - 1);
        for pair in self.keys.chunks_exact(2).rev() {
            if let [even, odd] = pair {
                lo ^= round_function(hi, *odd, lo_bits);
                hi ^= round_function(lo, *even, hi_bits);
            }
        }
        (hi << lo_bits) | lo
    }
}

/// How block π_b is evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Form {
    /// n ≤ TABLE_MAX: the whole v1 Fisher–Yates block.
    Table(Vec<i64>),
    /// n > TABLE_MAX: the network of width bit_width(n − 1), walked into [0, n).
    Network(Feistel),
}

/// π_b: the keyed bijection of [0, n) of one block (spec §5.2–§5.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bijection {
    n: u64,
    form: Form,
}

impl Bijection {
    /// Block `block` of stream (seed, purpose, epoch); callers keep 1 ≤ n ≤ 2^63 and block·n < 2^64.
    pub fn for_block(seed: u64, purpose: u8, epoch: u64, n: u64, block: u64) -> Result<Self, EngineError> {
        if n <= TABLE_MAX {
            let table = fisher_yates_prefix(seed, purpose, epoch, n, block, n)?;
            return Ok(Bijection {
                n,
                form: Form::Table(table),
            });
        }
        let keys = round_keys(seed, purpose, epoch, block)?;
        Ok(Bijection::from_keys(n, keys))
    }

    /// The network form for n > TABLE_MAX from explicit round keys (w = bit_width(n − 1) ∈ 8 … 64).
    pub fn from_keys(n: u64, keys: [u64; ROUNDS]) -> Self {
        let width = bit_width(n.saturating_sub(1)).max(2);
        let network = Feistel {
            keys,
            hi_bits: width / 2,
            lo_bits: width - width / 2,
        };
        Bijection {
            n,
            form: Form::Network(network),
        }
    }

    /// The table form from a materialised permutation of [0, table.len()): a short mixture block's
    /// Fisher–Yates table (spec §23.4).
    pub fn from_table(table: Vec<i64>) -> Self {
        Bijection {
            n: table.len() as u64,
            form: Form::Table(table),
        }
    }

    /// The network's width w (0 for the table form).
    pub fn width(&self) -> u32 {
        match &self.form {
            Form::Table(_) => 0,
            Form::Network(network) => network.width(),
        }
    }

    /// π(offset) for offset < n (a larger offset is reduced mod n: no panic, no endless walk).
    pub fn apply(&self, offset: u64) -> u64 {
        let n = self.n.max(1);
        let offset = offset % n;
        match &self.form {
            Form::Table(table) => table.get(offset as usize).map_or(offset, |&value| value as u64),
            Form::Network(network) => {
                // Cycle walking: the cycle of E through offset < n comes back below n.
                let mut value = network.forward(offset);
                while value >= n {
                    value = network.forward(value);
                }
                value
            }
        }
    }

    /// π⁻¹(value) for value < n (reduced mod n like `apply`).
    pub fn inverse(&self, value: u64) -> u64 {
        let n = self.n.max(1);
        let value = value % n;
        match &self.form {
            Form::Table(table) => table.iter().position(|&v| v as u64 == value).map_or(0, |q| q as u64),
            Form::Network(network) => {
                let mut offset = network.backward(value);
                while offset >= n {
                    offset = network.backward(offset);
                }
                offset
            }
        }
    }

    /// out[q] = π(q) for every q < n, for a bijection of at most 2^SMALL_WIDTH = 1024 values (a mixture block):
    /// identical to `apply`; false (out untouched) for a larger n or an `out` shorter than n.
    pub fn fill_all(&self, out: &mut [u16]) -> bool {
        self.fill_all_toward(out, lanes::Direction::Forward)
    }

    /// out[u] = π⁻¹(u) for every u < n, as `fill_all` (identical to `inverse`): E⁻¹'s table walked the same way.
    pub fn fill_inverse_all(&self, out: &mut [u16]) -> bool {
        self.fill_all_toward(out, lanes::Direction::Backward)
    }

    fn fill_all_toward(&self, out: &mut [u16], direction: lanes::Direction) -> bool {
        let n = self.n as usize;
        if self.n > lanes::SMALL_VALUES as u64 {
            return false;
        }
        let Some(out) = out.get_mut(..n) else {
            return false;
        };
        match &self.form {
            Form::Table(table) if direction == lanes::Direction::Backward => {
                for (q, &value) in (0u16..).zip(table.iter()) {
                    // A permutation of [0, n), n ≤ 1024.
                    if let Some(slot) = out.get_mut(value as usize) {
                        *slot = q;
                    }
                }
                true
            }
            Form::Table(table) => {
                for (slot, &value) in out.iter_mut().zip(table.iter()) {
                    // A permutation of [0, n), n ≤ 1024.
                    *slot = value as u16;
                }
                true
            }
            Form::Network(network) => {
                let Some(values) = lanes::small_network_toward(network, direction) else {
                    return false;
                };
                if n == 1 << network.width() {
                    // E maps [0, n) onto itself: no walking.
                    for (slot, &value) in out.iter_mut().zip(values.iter()) {
                        *slot = value;
                    }
                    return true;
                }
                for (q, slot) in out.iter_mut().enumerate() {
                    // Cycle walking through the tabulated E: every value is below 2^w ≤ 1024.
                    let mut value = values.get(q).copied().unwrap_or(0);
                    while usize::from(value) >= n {
                        value = values.get(usize::from(value)).copied().unwrap_or(0);
                    }
                    *slot = value;
                }
                true
            }
        }
    }

    /// out[k] = π(next()) for offsets `next()` < n, evaluated LANES at a time with the walkers compacted:
    /// identical to `apply` per offset.
    pub fn fill_with(&self, out: &mut [i64], mut next: impl FnMut() -> u64) {
        let n = self.n;
        match &self.form {
            Form::Table(table) => {
                for slot in out.iter_mut() {
                    let offset = next();
                    *slot = table.get(offset as usize).copied().unwrap_or(offset as i64);
                }
            }
            Form::Network(network) => lanes::walk(network, n, out, next),
        }
    }
}

/// π_b(offset) for each offset (each < n), one bijection per call: what the reference does per block.
pub fn feistel_values(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    block: u64,
    offsets: &[u64],
) -> Result<Vec<i64>, EngineError> {
    let bijection = Bijection::for_block(seed, purpose, epoch, n, block)?;
    let mut out = vec_with_capacity(offsets.len() as u64)?;
    out.resize(offsets.len(), 0);
    let mut offsets = offsets.iter();
    bijection.fill_with(&mut out, || offsets.next().copied().unwrap_or(0));
    Ok(out)
}
