//! No input panics the core (spec §1–§6): random and extreme arguments; Ok with checked output, or Err as the oracle says.

mod common;

use std::collections::{HashMap, HashSet};

use common::{CASES, Expect, Gen, REFUSED, WORK, expect, judge, no_panic, population_ok, span_ok, strided_span_ok};
use ferrosampler::EngineError;
use ferrosampler::alloc::{copy_of, reserve, reserve_map, vec_with_capacity, zeroed};
use ferrosampler::bounded::{bounded, bounded128};
use ferrosampler::classes::{ClassLayout, pk_draws};
use ferrosampler::keystream::{Keystream, expand_seed, keystream_words, stream_id};
use ferrosampler::limits::{
    EPOCH_LIMIT, U64S, check_epoch, check_population, check_purpose, check_span, check_strided_span,
};
use ferrosampler::permutation::{Permutation, TABLE_MAX, inverse_permutation, permutation_stream, prefix_is_sparse};
use ferrosampler::sharding::strided_permutation;
use ferrosampler::uniform::uniform_draws;
use ferrosampler::weights::{integer_weights, weighted_without_replacement};

#[test]
fn bounded_and_keystream_never_panic() {
    let mut g = Gen(1);
    for case in 0..CASES {
        let (x0, x1) = (g.u64(), g.u64());
        let n = match g.below(4) {
            0 => u128::from(g.u64()),
            1 => g.pick(&[0, 1 << 64, (1 << 64) + 1, u128::MAX]),
            _ => u128::from(g.u64()).max(1),
        };
        let what = format!("case {case}: bounded({x0}, {n})");
        match no_panic(&what, || bounded(x0, n)) {
            Ok(v) => assert!((1..=1 << 64).contains(&n) && u128::from(v) < n, "{what}"),
            Err(_) => assert!(n == 0 || n > 1 << 64, "{what}"),
        }
        let r = g.u64();
        match no_panic(&what, || bounded128(x0, x1, r)) {
            Ok(v) => assert!(r >= 1 && v < r, "{what}"),
            Err(_) => assert_eq!(r, 0),
        }

        let (seed, purpose, epoch, start, count) = (g.u64(), g.next() as u8, g.epoch(), g.u64(), g.count());
        let what = format!("case {case}: keystream({seed}, {purpose}, {epoch}, {start}, {count})");
        let _ = no_panic(&what, || expand_seed(seed));
        assert_eq!(
            no_panic(&what, || stream_id(purpose, epoch)).is_ok(),
            epoch < EPOCH_LIMIT
        );
        if let Ok(stream) = no_panic(&what, || Keystream::new(seed, purpose, epoch)) {
            let mut stream = stream.at_word(u128::from(g.next()) << g.below(64));
            let _ = (stream.next_u32(), stream.next_u64());
        }
        let expected = expect(epoch < EPOCH_LIMIT && span_ok(start, count), count);
        if expected != Expect::Skip {
            let result = no_panic(&what, || keystream_words(seed, purpose, epoch, start, count));
            if let Some(out) = judge(&what, &expected, result) {
                assert_eq!(out.len() as u64, count, "{what}");
            }
        }
    }
}

#[test]
fn limits_never_panic() {
    let mut g = Gen(2);
    for _ in 0..CASES {
        let (a, b, c) = (g.u64(), g.u64(), g.stride());
        assert_eq!(check_epoch(a).is_ok(), a < EPOCH_LIMIT);
        assert_eq!(check_purpose(a).is_ok(), a < 256);
        assert_eq!(check_span(a, b).is_ok(), span_ok(a, b));
        assert_eq!(check_strided_span(a, b, c).is_ok(), strided_span_ok(a, b, c));
        assert_eq!(check_population(a, b).is_ok(), population_ok(a, b));
        let _ = prefix_is_sparse(a, b);
        assert!(U64S.refusal("x", &a).ends_with(&format!("got x={a}")));
    }
    for name in [
        "",
        "feistel",
        "fisher-yates",
        "Feistel",
        "fisher_yates",
        "feistel\0",
        "é",
    ] {
        let known = no_panic(name, || Permutation::from_name(name));
        assert_eq!(known.map(Permutation::name), known.is_some().then_some(name));
    }
}

#[test]
fn allocation_never_panics() {
    let mut g = Gen(12);
    for _ in 0..CASES {
        let a = g.u64();
        let refused = |result: Result<(), EngineError>| matches!(result, Err(EngineError::Allocation { .. }));
        if a >= REFUSED {
            assert!(refused(vec_with_capacity::<i64>(a).map(drop)));
            assert!(refused(zeroed::<i64>(a).map(drop)));
            assert!(refused(reserve(&mut vec![0i64], a)));
            assert!(refused(reserve_map(&mut HashMap::<u64, u64>::new(), a)));
        } else if a <= WORK {
            assert!(vec_with_capacity::<i64>(a).unwrap().capacity() >= a as usize);
            assert_eq!(zeroed::<i64>(a).unwrap().len() as u64, a);
            let mut out = vec![0i64];
            reserve(&mut out, a).unwrap();
            assert!(out.capacity() as u64 > a);
            reserve_map(&mut HashMap::<u64, u64>::new(), a).unwrap();
        }
    }
    assert_eq!(copy_of(&[1, 2, 3]).unwrap(), vec![1, 2, 3]);
}

#[test]
fn uniform_draws_never_panic() {
    let mut g = Gen(3);
    for case in 0..CASES {
        let (seed, epoch, n, start, count) = (g.u64(), g.epoch(), g.population(), g.u64(), g.count());
        let stride = g.stride();
        let what = format!("case {case}: uniform_draws({seed}, {epoch}, {n}, {start}, {count}, {stride})");
        let valid = epoch < EPOCH_LIMIT && strided_span_ok(start, count, stride) && population_ok(n, count);
        let expected = expect(valid, count);
        if expected == Expect::Skip {
            continue;
        }
        if let Some(out) = judge(
            &what,
            &expected,
            no_panic(&what, || uniform_draws(seed, epoch, n, start, count, stride)),
        ) {
            assert_eq!(out.len() as u64, count, "{what}");
            assert!(out.iter().all(|&v| v >= 0 && (v as u64) < n), "{what}");
        }
    }
}

#[test]
fn permutation_stream_never_panics() {
    let mut g = Gen(4);
    for case in 0..CASES {
        let (seed, purpose, epoch) = (g.u64(), g.next() as u8, g.epoch());
        let (n, start, count) = (g.population(), g.u64(), g.count());
        // Feistel at any stride (O(count) work); Fisher–Yates at stride 1, whose work is modelled below.
        let (permutation, stride) = match g.below(2) {
            0 => (Permutation::Feistel, g.stride()),
            _ => (Permutation::FisherYates, 1),
        };
        let what = format!(
            "case {case}: permutation_stream({seed}, {purpose}, {epoch}, {n}, {start}, {count}, {permutation:?}, {stride})"
        );
        let valid = epoch < EPOCH_LIMIT && strided_span_ok(start, count, stride) && population_ok(n, count);
        // The first block computes its prefix up to start mod n + count, densely (n items) or sparsely.
        let work = if n == 0 || count == 0 || permutation == Permutation::Feistel {
            count
        } else {
            let length = (start % n).saturating_add(count).min(n);
            let dense = if prefix_is_sparse(n, length) { 0 } else { n };
            count.max(dense).max(length)
        };
        let expected = expect(valid, work);
        if expected == Expect::Skip {
            continue;
        }
        let result = no_panic(&what, || {
            permutation_stream(seed, purpose, epoch, n, start, count, permutation, stride)
        });
        if let Some(out) = judge(&what, &expected, result) {
            assert_eq!(out.len() as u64, count, "{what}");
            // Within a block, no value repeats.
            let mut seen: HashMap<u64, HashSet<i64>> = HashMap::new();
            for (i, &v) in (0u64..).zip(&out) {
                let position = start + i * stride;
                assert!(v >= 0 && (v as u64) < n, "{what}");
                assert!(
                    seen.entry(position / n).or_default().insert(v),
                    "{what}: repeat in a block"
                );
            }
        }
    }
}

#[test]
fn strided_permutation_never_panics() {
    let mut g = Gen(5);
    for case in 0..CASES {
        let (seed, epoch, n, shuffle) = (g.u64(), g.epoch(), g.population(), g.below(2) == 1);
        let (first, stride, count) = (g.u64(), if g.below(4) == 0 { 0 } else { g.u64() }, g.count());
        let permutation = g.pick(&[Permutation::Feistel, Permutation::FisherYates]);
        let what = format!(
            "case {case}: strided_permutation({seed}, {epoch}, {n}, {shuffle}, {first}, {stride}, {count}, {permutation:?})"
        );
        let valid = epoch < EPOCH_LIMIT && population_ok(n, count);
        let positions = |count: u64| {
            (0..count).map(move |c| ((u128::from(first) + u128::from(c) * u128::from(stride)) % u128::from(n)) as u64)
        };
        let work = if !shuffle || n == 0 || count == 0 || count > WORK || permutation == Permutation::Feistel {
            count
        } else {
            let length = positions(count).max().unwrap_or(0) + 1;
            let dense = if prefix_is_sparse(n, length) { 0 } else { n };
            count.max(dense).max(length)
        };
        let expected = expect(valid, work);
        if expected == Expect::Skip {
            continue;
        }
        let result = no_panic(&what, || {
            strided_permutation(seed, epoch, n, shuffle, first, stride, count, permutation)
        });
        if let Some(out) = judge(&what, &expected, result) {
            assert_eq!(out.len() as u64, count, "{what}");
            let mut value_at: HashMap<u64, i64> = HashMap::new();
            let mut values: HashMap<i64, u64> = HashMap::new();
            for (position, &v) in positions(count).zip(&out) {
                assert!(v >= 0 && (v as u64) < n, "{what}");
                if !shuffle {
                    assert_eq!(v as u64, position, "{what}");
                }
                // A permutation: one value per position, one position per value.
                assert_eq!(*value_at.entry(position).or_insert(v), v, "{what}");
                assert_eq!(*values.entry(v).or_insert(position), position, "{what}");
            }
        }
    }
}

#[test]
fn inverse_permutation_never_panics() {
    let mut g = Gen(6);
    for case in 0..CASES {
        let (seed, purpose, epoch, n, block) = (g.u64(), g.next() as u8, g.epoch(), g.population(), g.u64());
        let permutation = g.pick(&[Permutation::Feistel, Permutation::FisherYates]);
        // Mostly values of the block, sometimes an extreme one (negative, n itself, beyond).
        let len = g.below(70);
        let values: Vec<i64> = (0..len)
            .map(|_| match g.below(12) {
                0 => g.u64() as i64,
                1 => n as i64,
                _ => g.below(n) as i64,
            })
            .collect();
        let what = format!(
            "case {case}: inverse_permutation({seed}, {purpose}, {epoch}, {n}, {block}, {values:?}, {permutation:?})"
        );
        let in_block = values.iter().all(|&v| v >= 0 && (v as u64) < n);
        let starts = u128::from(block) * u128::from(n) < 1 << 64;
        let valid = epoch < EPOCH_LIMIT && population_ok(n, len) && starts && in_block;
        // The network inverts each value alone; a table (n <= 128, Fisher–Yates) materialises the block.
        let work = if values.is_empty() || (permutation == Permutation::Feistel && n > TABLE_MAX) {
            len
        } else {
            n
        };
        let expected = expect(valid, work);
        if expected == Expect::Skip {
            continue;
        }
        let result = no_panic(&what, || {
            inverse_permutation(seed, purpose, epoch, n, block, &values, permutation)
        });
        if let Some(offsets) = judge(&what, &expected, result) {
            assert_eq!(offsets.len(), values.len(), "{what}");
            // One offset per value, in the block, equal offsets exactly for equal values.
            let mut value_of: HashMap<i64, i64> = HashMap::new();
            for (&offset, &value) in offsets.iter().zip(&values) {
                assert!(offset >= 0 && (offset as u64) < n, "{what}");
                assert_eq!(*value_of.entry(offset).or_insert(value), value, "{what}");
            }
        }
    }
}

#[test]
fn issue_11_cases_are_errors_or_answers() {
    const FY: Permutation = Permutation::FisherYates;
    let huge = |result: Result<Vec<i64>, EngineError>| matches!(result, Err(EngineError::Allocation { .. }));
    // A large `first` needs the prefix up to it: 2^63 items densely, which is refused, not aborted.
    assert!(huge(strided_permutation(1, 0, 1 << 63, true, (1 << 63) - 1, 1, 1, FY)));
    // stride = 0 reads one position: a 6-item sparse prefix, whatever the count.
    let out = strided_permutation(1, 0, 1 << 40, true, 5, 0, 3, FY).unwrap();
    assert!(out[0] == out[1] && out[1] == out[2]);
    assert_eq!(strided_permutation(7, 0, 1 << 40, true, 5, 7, 6, FY).unwrap().len(), 6);
    assert_eq!(
        strided_permutation(1, 0, 1 << 63, false, (1 << 63) - 1, 1 << 62, 5, FY)
            .unwrap()
            .len(),
        5
    );
    assert!(huge(strided_permutation(1, 0, 10, true, 0, 1, u64::MAX, FY)));
    assert!(huge(strided_permutation(1, 0, 1 << 63, true, 0, 1, 1 << 62, FY)));
    assert_eq!(
        permutation_stream(1, 0, 3, 1 << 63, 1 << 63, 19, FY, 1).unwrap().len(),
        19
    );
    assert!(huge(permutation_stream(1, 0, 3, 1 << 63, (1 << 63) - 1, 2, FY, 1)));
    assert!(huge(uniform_draws(0, 0, 1, 0, 1 << 62, 1)));
    // Rust callers get the errors the binding used to add: n = 0, a bad class id, k too large.
    assert_eq!(
        uniform_draws(0, 0, 0, 0, 5, 1),
        Err(EngineError::EmptyPopulation { name: "n" })
    );
    assert!(permutation_stream(0, 0, 0, 0, 0, 1, Permutation::Feistel, 1).is_err());
    let layout = ClassLayout::new(vec![0, 1, 2, 3], vec![0, 1, 4]).unwrap();
    assert_eq!(
        pk_draws(0, 0, &layout, &[2], 1, 0, 1, 1),
        Err(EngineError::ClassId {
            index: 0,
            class: 2,
            classes: 2
        })
    );
    let masses = integer_weights(&[1.0, 0.0]).unwrap();
    assert_eq!(
        weighted_without_replacement(&masses, 0, 0, 2),
        Err(EngineError::TooManyDraws { k: 2, nonzero: 1 })
    );
}

#[test]
fn kernel_choice_never_panics() {
    use ferrosampler::kernel::{KERNELS, Kernel, available, selected, widest};
    let mut g = Gen(18);
    for case in 0..CASES {
        // Random bytes as a name, valid UTF-8 or not (lossily decoded), and every name with noise around it.
        let bytes: Vec<u8> = (0..g.below(12)).map(|_| g.u64() as u8).collect();
        let name = String::from_utf8_lossy(&bytes).into_owned();
        let what = format!("case {case}: Kernel::from_name({name:?})");
        let found = no_panic(&what, || Kernel::from_name(&name));
        assert_eq!(found.is_some(), KERNELS.iter().any(|k| k.name() == name), "{what}");
    }
    for kernel in KERNELS {
        assert_eq!(Kernel::from_name(&format!(" {}", kernel.name())), None);
        let _ = kernel.is_available();
    }
    assert!(selected().is_available() && widest().is_available());
    assert!(available().any(|kernel| kernel == Kernel::Scalar));
}
