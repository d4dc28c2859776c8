//! No input panics the core (spec §7–§9, §19–§20): layouts (one shared by every call and thread), PK draws,
//! PK batches, m-per-class units, weights, masses, alias tables, without replacement.

mod common;

use std::collections::HashSet;

use common::{CASES, Expect, Gen, expect, judge, no_panic, strided_span_ok};
use ferrosampler::classes::{ClassLayout, m_per_class_units, pk_batches, pk_draws};
use ferrosampler::limits::EPOCH_LIMIT;
use ferrosampler::weights::masses::{decompose, floor_log2};
use ferrosampler::weights::{
    ALGORITHMS, Algorithm, AliasTable, CAPACITY, WeightTable, check_masses, integer_weights, weighted_keys,
    weighted_without_replacement,
};

/// A layout that is valid about half the time, otherwise broken in one of the ways §9 refuses.
fn layout_parts(g: &mut Gen) -> (Vec<i64>, Vec<i64>) {
    let classes = g.below(6);
    let mut offsets = vec![0i64];
    for _ in 0..classes {
        let last = *offsets.last().unwrap();
        offsets.push(last + 1 + g.below(4) as i64);
    }
    let rows: Vec<i64> = (0..*offsets.last().unwrap()).map(|_| g.next() as i64).collect();
    if g.below(2) == 0 && !offsets.is_empty() {
        let i = g.below(offsets.len() as u64) as usize;
        offsets[i] = g.pick(&[i64::MIN, -1, 0, 1, 2, 5, i64::MAX]);
    }
    if g.below(8) == 0 {
        offsets.clear();
    }
    (rows, offsets)
}

fn layout_ok(rows: &[i64], offsets: &[i64]) -> bool {
    offsets.len() >= 2
        && offsets[0] == 0
        && *offsets.last().unwrap() == rows.len() as i64
        && offsets.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn pk_draws_never_panic() {
    let mut g = Gen(6);
    for case in 0..CASES {
        let (rows, offsets) = layout_parts(&mut g);
        let what = format!("case {case}: ClassLayout::new({rows:?}, {offsets:?})");
        let layout = no_panic(&what, || ClassLayout::new(rows.clone(), offsets.clone()));
        assert_eq!(layout.is_ok(), layout_ok(&rows, &offsets), "{what}");
        let Ok(layout) = layout else { continue };
        let classes = layout.classes();
        let _ = no_panic(&what, || layout.class_rows(g.next() as usize));
        let class_order: Vec<i64> = (0..g.below(5))
            .map(|_| {
                if g.below(6) == 0 {
                    g.next() as i64
                } else {
                    g.below(classes as u64) as i64
                }
            })
            .collect();
        let (seed, epoch, start, count) = (g.u64(), g.epoch(), g.u64(), g.count());
        let num_val = if g.below(2) == 0 { g.u64() } else { g.below(5) };
        let stride = g.stride();
        let what = format!("{what}, pk_draws({seed}, {epoch}, {class_order:?}, {num_val}, {start}, {count}, {stride})");
        let ids_ok = class_order.iter().all(|&c| c >= 0 && (c as u64) < classes as u64);
        let available = class_order.len() as u128 * u128::from(num_val);
        let valid = epoch < EPOCH_LIMIT
            && strided_span_ok(start, count, stride)
            && num_val >= 1
            && ids_ok
            && end_of(start, count, stride) <= available;
        let expected = expect(valid, count);
        if expected == Expect::Skip {
            continue;
        }
        let result = no_panic(&what, || {
            pk_draws(seed, epoch, &layout, &class_order, num_val, start, count, stride)
        });
        if let Some(out) = judge(&what, &expected, result) {
            assert_eq!(out.len() as u64, count, "{what}");
            for (i, v) in (0u64..).zip(out) {
                let position = start + i * stride;
                let class = class_order[(position / num_val) as usize] as usize;
                assert!(layout.class_rows(class).unwrap().contains(&v), "{what}");
            }
        }
    }
}

#[test]
fn pk_batches_and_m_per_class_units_never_panic() {
    let mut g = Gen(8);
    let mut ran = 0;
    for case in 0..CASES {
        let (rows, offsets) = layout_parts(&mut g);
        let Ok(layout) = ClassLayout::new(rows.clone(), offsets.clone()) else {
            continue;
        };
        let classes = layout.classes() as u64;
        let small = |g: &mut Gen, hi: u64| if g.below(4) == 0 { g.u64() } else { g.below(hi) };
        let (p, k) = (small(&mut g, classes + 2), small(&mut g, 6));
        let (seed, epoch, start, count, stride) = (g.u64(), g.epoch(), small(&mut g, 100), g.count(), g.stride());
        let replacement = g.below(2) == 1;
        let what = format!(
            "case {case}: layout {rows:?} {offsets:?}, ({seed}, {epoch}, p={p}, k={k}, {replacement}, {start}, {count}, {stride})"
        );
        let last = u128::from(start) + u128::from(count.saturating_sub(1)) * u128::from(stride);
        let within = |factors: [u64; 2]| {
            let product = factors.iter().try_fold(last + 1, |x, &f| x.checked_mul(u128::from(f)));
            count == 0 || product.is_some_and(|product| product <= 1 << 63)
        };
        let (draws_ok, blocks_ok) = (within([p, k]), within([classes, 1]));
        let common = epoch < EPOCH_LIMIT && strided_span_ok(start, count, stride) && p >= 1 && k >= 1 && p <= classes;
        let work = [p, k]
            .iter()
            .try_fold(u128::from(count), |x, &f| x.checked_mul(u128::from(f)));
        let work = work.and_then(|work| u64::try_from(work).ok()).unwrap_or(u64::MAX);
        let expected = expect(common && draws_ok, work);
        if expected != Expect::Skip {
            let result = no_panic(&what, || {
                pk_batches(seed, epoch, &layout, p, k, replacement, start, count, stride)
            });
            if let Some(out) = judge(&what, &expected, result) {
                assert_eq!(out.len() as u64, count * p * k, "{what}");
                check_batches(&layout, &out, p, k, replacement, &what);
                ran += 1;
            }
        }
        let expected = expect(common && draws_ok && blocks_ok, work);
        if expected != Expect::Skip {
            let result = no_panic(&what, || {
                m_per_class_units(seed, epoch, &layout, p, k, start, count, stride)
            });
            if let Some(out) = judge(&what, &expected, result) {
                assert_eq!(out.len() as u64, count * p * k, "{what}");
                check_batches(&layout, &out, p, k, false, &what);
                ran += 1;
            }
        }
    }
    assert!(ran >= CASES / 8, "only {ran} calls succeeded");
}

/// The Python binding's `ClassLayout` holds one validated layout for the life of a sampler and lends it to
/// every call, from any thread (the extension runs without the GIL): the layout must be `Send + Sync`, no
/// call may panic on it or change it, and a call's result may not depend on the calls made before it.
#[test]
fn one_layout_serves_every_call_from_every_thread() {
    fn shareable<T: Send + Sync>(_: &T) {}
    let layout = ClassLayout::new((0..40).map(|r| r * 7).collect(), vec![0, 1, 5, 6, 20, 33, 40]).unwrap();
    shareable(&layout);
    let before = layout.clone();
    let call = |g: &mut Gen, layout: &ClassLayout| {
        let small = |g: &mut Gen, hi: u64| if g.below(4) == 0 { g.u64() } else { g.below(hi) };
        // Small P, K and count (at most 20·8·6 rows): the errors come from the rest.
        let (p, k, num_val) = (g.below(8), g.below(6), small(g, 8));
        let (seed, epoch, start, count, stride) = (g.u64(), g.epoch(), small(g, 100), g.below(20), g.stride());
        let order: Vec<i64> = (0..g.below(8)).map(|_| small(g, 7) as i64).collect();
        let what = format!("({seed}, {epoch}, {p}, {k}, {num_val}, {start}, {count}, {stride}, {order:?})");
        no_panic(&what, || match g.below(3) {
            0 => pk_draws(seed, epoch, layout, &order, num_val, start, count, stride),
            1 => pk_batches(seed, epoch, layout, p, k, g.below(2) == 1, start, count, stride),
            _ => m_per_class_units(seed, epoch, layout, p, k, start, count, stride),
        })
    };
    std::thread::scope(|scope| {
        for thread in 0..4u64 {
            let shared = &layout;
            scope.spawn(move || {
                let (mut g, mut again, mut ran) = (Gen(100 + thread), Gen(100 + thread), 0);
                for _ in 0..CASES / 4 {
                    // The same call on the shared layout (after all the calls before it) and on a fresh one.
                    let out = call(&mut g, shared);
                    assert_eq!(out, call(&mut again, &shared.clone()));
                    ran += usize::from(out.is_ok());
                }
                assert!(ran >= CASES / 40, "only {ran} calls succeeded");
            });
        }
    });
    assert_eq!(layout, before);
}

/// Every batch: P distinct classes, each slot K rows of its class, distinct when drawn without replacement.
fn check_batches(layout: &ClassLayout, out: &[i64], p: u64, k: u64, replacement: bool, what: &str) {
    let class_of = |row: i64| {
        (0..layout.classes())
            .find(|&c| layout.class_rows(c).unwrap().contains(&row))
            .unwrap_or_else(|| panic!("{what}: {row} is no row"))
    };
    if out.is_empty() {
        return;
    }
    for batch in out.chunks((p * k) as usize) {
        let mut classes = HashSet::new();
        for slot in batch.chunks(k as usize) {
            let class = layout.class_rows(class_of(slot[0])).unwrap();
            assert!(slot.iter().all(|row| class.contains(row)), "{what}");
            classes.insert(class.as_ptr());
            if !replacement && class.len() as u64 >= k {
                assert_eq!(slot.iter().collect::<HashSet<_>>().len() as u64, k, "{what}");
            }
        }
        assert_eq!(classes.len() as u64, p, "{what}");
    }
}

#[test]
fn weights_never_panic() {
    let mut g = Gen(7);
    for case in 0..CASES {
        let weights: Vec<f64> = (0..g.below(12)).map(|_| g.weight()).collect();
        let what = format!("case {case}: weights {weights:?}");
        for &w in &weights {
            let _ = no_panic(&what, || (decompose(w), floor_log2(w)));
        }
        let valid = !weights.is_empty()
            && weights.iter().all(|w| w.is_finite() && *w >= 0.0)
            && weights.iter().any(|&w| w > 0.0);
        let masses = no_panic(&what, || integer_weights(&weights));
        assert_eq!(masses.is_ok(), valid, "{what}: {masses:?}");
        let masses = match masses {
            Ok(masses) => {
                assert_eq!(
                    masses.iter().map(|&q| u128::from(q)).sum::<u128>(),
                    weights.len() as u128 * u128::from(CAPACITY)
                );
                assert!(
                    weights.iter().zip(&masses).all(|(&w, &q)| (w == 0.0) == (q == 0)),
                    "{what}"
                );
                masses
            }
            Err(_) => (0..g.below(6)).map(|_| g.u64()).collect(),
        };
        check_tables(&mut g, &what, masses);
    }
}

/// Everything built from integer masses: valid ones, and the same broken by one changed mass.
fn check_tables(g: &mut Gen, what: &str, mut masses: Vec<u64>) {
    if g.below(3) == 0 && !masses.is_empty() {
        let i = g.below(masses.len() as u64) as usize;
        masses[i] = g.u64();
    }
    let total: u128 = masses.iter().map(|&q| u128::from(q)).sum();
    let valid = !masses.is_empty() && total == masses.len() as u128 * u128::from(CAPACITY);
    let nonzero = masses.iter().filter(|&&q| q > 0).count() as u64;
    let what = format!("{what}, masses {masses:?}");
    assert_eq!(no_panic(&what, || check_masses(&masses)).is_ok(), valid, "{what}");
    let alias = no_panic(&what, || AliasTable::build(&masses));
    assert_eq!(alias.is_ok(), valid, "{what}");
    let table = no_panic(&what, || WeightTable::from_integer_weights(masses.clone()));
    assert_eq!(table.is_ok(), valid, "{what}");

    let (seed, epoch, start, count, stride) = (g.u64(), g.epoch(), g.u64(), g.count(), g.stride());
    let k = if g.below(2) == 0 { g.u64() } else { g.below(nonzero + 2) };
    let what = format!("{what}: draws({seed}, {epoch}, {start}, {count}, {stride}), k={k}");
    let expected = expect(
        valid && epoch < EPOCH_LIMIT && strided_span_ok(start, count, stride),
        count,
    );
    if let (Ok(alias), false) = (&alias, expected == Expect::Skip) {
        let (threshold, aliases) = alias.columns().unwrap();
        let mut mass = vec![0u64; masses.len()];
        for j in 0..masses.len() {
            mass[j] += threshold[j];
            mass[aliases[j] as usize] += CAPACITY - threshold[j];
        }
        assert_eq!(mass, masses, "{what}");
        if let Some(out) = judge(
            &what,
            &expected,
            no_panic(&what, || alias.draws(seed, epoch, start, count, stride)),
        ) {
            assert_eq!(out.len() as u64, count, "{what}");
            assert!(out.iter().all(|&j| masses[j as usize] > 0), "{what}");
        }
    }
    if let (Ok(table), false) = (&table, expected == Expect::Skip) {
        let result = no_panic(&what, || table.alias_draws(seed, epoch, start, count, stride));
        judge(&what, &expected, result);
        assert_eq!(table.alias_table().unwrap(), alias.as_ref().unwrap().columns().unwrap());
        assert_eq!(table.masses_copy().unwrap(), masses);
    }
    let expected = expect(valid && epoch < EPOCH_LIMIT && k <= nonzero, k);
    let result = no_panic(&what, || weighted_without_replacement(&masses, seed, epoch, k));
    if let Some(out) = judge(&what, &expected, result) {
        assert_eq!(out.len() as u64, k, "{what}");
        let distinct: HashSet<i64> = out.iter().copied().collect();
        assert_eq!(distinct.len() as u64, k, "{what}");
        assert!(out.iter().all(|&j| masses[j as usize] > 0), "{what}");
        let table = table.as_ref().unwrap();
        assert_eq!(
            table
                .without_replacement(seed, epoch, k, Algorithm::Sequential)
                .unwrap(),
            out,
            "{what}"
        );
    } else if let Ok(table) = &table {
        for algorithm in ALGORITHMS {
            assert!(
                no_panic(&what, || table.without_replacement(seed, epoch, k, algorithm)).is_err(),
                "{what}"
            );
        }
    }
    // Spec §8.2: the same k distinct non-zero indices' contract, and the table's call agrees.
    let result = no_panic(&what, || weighted_keys(&masses, seed, epoch, k));
    if let Some(out) = judge(&what, &expected, result) {
        assert_eq!(out.len() as u64, k, "{what}");
        let distinct: HashSet<i64> = out.iter().copied().collect();
        assert_eq!(distinct.len() as u64, k, "{what}");
        assert!(out.iter().all(|&j| masses[j as usize] > 0), "{what}");
        let table = table.as_ref().unwrap();
        assert_eq!(
            table.without_replacement(seed, epoch, k, Algorithm::Keys).unwrap(),
            out,
            "{what}"
        );
    }
}

/// One past the last strided position read (start when nothing is read).
fn end_of(start: u64, count: u64, stride: u64) -> u128 {
    match count {
        0 => u128::from(start),
        _ => u128::from(start) + u128::from(count - 1) * u128::from(stride) + 1,
    }
}
