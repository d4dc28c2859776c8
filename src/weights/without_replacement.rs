//! Weighted sampling without replacement (spec §8): the algorithms by name, and §8.1's successive sampling on the
//! integer masses, exact and sequential (spec v2's output).

use crate::alloc::{reserve, vec_with_capacity};
use crate::bounded::multiply_shift128;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::check_epoch;
use crate::weights::masses::check_masses;

/// How a sampler draws without replacement by weight (spec §8): its `algorithm=`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// Spec §8.2: exponential keys, parallel (the default from spec v3).
    #[default]
    Keys,
    /// Spec §8.1: successive sampling on a prefix-sum tree, one draw after another (spec v2's output).
    Sequential,
}

/// Every algorithm, the default first: `_core.WITHOUT_REPLACEMENT` exports their names.
pub const ALGORITHMS: [Algorithm; 2] = [Algorithm::Keys, Algorithm::Sequential];

impl Algorithm {
    /// The name `algorithm=` gives it (spec §8).
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Keys => "keys",
            Algorithm::Sequential => "sequential",
        }
    }

    /// The algorithm of that name, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        ALGORITHMS.into_iter().find(|algorithm| algorithm.name() == name)
    }
}

/// k distinct indices drawn from the integer masses (§7.1's result), k ≤ the number of non-zero masses.
pub fn weighted_without_replacement(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<i64>, EngineError> {
    let nonzero = check_masses(masses)?;
    check_k(k, nonzero)?;
    draw(masses, seed, epoch, k)
}

/// Spec §8's precondition, with the reference's message.
pub(crate) fn check_k(k: u64, nonzero: usize) -> Result<(), EngineError> {
    if k > nonzero as u64 {
        return Err(EngineError::TooManyDraws { k, nonzero });
    }
    Ok(())
}

/// Draws whose keystream words are read together.
const DRAW_BATCH: usize = 64;

/// The draws, for masses and k already checked (masses sum to n · 2^32 < 2^64, so no sum overflows).
/// Any exact search over the remaining masses finds the same j as the spec's Fenwick tree; a B-ary tree
/// of prefix sums does it with a few cache lines per level.
pub(crate) fn draw(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<i64>, EngineError> {
    check_epoch(epoch)?;
    let mut tree = SumTree::new(masses)?;
    let mut remaining: u64 = masses.iter().sum();
    let mut stream = Keystream::new(seed, MAIN, epoch)?;
    let mut out = vec_with_capacity(k)?;
    let mut words = [0u32; 4 * DRAW_BATCH];
    let mut left = k;
    while left > 0 {
        let batch = left.min(DRAW_BATCH as u64) as usize;
        let Some(words) = words.get_mut(..4 * batch) else { break };
        // Draw i consumes words 4i .. 4i+3: x0 then x1.
        stream.fill_words(words);
        for draw in words.chunks_exact(4) {
            let &[a, b, c, d] = draw else { break };
            let x0 = u64::from(a) | (u64::from(b) << 32);
            let x1 = u64::from(c) | (u64::from(d) << 32);
            // v < R, so j is a remaining index with positive mass (read from the leaf: no other cache miss).
            let (j, mass) = tree.find(multiply_shift128(x0, x1, remaining));
            tree.remove(j, mass);
            remaining -= mass;
            out.push(j as i64);
        }
        left -= batch as u64;
    }
    Ok(out)
}

/// Children per node of `SumTree`: 16 u64 = two cache lines.
const ARITY: usize = 16;

/// A B-ary tree of prefix sums: level 0 holds the masses in nodes of ARITY, each entry the inclusive sum of
/// its node's masses up to it; level L + 1 does the same over the totals of level L's nodes, up to one node.
/// Finding j reads one node per level; removing a mass updates one node per level.
pub(crate) struct SumTree {
    levels: Vec<Vec<u64>>,
}

impl SumTree {
    /// Sums never exceed Σ masses, which callers keep below 2^64.
    pub(crate) fn new(masses: &[u64]) -> Result<Self, EngineError> {
        let mut levels: Vec<Vec<u64>> = Vec::new();
        let (mut level, mut totals) = Self::level(masses)?;
        loop {
            reserve(&mut levels, 1)?;
            levels.push(level);
            if totals.len() <= 1 {
                break;
            }
            (level, totals) = Self::level(&totals)?;
        }
        Ok(SumTree { levels })
    }

    /// One level over `values` (its nodes' inclusive sums, padded to whole nodes) and its nodes' totals.
    fn level(values: &[u64]) -> Result<(Vec<u64>, Vec<u64>), EngineError> {
        let nodes = values.len().div_ceil(ARITY).max(1);
        let mut level: Vec<u64> = vec_with_capacity((nodes * ARITY) as u64)?;
        let mut totals: Vec<u64> = vec_with_capacity(nodes as u64)?;
        for node in values.chunks(ARITY) {
            let mut sum = 0u64;
            for &value in node {
                sum += value;
                level.push(sum);
            }
            // Padding repeats the node's total: it is never counted (the searched v is less).
            level.extend(core::iter::repeat_n(sum, ARITY - node.len()));
            totals.push(sum);
        }
        if level.is_empty() {
            level.resize(ARITY, 0);
        }
        Ok((level, totals))
    }

    /// The 0-based index j with prefix(j) ≤ v < prefix(j + 1), for v below the remaining total, and its
    /// remaining mass.
    pub(crate) fn find(&self, mut v: u64) -> (usize, u64) {
        let mut index = 0;
        let mut mass = 0;
        for level in self.levels.iter().rev() {
            let base = index * ARITY;
            let Some(node) = level.get(base..base + ARITY) else {
                break;
            };
            // The children whose inclusive sum is ≤ v are passed; v < the node's total, so fewer than ARITY.
            let passed = node.iter().map(|&sum| usize::from(sum <= v)).sum::<usize>();
            let before = passed.checked_sub(1).and_then(|c| node.get(c)).copied().unwrap_or(0);
            mass = node.get(passed).copied().unwrap_or(before) - before;
            v -= before;
            index = base + passed;
        }
        (index, mass)
    }

    /// Takes `mass` off index `index` (its whole remaining mass: it is never drawn again).
    pub(crate) fn remove(&mut self, index: usize, mass: u64) {
        let mut index = index;
        for level in &mut self.levels {
            let (node, child) = (index / ARITY, index % ARITY);
            if let Some(sums) = level.get_mut(node * ARITY + child..node * ARITY + ARITY) {
                for sum in sums {
                    *sum -= mass;
                }
            }
            index = node;
        }
    }
}

/// Fenwick tree over u64 masses (1-based internally): prefix sums, search and removal in O(log n).
/// The spec's structure (the reference uses it); `SumTree` finds the same indices.
#[cfg(test)]
pub(crate) struct Fenwick {
    tree: Vec<u64>,
}

#[cfg(test)]
impl Fenwick {
    /// Node sums never exceed Σ masses, which callers keep below 2^64.
    pub(crate) fn new(masses: &[u64]) -> Result<Self, EngineError> {
        let n = masses.len();
        let mut tree: Vec<u64> = vec_with_capacity(n as u64 + 1)?;
        tree.push(0);
        tree.extend_from_slice(masses);
        for i in 1..=n {
            let value = tree.get(i).copied().unwrap_or(0);
            // A parent past n does not exist: get_mut says so.
            if let Some(parent) = tree.get_mut(i + (i & i.wrapping_neg())) {
                *parent += value;
            }
        }
        Ok(Fenwick { tree })
    }

    /// The 0-based index j with prefix(j) ≤ v < prefix(j + 1).
    pub(crate) fn find(&self, mut v: u64) -> usize {
        let n = self.tree.len().saturating_sub(1);
        let mut position = 0;
        let mut step = if n == 0 {
            0
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        };
        while step > 0 {
            if let Some(&sum) = self.tree.get(position + step)
                && sum <= v
            {
                position += step;
                v -= sum;
            }
            step >>= 1;
        }
        position
    }

    /// Takes `mass` off index `index` (its whole remaining mass: it is never drawn again).
    pub(crate) fn remove(&mut self, index: usize, mass: u64) {
        let mut i = index + 1;
        while let Some(node) = self.tree.get_mut(i) {
            *node -= mass;
            i += i & i.wrapping_neg();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names_round_trip() {
        assert_eq!(ALGORITHMS.first(), Some(&Algorithm::default()));
        for algorithm in ALGORITHMS {
            assert_eq!(Algorithm::from_name(algorithm.name()), Some(algorithm));
        }
        assert_eq!(Algorithm::from_name("Keys"), None);
    }

    /// The B-ary tree finds what the spec's Fenwick tree finds, at every v boundary, through removals.
    #[test]
    fn sum_tree_finds_what_fenwick_finds() {
        for n in [1usize, 2, 15, 16, 17, 255, 256, 257, 1000, 4097] {
            let masses: Vec<u64> = (0..n as u64).map(|i| (i * 2_654_435_761) % 7 * (i % 5)).collect();
            let mut masses = masses;
            if masses.iter().all(|&m| m == 0) {
                masses[0] = 1;
            }
            let mut fenwick = Fenwick::new(&masses).unwrap();
            let mut tree = SumTree::new(&masses).unwrap();
            let mut remaining: u64 = masses.iter().sum();
            let mut step = 0u64;
            while remaining > 0 {
                let mut prefix = 0;
                for (j, &m) in masses.iter().enumerate().filter(|_| step.is_multiple_of(97)) {
                    if m > 0 && fenwick.find(prefix) == j {
                        for v in [prefix, prefix + m - 1] {
                            assert_eq!(tree.find(v), (fenwick.find(v), m), "n={n} v={v}");
                        }
                    }
                    prefix += m;
                }
                let v = step.wrapping_mul(0x9E37_79B9_7F4A_7C15) % remaining;
                let j = fenwick.find(v);
                assert_eq!(tree.find(v), (j, masses[j]));
                fenwick.remove(j, masses[j]);
                tree.remove(j, masses[j]);
                remaining -= masses[j];
                masses[j] = 0;
                step += 1;
            }
        }
    }
}
