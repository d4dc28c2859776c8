//! The Feistel bijection (spec §5.2–§5.3) and the thread rule (spec §12): bijection sweeps, lanes equal
//! per-index evaluation, huge n, and outputs identical at every thread count and chunk size.

use ferrosampler::classes::{ClassLayout, pk_draws};
use ferrosampler::permutation::{Bijection, Permutation, permutation_stream};
use ferrosampler::sharding::strided_permutation;
use ferrosampler::threads::{set_min_chunk, set_num_threads};
use ferrosampler::uniform::uniform_draws;
use ferrosampler::weights::WeightTable;

/// The whole block by the lane engine is a permutation of [0, n), and equals `apply` on a sample.
fn check_bijection(seed: u64, n: u64) {
    let out = permutation_stream(seed, 0, 1, n, 0, n, Permutation::Feistel, 1).unwrap();
    let mut seen = vec![false; n as usize];
    for &v in &out {
        assert!((v as u64) < n, "n={n}");
        assert!(!std::mem::replace(&mut seen[v as usize], true), "n={n}: {v} twice");
    }
    let bijection = Bijection::for_block(seed, 0, 1, n, 0).unwrap();
    for offset in (0..n).step_by((n / 512).max(1) as usize) {
        assert_eq!(bijection.apply(offset), out[offset as usize] as u64, "n={n}");
        assert_eq!(bijection.inverse(out[offset as usize] as u64), offset, "n={n}");
    }
}

fn around_powers_of_two(ks: std::ops::RangeInclusive<u32>) {
    for k in ks {
        for n in [(1u64 << k) - 1, 1 << k, (1 << k) + 1] {
            check_bijection(u64::from(k) * 1000 + n % 7, n.max(1));
        }
    }
}

#[test]
fn bijection_around_powers_of_two_to_16() {
    around_powers_of_two(1..=16);
}

#[test]
#[ignore = "slow: n = 2^k − 1, 2^k, 2^k + 1 for 17 ≤ k ≤ 24 (cargo test --release -- --ignored)"]
fn bijection_around_powers_of_two_to_24() {
    around_powers_of_two(17..=24);
}

#[test]
fn bijection_random_n() {
    let mut s = 0x1234_5678u64;
    for _ in 0..30 {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        check_bijection(s, 1 + (s >> 46));
    }
}

/// Offsets that repeat (stride 0 or a multiple of n) walk the cycle together, more than a lane's worth at once:
/// every output is still `apply` of its offset (the lane pool once kept only one pass of them).
#[test]
fn repeated_offsets_walk_to_the_end() {
    for (n, first, stride) in [
        (158, 18, 0),
        (158, 18, 158),
        (300, 7, 150),
        (1000, 1, 0),
        (129, 5, 129 * 3),
    ] {
        for seed in 0..40 {
            let bijection = Bijection::for_block(seed, 0, 4, n, 0).unwrap();
            let out = strided_permutation(seed, 4, n, true, first, stride, 1237, Permutation::Feistel).unwrap();
            for (c, &v) in out.iter().enumerate() {
                let offset = (u128::from(first) + c as u128 * u128::from(stride)) % u128::from(n);
                assert_eq!(v as u64, bijection.apply(offset as u64), "n={n} seed={seed} c={c}");
            }
        }
    }
}

#[test]
fn huge_n_sampled_offsets_are_distinct_and_in_range() {
    for n in [(1u64 << 32) + 1, (1 << 40) + 1, (1 << 63) - 1, 1 << 63] {
        let bijection = Bijection::for_block(5, 0, 0, n, 0).unwrap();
        let offsets: Vec<u64> = (0..4000u64)
            .map(|k| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) % n)
            .collect();
        let mut values = std::collections::HashSet::new();
        for &offset in &offsets {
            let value = bijection.apply(offset);
            assert!(value < n);
            assert_eq!(bijection.inverse(value), offset);
            values.insert(value);
        }
        let distinct: std::collections::HashSet<_> = offsets.iter().collect();
        assert_eq!(values.len(), distinct.len(), "n={n}");
        // The strided engine path equals per-index evaluation.
        let out = strided_permutation(5, 0, n, true, 3, u64::MAX - 2, 1000, Permutation::Feistel).unwrap();
        for (c, &v) in out.iter().enumerate() {
            let offset = ((3 + c as u128 * u128::from(u64::MAX - 2)) % u128::from(n)) as u64;
            assert_eq!(v as u64, bijection.apply(offset));
        }
    }
}

#[test]
fn outputs_are_identical_at_every_thread_count_and_chunk_size() {
    let table = WeightTable::new(&[1.0, 2.0, 0.0, 3.0, 0.5, 7.0]).unwrap();
    let layout = ClassLayout::new((0..20).collect(), vec![0, 3, 10, 20]).unwrap();
    let order = [2i64, 0, 1, 1, 2];
    let run = || {
        (
            permutation_stream(3, 0, 1, 1000, 17, 5000, Permutation::Feistel, 1).unwrap(),
            permutation_stream(3, 0, 1, 77, 5, 3000, Permutation::Feistel, 13).unwrap(),
            strided_permutation(3, 1, 100_003, true, 3, 8, 4000, Permutation::Feistel).unwrap(),
            uniform_draws(3, 1, 1000, 9, 4000, 3).unwrap(),
            table.alias_draws(3, 1, 9, 4000, 1).unwrap(),
            pk_draws(3, 1, &layout, &order, 1000, 11, 1000, 4).unwrap(),
        )
    };
    set_num_threads(1).unwrap();
    set_min_chunk(1 << 40).unwrap();
    let serial = run();
    for threads in 1..=4 {
        for chunk in [1u64, 7, 333, 1001, 1 << 15] {
            set_num_threads(threads).unwrap();
            set_min_chunk(chunk).unwrap();
            assert!(run() == serial, "threads={threads} chunk={chunk}");
        }
    }
    set_min_chunk(1 << 15).unwrap();
}

/// Large fills are made piece by piece (threads::PIECE outputs per call, lanes and prefetching inside):
/// every window of a long read equals the same positions read on their own, at piece boundaries too,
/// and the bulk (stride 1) and strided paths agree.
#[test]
fn long_fills_equal_short_reads_of_the_same_positions() {
    let weights: Vec<f64> = (0..5000).map(|i| f64::from((i * 7919) % 1013)).collect();
    let table = WeightTable::new(&weights).unwrap();
    let layout = ClassLayout::new((0..20).collect(), vec![0, 3, 10, 20]).unwrap();
    let order = [2i64, 0, 1, 1, 2, 0, 2, 1];
    let count = 3 * ferrosampler::threads::PIECE as u64 + 5;
    type Read<'a> = Box<dyn Fn(u64, u64, u64) -> Vec<i64> + 'a>;
    let reads: Vec<(&str, Read)> = vec![
        (
            "feistel",
            Box::new(|s, c, k| permutation_stream(3, 0, 1, 100_003, s, c, Permutation::Feistel, k).unwrap()),
        ),
        (
            "uniform",
            Box::new(|s, c, k| uniform_draws(3, 1, 1000, s, c, k).unwrap()),
        ),
        ("alias", Box::new(|s, c, k| table.alias_draws(3, 1, s, c, k).unwrap())),
        (
            "pk",
            Box::new(|s, c, k| pk_draws(3, 1, &layout, &order, 100_000, s, c, k).unwrap()),
        ),
    ];
    for threads in [1, 2, 3] {
        set_num_threads(threads).unwrap();
        for (name, read) in &reads {
            let long = read(9, count, 1);
            let piece = ferrosampler::threads::PIECE as u64;
            for at in [0, 1, piece - 3, piece, 2 * piece + 1, count - 40] {
                assert_eq!(
                    read(9 + at, 40, 1)[..],
                    long[at as usize..at as usize + 40],
                    "{name} at={at}"
                );
            }
            let strided = read(9 + 2, count / 7, 7);
            let picked: Vec<i64> = long.iter().skip(2).step_by(7).take(strided.len()).copied().collect();
            assert_eq!(strided, picked, "{name} strided");
        }
    }
    set_num_threads(1).unwrap();
}
