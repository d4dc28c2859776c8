//! The fast §7.1 and §7.2 builds equal the plain algorithms of the spec, kept here as oracles: masses by one
//! 128-bit division per weight, the alias table by two explicit LIFO stacks. Adversarial weights, every
//! thread count and chunk size (spec §12).

mod common;

use common::Gen;
use ferrosampler::EngineError;
use ferrosampler::threads::{set_min_chunk, set_num_threads};
use ferrosampler::weights::masses::{decompose, floor_log2};
use ferrosampler::weights::{AliasTable, CAPACITY, WeightTable, check_masses, integer_weights};

/// Spec §7.1 word for word (the implementation before the invariant-divisor rewrite).
fn oracle_integer_weights(weights: &[f64]) -> Result<Vec<u64>, EngineError> {
    let n = weights.len();
    if n == 0 {
        return Err(EngineError::NoWeights);
    }
    let mut largest = 0.0f64;
    for (index, &value) in weights.iter().enumerate() {
        if !value.is_finite() || value < 0.0 {
            return Err(EngineError::InvalidWeight { index, value });
        }
        largest = largest.max(value);
    }
    if largest == 0.0 {
        return Err(EngineError::AllZeroWeights);
    }
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
                m.checked_shl(shift as u32).unwrap_or(0)
            } else {
                m.checked_shr((-shift) as u32).unwrap_or(0)
            };
            scaled.max(1)
        })
        .collect();
    let total_omega: u128 = omega.iter().map(|&w| u128::from(w)).sum();
    let total = n as u128 * u128::from(CAPACITY);
    let mut masses: Vec<u64> = omega
        .iter()
        .map(|&w| (u128::from(w) * total).div_ceil(total_omega) as u64)
        .collect();
    let excess = (masses.iter().map(|&x| u128::from(x)).sum::<u128>() - total) as u64;
    let heaviest_mass = *masses.iter().max().unwrap();
    let heaviest = masses.iter().position(|&q| q == heaviest_mass).unwrap();
    masses[heaviest] -= excess;
    Ok(masses)
}

/// Spec §7.2 word for word: thresholds (2^32 for a full column) and aliases.
fn oracle_alias(masses: &[u64]) -> (Vec<u64>, Vec<u32>) {
    let n = masses.len();
    let mut q = masses.to_vec();
    let mut threshold = vec![CAPACITY; n];
    let mut alias: Vec<u32> = (0..n as u32).collect();
    let mut small: Vec<usize> = (0..n).filter(|&i| q[i] < CAPACITY).collect();
    let mut large: Vec<usize> = (0..n).filter(|&i| q[i] >= CAPACITY).collect();
    while let (Some(s), Some(l)) = (small.pop(), large.pop()) {
        threshold[s] = q[s];
        alias[s] = l as u32;
        q[l] -= CAPACITY - q[s];
        if q[l] < CAPACITY { small.push(l) } else { large.push(l) }
    }
    (threshold, alias)
}

/// A weight of the given binary exponent (subnormal below −1022) with random significand bits.
fn weight_at(g: &mut Gen, exponent: i32) -> f64 {
    let fraction = g.next() >> 12;
    if exponent < -1022 {
        // Subnormal: m · 2^-1074 with m < 2^(exponent + 1075).
        let bits = (exponent + 1075).clamp(1, 52) as u32;
        f64::from_bits((fraction >> (52 - bits)).max(1))
    } else {
        f64::from_bits((((exponent + 1023) as u64) << 52) | fraction)
    }
}

/// A weight with a random exponent in [low, low + span).
fn weight_in(g: &mut Gen, low: i32, span: u64) -> f64 {
    let exponent = low + g.below(span) as i32;
    weight_at(g, exponent)
}

/// Adversarial weight vectors: subnormals, exponents spanning 2^±1000, one huge among many tiny, all equal,
/// masses near the capacity, zeros and −0.0, and sizes around the summing block and chunk boundaries.
fn weights_case(g: &mut Gen, case: usize) -> Vec<f64> {
    let n = match g.below(6) {
        0 => 1 + g.below(4) as usize,
        1 => g.pick(&[2047usize, 2048, 2049, 4095, 4096, 4097, 6145]),
        2 => 1 + g.below(20_000) as usize,
        _ => 1 + g.below(300) as usize,
    };
    let mut w: Vec<f64> = match case % 9 {
        0 => (0..n).map(|_| weight_in(g, -1074, 52)).collect(),
        1 => (0..n).map(|_| weight_in(g, -1074, 2098)).collect(),
        2 => {
            let mut w: Vec<f64> = (0..n).map(|_| weight_in(g, -1000, 20)).collect();
            let at = g.below(n as u64) as usize;
            w[at] = weight_in(g, 1000, 23);
            w
        }
        3 => vec![weight_in(g, -100, 200); n],
        4 => (0..n).map(|_| (1 + g.below(3)) as f64).collect(),
        5 => (0..n).map(|_| weight_in(g, -1022, 3)).collect(),
        6 => {
            let base = weight_at(g, 0);
            (0..n).map(|_| f64::from_bits(base.to_bits() + g.below(5))).collect()
        }
        7 => (0..n).map(|_| weight_in(g, -30, 60)).collect(),
        _ => (0..n).map(|_| g.below(1 << 20) as f64 * 2f64.powi(-20)).collect(),
    };
    if g.below(3) == 0 {
        for _ in 0..=g.below(n as u64) {
            let at = g.below(n as u64) as usize;
            w[at] = if g.below(2) == 0 { 0.0 } else { -0.0 };
        }
    }
    w
}

#[test]
fn masses_and_tables_equal_the_spec_oracles() {
    let mut g = Gen(0x007a_11a5);
    for case in 0..1500 {
        let weights = weights_case(&mut g, case);
        let expected = oracle_integer_weights(&weights);
        let (threads, chunk) = (1 + case as u64 % 3, g.pick(&[1u64, 7, 1000, 1 << 15]));
        set_num_threads(threads).unwrap();
        set_min_chunk(chunk).unwrap();
        let masses = integer_weights(&weights);
        assert_eq!(masses, expected, "case {case}: n = {}", weights.len());
        let Ok(masses) = masses else { continue };
        let table = WeightTable::new(&weights).unwrap();
        assert_eq!(table.masses(), &masses[..], "case {case}");
        assert_eq!(table.nonzero(), check_masses(&masses).unwrap(), "case {case}");
        let columns = AliasTable::build(&masses).unwrap().columns().unwrap();
        assert_eq!(columns, oracle_alias(&masses), "case {case}");
    }
}

#[test]
fn refusals_name_the_same_first_weight() {
    let bad = [
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -5e-324,
        -f64::MAX,
    ];
    let mut g = Gen(11);
    for case in 0..400 {
        let n = 1 + g.below(5000) as usize;
        let mut weights: Vec<f64> = (0..n).map(|_| g.below(4) as f64).collect();
        for _ in 0..1 + g.below(3) {
            let at = g.below(n as u64) as usize;
            weights[at] = g.pick(&bad);
        }
        if case % 7 == 0 {
            weights
                .iter_mut()
                .for_each(|w| *w = if g.below(2) == 0 { 0.0 } else { -0.0 });
        }
        set_num_threads(1 + case as u64 % 2).unwrap();
        set_min_chunk(g.pick(&[1u64, 100, 1 << 15])).unwrap();
        let (got, expected) = (integer_weights(&weights), oracle_integer_weights(&weights));
        // Compared by message: NaN payloads and signs are kept, and NaN != NaN.
        assert_eq!(
            got.as_ref().map_err(ToString::to_string),
            expected.as_ref().map_err(ToString::to_string),
            "case {case}"
        );
        if let (Err(EngineError::InvalidWeight { value: a, .. }), Err(EngineError::InvalidWeight { value: b, .. })) =
            (&got, &expected)
        {
            assert_eq!(a.to_bits(), b.to_bits(), "case {case}");
        }
    }
}

#[test]
fn one_weight_and_extreme_ratios() {
    for weights in [
        vec![5e-324],
        vec![f64::MAX],
        vec![f64::MAX, 5e-324],
        vec![5e-324, f64::MAX, 0.0, -0.0],
        vec![f64::MAX; 3],
        vec![2.2250738585072014e-308, 2.225073858507201e-308],
        vec![1.0, 1e-16, 1e-300, 0.0],
    ] {
        assert_eq!(
            integer_weights(&weights),
            oracle_integer_weights(&weights),
            "{weights:?}"
        );
    }
}
