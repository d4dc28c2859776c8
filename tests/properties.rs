//! Properties of the Rust core that hold for every input (spec §3–§8).

use ferrosampler::EngineError;
use ferrosampler::bounded::{bounded, bounded128};
use ferrosampler::keystream::Keystream;
use ferrosampler::permutation::{Permutation, permutation_stream};
use ferrosampler::uniform::uniform_draws;
use ferrosampler::weights::{AliasTable, CAPACITY, integer_weights, weighted_without_replacement};

#[test]
fn chacha8_layout_is_seekable() {
    let mut stream = Keystream::new(7, 0, 3).unwrap();
    let words: Vec<u32> = (0..100).map(|_| stream.next_u32()).collect();
    for start in [0u128, 1, 15, 16, 17, 63, 64, 65] {
        let mut seeked = Keystream::new(7, 0, 3).unwrap().at_word(start);
        assert_eq!(seeked.next_u32(), words[start as usize]);
    }
    let mut pairs = Keystream::new(7, 0, 3).unwrap().at_word(31);
    assert_eq!(pairs.next_u64(), u64::from(words[31]) | u64::from(words[32]) << 32);
}

#[test]
fn bounded_stays_in_range_and_hits_the_ends() {
    assert_eq!(bounded(0, 10), Ok(0));
    assert_eq!(bounded(u64::MAX, 10), Ok(9));
    assert_eq!(bounded(u64::MAX, 1), Ok(0));
    assert_eq!(bounded(u64::MAX, 1 << 64), Ok(u64::MAX));
    assert_eq!(bounded128(u64::MAX, u64::MAX, u64::MAX), Ok(u64::MAX - 1));
    assert_eq!(bounded128(0, 1 << 63, 10), Ok(5));
}

#[test]
fn seeking_equals_slicing() {
    let full = uniform_draws(1, 2, 1000, 0, 300, 1).unwrap();
    assert_eq!(uniform_draws(1, 2, 1000, 123, 50, 1).unwrap(), full[123..173]);
    for permutation in [Permutation::Feistel, Permutation::FisherYates] {
        for n in [37, 1000] {
            let perms = permutation_stream(1, 0, 2, n, 0, 3000, permutation, 1).unwrap();
            assert_eq!(
                permutation_stream(1, 0, 2, n, 100, 1200, permutation, 1).unwrap(),
                perms[100..1300]
            );
            // Strided reads are slices with a step.
            let strided = permutation_stream(1, 0, 2, n, 5, 100, permutation, 29).unwrap();
            let stepped: Vec<i64> = perms[5..].iter().step_by(29).take(100).copied().collect();
            assert_eq!(strided, stepped);
        }
    }
    let strided = uniform_draws(1, 2, 1000, 7, 20, 13).unwrap();
    let stepped: Vec<i64> = full[7..].iter().step_by(13).take(20).copied().collect();
    assert_eq!(strided, stepped);
}

#[test]
fn permutation_blocks_are_permutations() {
    for permutation in [Permutation::Feistel, Permutation::FisherYates] {
        for n in [1u64, 2, 3, 16, 17, 100, 128, 129, 256, 257, 1000] {
            let out = permutation_stream(9, 0, 0, n, 0, 3 * n, permutation, 1).unwrap();
            for block in out.chunks(n as usize) {
                let mut sorted = block.to_vec();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..n as i64).collect::<Vec<_>>());
            }
        }
    }
    // Up to 128 the Feistel default is the v1 Fisher–Yates block itself (spec §5.3).
    for n in [1u64, 5, 100, 128] {
        let feistel = permutation_stream(3, 1, 4, n, 7, 5 * n, Permutation::Feistel, 1).unwrap();
        assert_eq!(
            feistel,
            permutation_stream(3, 1, 4, n, 7, 5 * n, Permutation::FisherYates, 1).unwrap()
        );
    }
}

#[test]
fn integer_weights_are_exact() {
    let weights = [0.25, 0.0, 1e-300, 3.0, 5e-324, 7.5];
    let q = integer_weights(&weights).unwrap();
    assert_eq!(q.iter().sum::<u64>(), weights.len() as u64 * CAPACITY);
    for (w, q) in weights.iter().zip(&q) {
        assert_eq!(*w == 0.0, *q == 0);
    }
}

#[test]
fn alias_table_preserves_every_mass() {
    let q = integer_weights(&[1.0, 2.0, 0.0, 3.0, 0.5, 9.0, 1e-9]).unwrap();
    let (threshold, alias) = AliasTable::build(&q).unwrap().columns().unwrap();
    let mut mass = vec![0u64; q.len()];
    for j in 0..q.len() {
        mass[j] += threshold[j];
        mass[alias[j] as usize] += CAPACITY - threshold[j];
    }
    assert_eq!(mass, q);
}

#[test]
fn bad_weights_are_errors_not_panics() {
    assert_eq!(integer_weights(&[]), Err(EngineError::NoWeights));
    assert_eq!(integer_weights(&[0.0, 0.0]), Err(EngineError::AllZeroWeights));
    assert!(matches!(
        integer_weights(&[1.0, f64::NAN]),
        Err(EngineError::InvalidWeight { index: 1, .. })
    ));
    assert!(matches!(
        integer_weights(&[f64::INFINITY]),
        Err(EngineError::InvalidWeight { index: 0, .. })
    ));
    assert!(matches!(
        integer_weights(&[1.0, -0.5]),
        Err(EngineError::InvalidWeight { index: 1, .. })
    ));
    assert_eq!(
        EngineError::InvalidWeight { index: 1, value: -1.0 }.to_string(),
        "weights[1] must be finite and non-negative, got -1.0"
    );
}

#[test]
fn without_replacement_draws_each_positive_index_once() {
    let q = integer_weights(&[0.0, 1.0, 5.0, 0.0, 2.0, 1e-12]).unwrap();
    let mut out = weighted_without_replacement(&q, 3, 0, 4).unwrap();
    out.sort_unstable();
    assert_eq!(out, vec![1, 2, 4, 5]);
}

#[test]
fn chacha8_known_answer() {
    // Strömbergson's ChaCha test vectors, TC1 (all-zero key and IV), 8 rounds, block 0.
    use chacha20::ChaCha8Rng;
    use chacha20::rand_core::{Rng, SeedableRng};
    let expected = "3e00ef2f895f40d67f5bb8e81f09a5a12c840ec3ce9a7f3b181be188ef711a1e\
                    984ce172b9216f419f445367456d5619314a42a3da86b001387bfdb80e0cfe42";
    let mut rng = ChaCha8Rng::from_seed([0u8; 32]);
    let bytes: String = (0..16)
        .map(|_| rng.next_u32().to_le_bytes())
        .flat_map(|b| b.map(|x| format!("{x:02x}")))
        .collect();
    assert_eq!(bytes, expected);
}
