//! No input panics the core (spec §24): length tables, groupings, plans and reads of a plan, with random and
//! extreme arguments; every successful result is checked against the plan's own rules.

mod common;

use common::{CASES, Expect, Gen, expect, judge, no_panic, strided_span_ok};
use ferrosampler::lengths::{Batching, GROUPS, Grouping, LengthTable, check_window, epoch_order};
use ferrosampler::limits::{EPOCH_LIMIT, POPULATION_LIMIT};
use ferrosampler::permutation::Permutation;

/// Up to 60 lengths, small or extreme, sometimes negative, sometimes none.
fn lengths(g: &mut Gen) -> Vec<i64> {
    let n = g.below(61);
    (0..n)
        .map(|_| match g.below(8) {
            0 => g.pick(&[0, 1, i64::MAX, i64::MAX - 1, 1 << 32, (1 << 32) - 1, -1, i64::MIN]),
            1 => g.next() as i64,
            _ => g.below(50) as i64,
        })
        .collect()
}

/// Mostly small values, sometimes extreme ones.
fn small(g: &mut Gen, hi: u64) -> u64 {
    if g.below(4) == 0 { g.u64() } else { g.below(hi) }
}

#[test]
fn length_tables_never_panic() {
    let mut g = Gen(23);
    for case in 0..CASES {
        let values = lengths(&mut g);
        let what = format!("case {case}: LengthTable::new({values:?})");
        let table = no_panic(&what, || LengthTable::new(values.clone()));
        let valid = !values.is_empty() && values.iter().all(|&v| v >= 0);
        assert_eq!(table.is_ok(), valid, "{what}");
        if let Ok(table) = table {
            assert_eq!(table.len(), values.len());
            assert_eq!(table.total(), values.iter().map(|&v| v as u128).sum::<u128>());
        }
    }
}

#[test]
fn groupings_and_windows_never_panic() {
    let mut g = Gen(29);
    for case in 0..CASES {
        let batch_size = (g.below(3) > 0).then(|| small(&mut g, 9));
        let max_tokens = (g.below(3) > 0).then(|| small(&mut g, 200));
        let (window, group) = (small(&mut g, 40), small(&mut g, 6));
        let what = format!("case {case}: Grouping::new({batch_size:?}, {max_tokens:?}, {window}, {group})");
        let result = no_panic(&what, || {
            Grouping::new(batch_size, max_tokens, window, group, true, false, Permutation::Feistel)
        });
        let one = batch_size.is_some() != max_tokens.is_some();
        let positive = batch_size.or(max_tokens).is_some_and(|v| v >= 1);
        let multiple = batch_size.is_none_or(|b| b == 0 || window % b == 0);
        let valid = one && positive && window >= 1 && multiple && GROUPS.contains(group.into());
        assert_eq!(result.is_ok(), valid, "{what}: {result:?}");
        for batching in [Batching::Size(small(&mut g, 9)), Batching::Tokens(small(&mut g, 9))] {
            no_panic(&what, || check_window(batching, window)).ok();
        }
    }
}

#[test]
fn plans_and_reads_never_panic() {
    let mut g = Gen(31);
    let mut ran = 0;
    for case in 0..CASES {
        let values: Vec<i64> = lengths(&mut g).into_iter().map(|v| v.max(0)).collect();
        let Ok(table) = LengthTable::new(values.clone()) else {
            continue;
        };
        let batching = if g.below(2) == 0 {
            Batching::Size(small(&mut g, 8).saturating_add(1))
        } else {
            Batching::Tokens(small(&mut g, 300).saturating_add(1))
        };
        let window = match batching {
            Batching::Size(b) => b.saturating_mul(1 + g.below(5)),
            Batching::Tokens(_) => small(&mut g, 70).saturating_add(1),
        };
        let (batch_size, max_tokens) = match batching {
            Batching::Size(b) => (Some(b), None),
            Batching::Tokens(t) => (None, Some(t)),
        };
        let group = 1 + g.below(7);
        let (shuffle, drop_last) = (g.below(2) == 0, g.below(2) == 0);
        let permutation = g.pick(&[Permutation::Feistel, Permutation::FisherYates]);
        let Ok(grouping) = Grouping::new(batch_size, max_tokens, window, group, shuffle, drop_last, permutation) else {
            continue; // a window that is not a multiple (saturated): refused, as checked above
        };
        let (seed, epoch) = (g.u64(), g.epoch());
        let what = format!("case {case}: {values:?}, {grouping:?}, seed {seed}, epoch {epoch}");
        let plan = no_panic(&what, || table.plan(seed, epoch, &grouping));
        let Some(plan) = judge(&what, &expect(epoch < EPOCH_LIMIT, values.len() as u64), plan) else {
            continue;
        };
        assert_eq!(plan.num_batches(), plan.num_steps() * group, "{what}");
        let n = plan.num_batches();
        // Any index (inside, at or past the table, or huge); its places are served positions of this index.
        let candidates = [small(&mut g, values.len() as u64 + 2), g.u64()];
        let index = g.pick(&candidates);
        let what_index = format!("{what}, locate({index})");
        let located = no_panic(&what_index, || plan.locate(&table, index));
        if let Some(Some((first, offset, step, count))) =
            judge(&what_index, &expect(index < values.len() as u64, 1), located)
        {
            assert!(count >= 1 && first + (count - 1) * step < n, "{what_index}");
            for position in [first, first + (count - 1) * step] {
                let (indices, offsets) = plan.batches(position, 1, 1).expect("a located position reads");
                assert_eq!(
                    indices.get(offset as usize).copied(),
                    Some(index as i64),
                    "{what_index}"
                );
                assert_eq!(offsets.len(), 2, "{what_index}");
            }
        }
        let (start, count, stride) = (small(&mut g, 100), g.count(), g.stride());
        let what = format!("{what}, batches({start}, {count}, {stride})");
        let valid = strided_span_ok(start, count, stride) && (count == 0 || n > 0);
        // Each batch holds at most one window (and at least one sample).
        let work = u128::from(count) * u128::from(window.min(values.len() as u64));
        let expected = expect(valid, u64::try_from(work).unwrap_or(u64::MAX));
        if expected == Expect::Skip {
            continue;
        }
        let result = no_panic(&what, || plan.batches(start, count, stride));
        if let Some((indices, offsets)) = judge(&what, &expected, result) {
            assert_eq!(offsets.len() as u64, count + 1, "{what}");
            for pair in offsets.windows(2) {
                let batch = &indices[pair[0] as usize..pair[1] as usize];
                assert!(!batch.is_empty(), "{what}");
                let longest = batch.iter().map(|&i| values[i as usize]).max().unwrap_or(0);
                assert!(
                    batch.windows(2).all(|w| values[w[0] as usize] <= values[w[1] as usize]),
                    "{what}"
                );
                match batching {
                    Batching::Size(b) => assert!(batch.len() as u64 <= b, "{what}"),
                    Batching::Tokens(t) => assert!(
                        batch.len() == 1 || batch.len() as u128 * longest as u128 <= u128::from(t),
                        "{what}"
                    ),
                }
            }
            ran += 1;
        }
    }
    assert!(ran >= CASES / 8, "only {ran} reads succeeded");
}

#[test]
fn epoch_orders_never_panic() {
    let mut g = Gen(37);
    for case in 0..CASES {
        let (seed, epoch, n) = (g.u64(), g.epoch(), small(&mut g, 300));
        let permutation = g.pick(&[Permutation::Feistel, Permutation::FisherYates]);
        let shuffle = g.below(2) == 0;
        let what = format!("case {case}: epoch_order({seed}, {epoch}, {n}, {shuffle}, {permutation:?})");
        let expected = expect(!shuffle || (epoch < EPOCH_LIMIT && n <= POPULATION_LIMIT), n);
        if expected == Expect::Skip {
            continue;
        }
        let result = no_panic(&what, || epoch_order(seed, epoch, n, shuffle, permutation));
        if let Some(order) = judge(&what, &expected, result) {
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n as i64).collect::<Vec<_>>(), "{what}");
        }
    }
}
