//! Properties of the mixture core (spec §23) that hold for every plan: the bulk paths (batched runs, whole
//! blocks) equal the per-position descent, any thread count gives the same output, the slot streams keep
//! their bound and count consistently, and every source's occurrences form whole passes.

use std::collections::HashMap;

use ferrosampler::mixture::{BLOCK, MixturePlan};
use ferrosampler::threads;

fn plan(sizes: &[i128], starts: &[i128], weights: &[f64], n: i128) -> MixturePlan {
    MixturePlan::new(sizes, starts, weights, n).unwrap()
}

/// A few plans: tiny and large sources, a non-power-of-two tree, many sources, a schedule with a short phase.
fn plans() -> Vec<MixturePlan> {
    let many: Vec<i128> = (0..300).map(|s| 1 + (s * 37) % 500).collect();
    let many_weights: Vec<f64> = (0..300).map(|s| ((s * 13) % 7) as f64).collect();
    vec![
        plan(&[3, 5, 10], &[0], &[1.0, 2.0, 0.5], 5000),
        plan(&[300, 5000, 7, 129, 1 << 20], &[0], &[0.1, 0.3, 0.05, 0.0, 0.55], 7000),
        plan(&many, &[0], &many_weights, 9000),
        plan(
            &[50, 60, 70, 80],
            &[0, 2100, 2150, 4000],
            &[
                1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 3.0, 1.0, 5.0, 1e-3, 1e300, 2.5, 1.0, 1.0, 1.0, 1.0,
            ],
            6000,
        ),
        plan(&[1000], &[0], &[2.0], 3000),
    ]
}

#[test]
fn every_read_path_gives_the_same_positions() {
    for plan in plans() {
        let n = plan.num_samples();
        for epoch in [0, 3] {
            let whole = plan.draws(11, epoch, 0, n, 1).unwrap();
            // Strides 2–4 batch whole blocks, 5–64 walk blocks, larger ones read each position alone.
            for stride in [2u64, 3, 4, 5, 8, 16, 17, 64, 65, 1000, 4099] {
                for start in [0u64, 1, BLOCK - 1, BLOCK + 7] {
                    let count = (n - start).div_ceil(stride);
                    let strided = plan.draws(11, epoch, start, count, stride).unwrap();
                    let stepped: Vec<i64> = whole[start as usize..]
                        .iter()
                        .step_by(stride as usize)
                        .copied()
                        .collect();
                    assert_eq!(strided, stepped, "stride {stride}, start {start}");
                }
            }
            for (start, count) in [(0u64, 1u64), (5, 40), (BLOCK - 3, 10), (n - 1, 1), (1234, 3000)] {
                let count = count.min(n - start);
                let part = plan.draws(11, epoch, start, count, 1).unwrap();
                assert_eq!(part, whole[start as usize..(start + count) as usize]);
            }
        }
    }
}

#[test]
fn thread_counts_and_chunk_sizes_change_nothing() {
    let plan = &plans()[1];
    let n = plan.num_samples();
    let serial = plan.draws(5, 2, 0, n, 1).unwrap();
    for (threads, chunk) in [(3u64, 1u64), (2, 777), (4, 1 << 12)] {
        threads::set_num_threads(threads).unwrap();
        threads::set_min_chunk(chunk).unwrap();
        assert_eq!(plan.draws(5, 2, 0, n, 1).unwrap(), serial);
        assert_eq!(
            plan.draws(5, 2, 3, n / 3 - 1, 3).unwrap(),
            serial[3..]
                .iter()
                .step_by(3)
                .take((n / 3 - 1) as usize)
                .copied()
                .collect::<Vec<_>>()
        );
    }
    threads::set_min_chunk(threads::DEFAULT_MIN_CHUNK as u64).unwrap();
}

#[test]
fn slot_streams_count_consistently_and_stay_within_the_depth() {
    for plan in plans() {
        let masses = plan.masses().unwrap();
        let depth = i128::from(plan.depth());
        for (phase, row) in masses.iter().enumerate() {
            let total: u128 = row.iter().map(|&m| u128::from(m)).sum();
            let mut counts = vec![0u64; row.len()];
            for g in 0..3000u64 {
                let (s, j) = plan.slot_source(phase as u64, g).unwrap();
                assert_eq!(j, counts[s], "phase {phase}, slot {g}");
                counts[s] += 1;
                assert!(row[s] > 0);
            }
            for g in [0u128, 1, 999, 3000, 1 << 40, (1 << 64) - 1, 1 << 64] {
                for (s, &m) in row.iter().enumerate() {
                    let count = plan.slot_count(phase as u64, s as u64, g).unwrap();
                    if g == 3000 {
                        assert_eq!(count, u128::from(counts[s]));
                    }
                    // |count − G·m/M| < D, i.e. |count·M − G·m| < D·M (exact).
                    let error = count as i128 * total as i128 - (g * u128::from(m)) as i128;
                    assert!(
                        error.abs() < depth.max(1) * total as i128,
                        "phase {phase}, source {s}, G {g}"
                    );
                    if depth == 0 {
                        assert_eq!(error, 0);
                    }
                }
            }
        }
    }
}

#[test]
fn occurrences_form_whole_passes_across_epochs() {
    for plan in plans() {
        let n = plan.num_samples();
        let mut seen: HashMap<i64, u64> = HashMap::new();
        let epochs = 4;
        for epoch in 0..epochs {
            for value in plan.draws(3, epoch, 0, n, 1).unwrap() {
                *seen.entry(value).or_default() += 1;
            }
        }
        // Source s with c occurrences shows each item ⌊c/n_s⌋ or ⌈c/n_s⌉ times, c mod n_s of them the latter.
        for (s, (&size, &offset)) in plan.sizes().iter().zip(plan.offsets()).enumerate() {
            let counts: Vec<u64> = (0..size)
                .map(|j| seen.get(&((offset + j) as i64)).copied().unwrap_or(0))
                .collect();
            let c: u64 = counts.iter().sum();
            let (low, extra) = (c / size, c % size);
            assert!(counts.iter().all(|&k| k == low || k == low + 1), "source {s}");
            assert_eq!(
                counts.iter().filter(|&&k| k == low + 1).count() as u64,
                extra,
                "source {s}"
            );
        }
    }
}
