//! No input panics the mixture core (spec §23): plans from hostile sizes, starts, weights and lengths; draws,
//! slot queries and exhaustion lengths at hostile arguments, each checked against an oracle.

mod common;

use common::{CASES, Expect, Gen, expect, judge, no_panic, strided_span_ok};
use ferrosampler::EngineError;
use ferrosampler::limits::EPOCH_LIMIT;
use ferrosampler::mixture::MixturePlan;

const EDGES: [i128; 10] = [
    0,
    -1,
    1,
    2,
    (1 << 48) - 1,
    1 << 48,
    (1 << 48) + 1,
    1 << 62,
    (1 << 62) + 1,
    i128::MAX,
];

fn integer(g: &mut Gen, small: u64) -> i128 {
    match g.below(8) {
        0 => g.pick(&EDGES),
        1 => i128::from(g.u64()),
        2 => -i128::from(g.below(5)),
        _ => 1 + i128::from(g.below(small)),
    }
}

/// A plan's arguments, valid about half the time.
fn plan_parts(g: &mut Gen) -> (Vec<i128>, Vec<i128>, Vec<f64>, i128) {
    let sources = match g.below(40) {
        0 => 0,
        1 => 1 << 16,
        2 => (1 << 16) + 1,
        _ => 1 + g.below(6) as usize,
    };
    let sizes: Vec<i128> = (0..sources)
        .map(|_| {
            if g.below(12) == 0 {
                integer(g, 300)
            } else {
                1 + i128::from(g.below(300))
            }
        })
        .collect();
    let num_samples = if g.below(6) == 0 {
        integer(g, 5000)
    } else {
        1 + i128::from(g.below(5000))
    };
    let phases = if g.below(20) == 0 { 0 } else { 1 + g.below(3) as usize };
    let mut starts = vec![0i128];
    for _ in 1..phases {
        let last = *starts.last().unwrap();
        starts.push(last + 1 + i128::from(g.below(2000)));
    }
    starts.truncate(phases);
    if g.below(6) == 0 && !starts.is_empty() {
        let i = g.below(starts.len() as u64) as usize;
        starts[i] = integer(g, 3000);
    }
    let mut weights: Vec<f64> = (0..starts.len() * sizes.len())
        .map(|_| {
            if g.below(5) == 0 {
                g.weight()
            } else {
                g.below(10) as f64
            }
        })
        .collect();
    if g.below(10) == 0 {
        weights.push(1.0);
    }
    (sizes, starts, weights, num_samples)
}

/// §23.1's rules, written out.
fn plan_ok(sizes: &[i128], starts: &[i128], weights: &[f64], num_samples: i128) -> bool {
    let sizes_ok = !sizes.is_empty()
        && sizes.len() <= 1 << 16
        && sizes.iter().all(|&n| (1..=1 << 48).contains(&n))
        && sizes.iter().sum::<i128>() <= 1 << 63;
    let n_ok = (1..=1 << 62).contains(&num_samples);
    let starts_ok = !starts.is_empty()
        && starts[0] == 0
        && starts.windows(2).all(|w| w[0] < w[1])
        && starts.iter().all(|&t| t < num_samples);
    let shape_ok = weights.len() == starts.len() * sizes.len();
    let values_ok = shape_ok
        && weights
            .chunks(sizes.len().max(1))
            .all(|row| row.iter().all(|w| w.is_finite() && *w >= 0.0) && row.iter().any(|&w| w > 0.0));
    sizes_ok && n_ok && starts_ok && shape_ok && values_ok
}

#[test]
fn mixture_plans_and_draws_never_panic() {
    let mut g = Gen(23);
    let (mut built, mut drawn) = (0, 0);
    for case in 0..CASES {
        let (sizes, starts, weights, num_samples) = plan_parts(&mut g);
        let shown = format!(
            "case {case}: MixturePlan({} sizes {:?}…, starts {starts:?}, {} weights, N={num_samples})",
            sizes.len(),
            &sizes[..sizes.len().min(4)],
            weights.len()
        );
        let plan = no_panic(&shown, || MixturePlan::new(&sizes, &starts, &weights, num_samples));
        assert_eq!(
            plan.is_ok(),
            plan_ok(&sizes, &starts, &weights, num_samples),
            "{shown}: {plan:?}"
        );
        let Ok(plan) = plan else { continue };
        built += 1;
        let n = plan.num_samples();
        let total: u64 = plan.sizes().iter().sum();
        let masses = plan.masses().unwrap();
        for _ in 0..4 {
            let start = if g.below(4) == 0 { g.u64() } else { g.below(n) };
            let epoch = if g.below(2) == 0 { g.below(10) } else { g.epoch() };
            let (seed, count, stride) = (g.u64(), g.count(), g.stride());
            let what = format!("{shown}: draws({seed}, {epoch}, {start}, {count}, {stride})");
            let last = u128::from(start) + u128::from(count.saturating_sub(1)) * u128::from(stride);
            let valid = epoch < EPOCH_LIMIT
                && strided_span_ok(start, count, stride)
                && (count == 0 || last < u128::from(n))
                && (u128::from(epoch) + 1) * u128::from(n) <= 1 << 64;
            let expected = expect(valid, count);
            if expected == Expect::Skip {
                continue;
            }
            let result = no_panic(&what, || plan.draws(seed, epoch, start, count, stride));
            if let Some(out) = judge(&what, &expected, result) {
                assert_eq!(out.len() as u64, count, "{what}");
                for (c, &value) in (0u64..).zip(&out) {
                    assert!((0..total as i64).contains(&value), "{what}: {value}");
                    // The source of the value has positive mass in the phase of its position.
                    let position = start + c * stride;
                    let phase = plan.starts().partition_point(|&t| t <= position) - 1;
                    let source = plan.offsets().partition_point(|&o| o <= value as u64) - 1;
                    assert!(
                        masses[phase][source] > 0,
                        "{what}: position {position} from source {source}"
                    );
                }
                drawn += 1;
            }
        }
        for _ in 0..3 {
            let index = match g.below(4) {
                0 => i128::from(g.u64()) - i128::from(g.below(2)) * (1 << 64),
                1 => i128::from(total) + i128::from(g.below(2)),
                _ => i128::from(g.below(total)),
            };
            let epoch = if g.below(2) == 0 { g.below(10) } else { g.epoch() };
            let seed = g.u64();
            let what = format!("{shown}: positions({seed}, {epoch}, {index})");
            let valid = epoch < EPOCH_LIMIT
                && (0..i128::from(total)).contains(&index)
                && (u128::from(epoch) + 1) * u128::from(n) <= 1 << 64;
            // Every occurrence is listed: only items served a bounded number of times are asked for.
            let source = plan
                .offsets()
                .partition_point(|&o| i128::from(o) <= index)
                .saturating_sub(1);
            if valid && n / plan.sizes()[source] > 10_000 {
                continue;
            }
            let result = no_panic(&what, || plan.positions(seed, epoch, index));
            assert_eq!(result.is_ok(), valid, "{what}: {result:?}");
            if let Ok(found) = result {
                assert!(found.windows(2).all(|pair| pair[0] < pair[1]), "{what}");
                for &p in found.iter().take(3) {
                    assert_eq!(plan.draws(seed, epoch, p, 1, 1).unwrap(), vec![index as i64], "{what}");
                }
            }
        }
        for _ in 0..3 {
            let phases = plan.num_phases() as u64;
            let phase = if g.below(4) == 0 { g.u64() } else { g.below(phases + 1) };
            let source = if g.below(4) == 0 {
                g.u64()
            } else {
                g.below(sizes.len() as u64 + 1)
            };
            let slots = match g.below(3) {
                0 => u128::from(g.u64()) + u128::from(g.below(3)),
                1 => (1 << 64) + u128::from(g.below(2)),
                _ => u128::from(g.below(10_000)),
            };
            let what = format!("{shown}: slot_count({phase}, {source}, {slots})");
            let result = no_panic(&what, || plan.slot_count(phase, source, slots));
            let valid = phase < phases && source < sizes.len() as u64 && slots <= 1 << 64;
            assert_eq!(result.is_ok(), valid, "{what}: {result:?}");
            if let Ok(count) = result {
                assert!(count <= slots, "{what}");
            }
            let slot = g.u64();
            let result = no_panic(&what, || plan.slot_source(phase, slot));
            assert_eq!(result.is_ok(), phase < phases, "{what}: {result:?}");
            if let Ok((s, j)) = result {
                assert!(s < sizes.len() && j <= slot, "{what}");
                assert!(masses[phase as usize][s] > 0, "{what}");
            }
        }
    }
    assert!(built > CASES / 4 && drawn > CASES / 4, "{built} plans, {drawn} draws");
}

#[test]
fn exhausted_lengths_never_panic() {
    let mut g = Gen(24);
    let mut found = 0;
    for case in 0..CASES / 4 {
        let (mut sizes, _, weights, _) = plan_parts(&mut g);
        sizes.truncate(40);
        let weights: Vec<f64> = weights
            .into_iter()
            .take(sizes.len() + usize::from(g.below(8) == 0))
            .collect();
        let all_sources = g.below(2) == 1;
        let what = format!("case {case}: exhausted_length({sizes:?}, {weights:?}, {all_sources})");
        let result = no_panic(&what, || MixturePlan::exhausted_length(&sizes, &weights, all_sources));
        if !plan_ok(&sizes, &[0], &weights, 1) {
            assert!(result.is_err(), "{what}: {result:?}");
            continue;
        }
        match result {
            Ok(length) => {
                assert!((1..=1 << 62).contains(&length), "{what}");
                found += 1;
            }
            Err(EngineError::NeverExhausted { .. }) => {}
            Err(error) => panic!("{what}: {error}"),
        }
    }
    assert!(found > CASES / 20, "{found}");
}
