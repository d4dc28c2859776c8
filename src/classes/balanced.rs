//! The balanced class schedule (spec §19.1): the effective blocks σ_0, σ_1, … cut into groups of P, so that
//! the P classes of a batch are distinct even where a group straddles two blocks.

use crate::alloc::vec_with_capacity;
use crate::classes::blocks::{Blocks, Recent};
use crate::error::EngineError;

/// Spec §19.1: the effective blocks σ_t, their heads σ_t[0 … P − 1] cached (σ_t[i] = π_t[i] for i ≥ P).
pub(crate) struct BalancedClasses {
    blocks: Blocks,
    p: u64,
    /// σ_t's head for the two blocks used last.
    heads: Recent<Vec<i64>>,
}

impl BalancedClasses {
    pub(crate) fn new(seed: u64, epoch: u64, classes: u64, p: u64) -> Self {
        BalancedClasses {
            blocks: Blocks::new(seed, epoch, classes),
            p,
            heads: Recent::new(),
        }
    }

    /// σ_t[0 … P − 1]: its chain of heads back to a block whose head needs no earlier head (t = 0,
    /// a = 0 or C − a ≥ P) or is cached, computed forwards.
    fn head(&mut self, t: u64) -> Result<&[i64], EngineError> {
        let head = match self.heads.take(t) {
            Some(head) => head,
            None => {
                let (c, p) = (self.blocks.classes(), self.p);
                let mut bottom = t;
                loop {
                    let a = ((u128::from(bottom) * u128::from(c)) % u128::from(p)) as u64;
                    if bottom == 0 || a == 0 || c - a >= p || self.heads.contains(bottom - 1) {
                        break;
                    }
                    bottom -= 1;
                }
                // Forwards: σ_u's head needs σ_{u−1}'s, cached just before (or at the chain's bottom).
                for u in bottom..t {
                    let head = self.fixed_head(u)?;
                    self.heads.put(u, head);
                }
                self.fixed_head(t)?
            }
        };
        Ok(self.heads.put(t, head))
    }

    /// σ_t's head from π_t's first P entries: the first P − a not in T = σ_{t−1}[C − a … C − 1], then
    /// the rest in π_t's order.
    fn fixed_head(&mut self, t: u64) -> Result<Vec<i64>, EngineError> {
        let (c, p) = (self.blocks.classes(), self.p);
        let mut first = Vec::new();
        self.blocks.class_block(t, 0, p, &mut first)?;
        let a = ((u128::from(t) * u128::from(c)) % u128::from(p)) as u64;
        if t == 0 || a == 0 {
            return Ok(first);
        }
        let mut taken = Vec::new();
        self.sigma(t - 1, c - a, c, &mut taken)?;
        taken.sort_unstable();
        let mut head = vec_with_capacity(p)?;
        let mut rest = vec_with_capacity(p)?;
        for x in first {
            if (head.len() as u64) < p - a && taken.binary_search(&x).is_err() {
                head.push(x);
            } else {
                rest.push(x);
            }
        }
        head.append(&mut rest);
        Ok(head)
    }

    /// σ_t[lo … hi − 1] appended to `out`.
    fn sigma(&mut self, t: u64, lo: u64, hi: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        let p = self.p;
        if lo < p {
            // The head holds P entries and hi.min(P) ≤ P.
            let head = self.head(t)?;
            out.extend_from_slice(head.get(lo as usize..hi.min(p) as usize).unwrap_or_default());
        }
        let start = lo.max(p);
        if hi > start {
            self.blocks.extend_block(t, start, hi - start, out)?;
        }
        Ok(())
    }

    /// Batch b's classes σ over slots bP … bP + P − 1 into `out` (bP + P < 2^63: the draw limit).
    pub(crate) fn batch(&mut self, b: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        out.clear();
        let (c, p) = (self.blocks.classes(), self.p);
        let first = b * p;
        let mut j = first;
        while j < first + p {
            let (t, lo) = (j / c, j % c);
            let hi = c.min(lo + first + p - j);
            self.sigma(t, lo, hi, out)?;
            j += hi - lo;
        }
        Ok(())
    }
}
