//! Float weights to exact integer masses, the alias table and weighted sampling
//! without replacement (spec §7–§8).

use std::fmt;

use crate::keystream::{Keystream, MAIN, bounded, bounded128};

/// Column capacity of the alias table; the table's total mass is n · CAPACITY.
pub const CAPACITY: u64 = 1 << 32;

/// Why a weight vector was refused; the binding layer turns it into a ValueError.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightError {
    Empty,
    TooMany(usize),
    Invalid { index: usize, value: f64 },
    AllZero,
}

impl fmt::Display for WeightError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightError::Empty => write!(f, "weights must not be empty"),
            WeightError::TooMany(n) => {
                write!(f, "weights must have fewer than 2**32 entries, got {n}")
            }
            WeightError::Invalid { index, value } => {
                write!(f, "weights[{index}] must be finite and non-negative, got {value:?}")
            }
            WeightError::AllZero => {
                write!(f, "weights must contain at least one positive value, got all zeros")
            }
        }
    }
}

/// Integer significand and binary exponent: w = m · 2^e (spec §7.1 step 2).
fn decompose(w: f64) -> (u64, i32) {
    let bits = w.to_bits();
    let exponent_bits = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if exponent_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent_bits - 1075)
    }
}

/// floor(log2(w)) for w > 0, subnormals included.
fn floor_log2(w: f64) -> i32 {
    let (m, e) = decompose(w);
    (63 - m.leading_zeros() as i32) + e
}

/// Exact integer masses q with Σq = n · 2^32 (spec §7.1).
pub fn integer_weights(weights: &[f64]) -> Result<Vec<u64>, WeightError> {
    let n = weights.len();
    if n == 0 {
        return Err(WeightError::Empty);
    }
    if n as u64 >= 1 << 32 {
        return Err(WeightError::TooMany(n));
    }
    let mut largest = 0.0f64;
    for (index, &value) in weights.iter().enumerate() {
        if !value.is_finite() || value < 0.0 {
            return Err(WeightError::Invalid { index, value });
        }
        largest = largest.max(value);
    }
    if largest == 0.0 {
        return Err(WeightError::AllZero);
    }

    // Step 2: ω = floor(w · 2^(52−E)), at least 1 for w > 0.
    let top = floor_log2(largest);
    let omega: Vec<u64> = weights
        .iter()
        .map(|&w| {
            if w == 0.0 {
                return 0;
            }
            let (m, e) = decompose(w);
            let shift = e + 52 - top;
            let scaled = if shift >= 0 {
                m << shift
            } else if shift > -64 {
                m >> -shift
            } else {
                0
            };
            scaled.max(1)
        })
        .collect();

    // Steps 3–4: q = ceil(ω · T / W) in exact 128-bit arithmetic.
    let total_omega: u128 = omega.iter().map(|&w| u128::from(w)).sum();
    let total = n as u128 * u128::from(CAPACITY);
    let mut q: Vec<u64> = omega
        .iter()
        .map(|&w| (u128::from(w) * total).div_ceil(total_omega) as u64)
        .collect();

    // Step 5: the excess comes off the lowest index holding the largest mass.
    let excess = q.iter().map(|&x| u128::from(x)).sum::<u128>() - total;
    let mut heaviest = 0;
    for (i, &x) in q.iter().enumerate() {
        if x > q[heaviest] {
            heaviest = i;
        }
    }
    q[heaviest] -= excess as u64;
    Ok(q)
}

/// Walker/Vose alias table with integer thresholds (spec §7.2).
pub struct AliasTable {
    /// Accept column j when the coin word is below threshold[j]; a full column stores
    /// 2^32 − 1 and aliases itself, which draws the same as a threshold of 2^32.
    threshold: Vec<u32>,
    alias: Vec<u32>,
}

impl AliasTable {
    pub fn build(masses: &[u64]) -> Self {
        let n = masses.len();
        let mut q = masses.to_vec();
        let mut threshold = vec![u32::MAX; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<u32>, Vec<u32>) = (0..n as u32).partition(|&i| q[i as usize] < CAPACITY);
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            large.pop();
            let (s_i, l_i) = (s as usize, l as usize);
            threshold[s_i] = q[s_i] as u32;
            alias[s_i] = l;
            q[l_i] -= CAPACITY - q[s_i];
            if q[l_i] < CAPACITY {
                small.push(l);
            } else {
                large.push(l);
            }
        }
        AliasTable { threshold, alias }
    }

    pub fn len(&self) -> usize {
        self.threshold.len()
    }

    pub fn is_empty(&self) -> bool {
        self.threshold.is_empty()
    }

    /// Thresholds (2^32 for a full column, as the spec writes them) and aliases.
    pub fn columns(&self) -> (Vec<u64>, Vec<u32>) {
        let threshold = self
            .threshold
            .iter()
            .zip(&self.alias)
            .enumerate()
            .map(|(j, (&t, &a))| {
                if t == u32::MAX && a as usize == j {
                    CAPACITY
                } else {
                    u64::from(t)
                }
            })
            .collect();
        (threshold, self.alias.clone())
    }

    /// Draws [start, start + count) of the epoch, three words each (spec §7.3).
    pub fn draws(&self, seed: u64, epoch: u64, start: u64, count: usize) -> Vec<i64> {
        let n = self.len() as u64;
        let mut stream = Keystream::new(seed, MAIN, epoch).at_word(3 * u128::from(start));
        (0..count)
            .map(|_| {
                let x = stream.next_u64();
                let coin = stream.next_u32();
                let j = bounded(x, n) as usize;
                let chosen = if coin < self.threshold[j] {
                    j as u32
                } else {
                    self.alias[j]
                };
                i64::from(chosen)
            })
            .collect()
    }
}

/// Successive weighted sampling without replacement, exact (spec §8).
/// Callers ensure k ≤ the number of non-zero masses.
pub fn weighted_without_replacement(masses: &[u64], seed: u64, epoch: u64, k: usize) -> Vec<i64> {
    let mut tree = Fenwick::new(masses);
    let mut remaining: u64 = masses.iter().sum();
    let mut stream = Keystream::new(seed, MAIN, epoch);
    let mut out = Vec::with_capacity(k);
    for _ in 0..k {
        let x0 = stream.next_u64();
        let x1 = stream.next_u64();
        let j = tree.find(bounded128(x0, x1, remaining));
        let mass = masses[j];
        tree.remove(j, mass);
        remaining -= mass;
        out.push(j as i64);
    }
    out
}

/// Fenwick tree over u64 masses (1-based internally).
struct Fenwick {
    tree: Vec<u64>,
}

impl Fenwick {
    fn new(masses: &[u64]) -> Self {
        let n = masses.len();
        let mut tree = vec![0u64; n + 1];
        tree[1..].copy_from_slice(masses);
        for i in 1..=n {
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                tree[parent] += tree[i];
            }
        }
        Fenwick { tree }
    }

    /// The 0-based index j with prefix(j) ≤ v < prefix(j + 1).
    fn find(&self, mut v: u64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut step = if n == 0 {
            0
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        };
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= v {
                pos = next;
                v -= self.tree[next];
            }
            step >>= 1;
        }
        pos
    }

    fn remove(&mut self, index: usize, mass: u64) {
        let mut i = index + 1;
        while i < self.tree.len() {
            self.tree[i] -= mass;
            i += i & i.wrapping_neg();
        }
    }
}
