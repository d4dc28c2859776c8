//! A slot's rows (spec §19.2): the K rows of each slot of a batch (or unit), with replacement or as a sparse
//! Fisher–Yates prefix of the class's rows, from stream (s, PK_ROWS, e).

use std::collections::HashMap;

use crate::alloc::{reserve, reserve_map};
use crate::bounded::multiply_shift;
use crate::classes::ClassLayout;
use crate::error::EngineError;
use crate::keystream::{Keystream, PK_ROWS};

/// Spec §19.2: the rows of consecutive slots, from stream (s, PK_ROWS, e).
pub(crate) struct SlotRows<'a> {
    seed: u64,
    epoch: u64,
    layout: &'a ClassLayout,
    k: u64,
    replacement: bool,
    displaced: Displaced,
}

impl<'a> SlotRows<'a> {
    /// `replacement`: every slot draws with replacement; otherwise a slot draws without replacement when its
    /// class has ≥ K rows.
    pub(crate) fn new(seed: u64, epoch: u64, layout: &'a ClassLayout, k: u64, replacement: bool) -> Self {
        SlotRows {
            seed,
            epoch,
            layout,
            k,
            replacement,
            displaced: Displaced::default(),
        }
    }

    /// The K rows of slots first_slot, first_slot + 1, … holding `classes`, into `out` (K per slot):
    /// slot j reads u64 draws jK … jK + K − 1.
    pub(crate) fn slot_rows(&mut self, classes: &[i64], first_slot: u64, out: &mut [i64]) -> Result<(), EngineError> {
        let k = self.k;
        // (first_slot + P)·K ≤ 2^63: the draw limit.
        let word = 2 * u128::from(first_slot) * u128::from(k);
        let mut stream = Keystream::new(self.seed, PK_ROWS, self.epoch)?.at_word(word);
        let bad_class = |index: usize, class: i64| EngineError::ClassId {
            index,
            class,
            classes: self.layout.classes(),
        };
        for (index, (&class, slot)) in classes.iter().zip(out.chunks_mut(k as usize)).enumerate() {
            let rows = usize::try_from(class)
                .ok()
                .and_then(|class| self.layout.class_rows(class))
                .ok_or_else(|| bad_class(index, class))?;
            let size = rows.len() as u64;
            if self.replacement || size < k {
                for value in slot.iter_mut() {
                    let j = multiply_shift(stream.next_u64(), size) as usize;
                    *value = rows.get(j).copied().unwrap_or_default();
                }
                continue;
            }
            // A sparse Fisher–Yates prefix of length K (spec §5.1's step).
            self.displaced.clear(k)?;
            for (position, value) in (0u64..).zip(slot.iter_mut()) {
                let j = position + multiply_shift(stream.next_u64(), size - position);
                let a_q = self.displaced.get(position);
                let a_j = self.displaced.get(j);
                self.displaced.set(j, a_q);
                *value = rows.get(a_j as usize).copied().unwrap_or_default();
            }
        }
        Ok(())
    }
}

/// The displaced entries of a sparse Fisher–Yates array (a[i] = i unless stored): a short list for a
/// small K, a map beyond (the same values either way).
#[derive(Default)]
struct Displaced {
    short: Vec<(u64, u64)>,
    map: Option<HashMap<u64, u64>>,
}

/// Up to this many draws per slot, the displaced entries are a list searched linearly.
const SHORT: u64 = 32;

impl Displaced {
    fn clear(&mut self, k: u64) -> Result<(), EngineError> {
        self.short.clear();
        if k <= SHORT {
            self.map = None;
            return reserve(&mut self.short, k);
        }
        let mut map = self.map.take().unwrap_or_default();
        map.clear();
        reserve_map(&mut map, k)?;
        self.map = Some(map);
        Ok(())
    }

    fn get(&self, i: u64) -> u64 {
        match &self.map {
            Some(map) => map.get(&i).copied().unwrap_or(i),
            None => self.short.iter().rev().find(|(j, _)| *j == i).map_or(i, |(_, v)| *v),
        }
    }

    fn set(&mut self, i: u64, value: u64) {
        match &mut self.map {
            Some(map) => {
                map.insert(i, value);
            }
            None => self.short.push((i, value)),
        }
    }
}
