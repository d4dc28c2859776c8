//! A whole block of a slot stream at once (spec §23.3, §23.5): consecutive slots walk the tree with a
//! Bresenham remainder kept per node, so each slot costs D additions instead of D 128-bit divisions. Speed
//! only, no reference twin: slot u's (source, index) equals `slot_source(prefix, g0 + u)`.

use crate::error::EngineError;
use crate::limits::vec_with_capacity;
use crate::mixture::BLOCK;

/// A node's running state inside one block: its arrivals so far A, how many went left a = ⌊A·L/T⌋, and
/// the remainder A·L − a·T; `stamp` says which block set it (a node untouched this block is stale).
#[derive(Clone, Copy, Debug, Default)]
struct Node {
    arrivals: u64,
    lefts: u64,
    remainder: u64,
    stamp: u64,
}

/// The node states (preorder: a node's left child follows it, its right child after the left subtree's
/// 2k − 1 nodes) and the last walked block's slots.
pub(super) struct BlockWalker {
    nodes: Vec<Node>,
    stamp: u64,
    sources: Vec<u32>,
    indices: Vec<u64>,
}

impl BlockWalker {
    pub(super) fn new(sources: usize) -> Result<Self, EngineError> {
        let count = (2 * sources).saturating_sub(1) as u64;
        let mut nodes = vec_with_capacity(count)?;
        nodes.resize(
            count as usize,
            Node {
                stamp: u64::MAX,
                ..Node::default()
            },
        );
        let mut out_sources = vec_with_capacity(BLOCK)?;
        out_sources.resize(BLOCK as usize, 0);
        let mut indices = vec_with_capacity(BLOCK)?;
        indices.resize(BLOCK as usize, 0);
        Ok(BlockWalker {
            nodes,
            stamp: 0,
            sources: out_sources,
            indices,
        })
    }

    /// Slot u (< the block length last walked) of the block: its source and index among that source's slots.
    pub(super) fn slot(&self, u: usize) -> (usize, u64) {
        let source = self.sources.get(u).copied().unwrap_or(0) as usize;
        (source, self.indices.get(u).copied().unwrap_or(0))
    }

    /// Slots g0 … g0 + len − 1 (len ≤ B; g0 + len ≤ 2^64) of the stream with mass prefix sums `prefix`.
    pub(super) fn walk(&mut self, prefix: &[u64], g0: u64, len: usize) {
        self.stamp += 1;
        let stamp = self.stamp;
        let leaves = prefix.len().saturating_sub(1);
        let at = |index: usize| prefix.get(index).copied().unwrap_or(0);
        let Self {
            nodes,
            sources,
            indices,
            ..
        } = self;
        for (u, (source_out, index_out)) in sources.iter_mut().zip(indices.iter_mut()).take(len).enumerate() {
            let (mut lo, mut hi, mut v) = (0usize, leaves, 0usize);
            // The slot's number at the current node (the root: its slot number).
            let mut index = g0.wrapping_add(u as u64);
            while hi - lo >= 2 {
                let mid = lo + (hi - lo) / 2;
                let base = at(lo);
                let (left, total) = (at(mid).wrapping_sub(base), at(hi).wrapping_sub(base));
                let Some(node) = nodes.get_mut(v) else { break };
                if node.stamp != stamp {
                    // First arrival this block: the state after `index` arrivals, by one division.
                    let product = u128::from(index) * u128::from(left);
                    let divisor = u128::from(total.max(1));
                    let lefts = product / divisor;
                    *node = Node {
                        arrivals: index,
                        lefts: lefts as u64,
                        remainder: (product - lefts * divisor) as u64,
                        stamp,
                    };
                }
                // Slot `arrivals` goes left iff remainder + L ≥ T (a(A + 1) > a(A)).
                let right_mass = total - left;
                if node.remainder >= right_mass {
                    node.remainder -= right_mass;
                    index = node.lefts;
                    node.lefts += 1;
                    (v, hi) = (v + 1, mid);
                } else {
                    node.remainder += left;
                    index = node.arrivals - node.lefts;
                    (v, lo) = (v + 2 * (mid - lo), mid);
                }
                node.arrivals = node.arrivals.wrapping_add(1);
            }
            *source_out = lo as u32;
            *index_out = index;
        }
    }
}
