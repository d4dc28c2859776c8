//! PK batches and m-per-class units (spec §19.4, §20) against tests/golden/vectors-toolkit.json (its
//! `pk_batches_engine` and `m_per_class_units` sections, from the reference by
//! tests/golden/generate_toolkit.py; pytest reads them too), plus the split, thread and error rules.

use std::collections::HashSet;

use ferrosampler::EngineError;
use ferrosampler::classes::{ClassLayout, m_per_class_units, pk_batches};
use ferrosampler::threads::{DEFAULT_MIN_CHUNK, num_threads, set_min_chunk, set_num_threads};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("golden/vectors-toolkit.json")).expect("golden vectors are valid JSON")
}

fn u64_of(case: &Value, key: &str) -> u64 {
    case[key].as_u64().unwrap_or_else(|| panic!("{key} is a u64 in {case}"))
}

fn ints(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_i64().expect("int"))
        .collect()
}

fn layout_of(golden: &Value, case: &Value) -> ClassLayout {
    let layout = &golden["engine_layouts"][case["layout"].as_str().expect("layout name")];
    ClassLayout::new(ints(&layout["rows"]), ints(&layout["offsets"])).unwrap()
}

fn span(case: &Value) -> (u64, u64, u64) {
    (u64_of(case, "start"), u64_of(case, "count"), u64_of(case, "stride"))
}

#[test]
fn pk_batches_match_the_golden_vectors() {
    let golden = vectors();
    let cases = golden["pk_batches_engine"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for c in cases {
        let (start, count, stride) = span(c);
        let (p, k) = (u64_of(c, "p"), u64_of(c, "k"));
        let replacement = c["replacement"].as_bool().unwrap();
        let layout = layout_of(&golden, c);
        let (seed, epoch) = (u64_of(c, "seed"), u64_of(c, "epoch"));
        let out = pk_batches(seed, epoch, &layout, p, k, replacement, start, count, stride).unwrap();
        assert_eq!(out, ints(&c["out"]), "{c}");
    }
}

#[test]
fn m_per_class_units_match_the_golden_vectors() {
    let golden = vectors();
    let cases = golden["m_per_class_units"].as_array().unwrap();
    assert!(cases.len() >= 16);
    for c in cases {
        let (start, count, stride) = span(c);
        let layout = layout_of(&golden, c);
        let (seed, epoch) = (u64_of(c, "seed"), u64_of(c, "epoch"));
        let out = m_per_class_units(
            seed,
            epoch,
            &layout,
            u64_of(c, "group"),
            u64_of(c, "m"),
            start,
            count,
            stride,
        );
        assert_eq!(out.unwrap(), ints(&c["out"]), "{c}");
    }
}

/// 300 classes of 1 … 7 rows: some below K, C > 128 (the network form of the class blocks).
fn wide_layout() -> ClassLayout {
    let mut rows = Vec::new();
    let mut offsets = vec![0i64];
    for c in 0..300i64 {
        for r in 0..(1 + (c * 5) % 7) {
            rows.push(1000 * c + r);
        }
        offsets.push(rows.len() as i64);
    }
    ClassLayout::new(rows, offsets).unwrap()
}

#[test]
fn batches_are_distinct_classes_and_rows_of_their_class() {
    let layout = wide_layout();
    let (p, k) = (40, 3);
    let out = pk_batches(9, 1, &layout, p, k, false, 0, 50, 1).unwrap();
    for batch in out.chunks(40 * 3) {
        let classes: Vec<i64> = batch.chunks(3).map(|slot| slot[0] / 1000).collect();
        assert_eq!(classes.iter().collect::<HashSet<_>>().len(), 40, "P distinct classes");
        for slot in batch.chunks(3) {
            let class = slot[0] / 1000;
            assert!(slot.iter().all(|row| row / 1000 == class));
            // Without replacement when the class has ≥ K rows.
            if layout.class_rows(class as usize).unwrap().len() >= 3 {
                assert_eq!(slot.iter().collect::<HashSet<_>>().len(), 3);
            }
        }
    }
}

#[test]
fn a_call_equals_its_pieces() {
    let layout = wide_layout();
    // P = 200 of C = 300 chains heads (C < 2P − 1): seeking must still give the same batches.
    for (p, k) in [(7, 2), (200, 1)] {
        let whole = pk_batches(4, 2, &layout, p, k, false, 3, 12, 5).unwrap();
        let width = (p * k) as usize;
        for c in 0..12u64 {
            let one = pk_batches(4, 2, &layout, p, k, false, 3 + c * 5, 1, 1).unwrap();
            assert_eq!(one, whole[c as usize * width..(c as usize + 1) * width]);
        }
        let units = m_per_class_units(4, 2, &layout, p, k, 3, 12, 5).unwrap();
        let tail = m_per_class_units(4, 2, &layout, p, k, 3 + 7 * 5, 5, 5).unwrap();
        assert_eq!(tail, units[7 * width..]);
    }
}

#[test]
fn threads_do_not_change_the_output() {
    let layout = wide_layout();
    let serial = pk_batches(1, 0, &layout, 30, 4, false, 0, 400, 3).unwrap();
    let units = m_per_class_units(1, 0, &layout, 30, 4, 0, 400, 3).unwrap();
    let threads = num_threads();
    set_min_chunk(7).unwrap();
    // Chunks of 48000 / n outputs cut batches (120 rows each) at different places.
    for n in [2, 3, 7] {
        set_num_threads(n).unwrap();
        assert_eq!(pk_batches(1, 0, &layout, 30, 4, false, 0, 400, 3).unwrap(), serial);
        assert_eq!(m_per_class_units(1, 0, &layout, 30, 4, 0, 400, 3).unwrap(), units);
    }
    set_min_chunk(DEFAULT_MIN_CHUNK as u64).unwrap();
    set_num_threads(threads as u64).unwrap();
}

#[test]
fn bad_arguments_are_errors() {
    let layout = ClassLayout::new(vec![0, 1, 2, 3], vec![0, 1, 4]).unwrap();
    let too_many = |name| EngineError::TooManySlots {
        name,
        value: 3,
        classes: 2,
    };
    assert_eq!(pk_batches(0, 0, &layout, 3, 1, false, 0, 1, 1), Err(too_many("p")));
    assert_eq!(m_per_class_units(0, 0, &layout, 3, 1, 0, 1, 1), Err(too_many("group")));
    let message = pk_batches(0, 0, &layout, 0, 1, false, 0, 1, 1).unwrap_err().to_string();
    assert_eq!(message, "p must be in [1, 2**64), got p=0");
    let message = m_per_class_units(0, 0, &layout, 1, 0, 0, 1, 1).unwrap_err().to_string();
    assert_eq!(message, "m must be in [1, 2**64), got m=0");
    // The last batch's draws: (b + 1)·P·K ≤ 2^63.
    let last = (1u64 << 62) - 1;
    assert!(pk_batches(0, 0, &layout, 2, 1, true, last, 1, 1).is_ok());
    let error = pk_batches(0, 0, &layout, 2, 1, true, last + 1, 1, 1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "(b + 1) * p * k must be <= 2**63 for the last b = start + (count - 1) * stride, got b=4611686018427387904, \
         p=2, k=1"
    );
    assert!(matches!(
        pk_batches(0, 0, &layout, 1, 2, true, 0, 3, last),
        Err(EngineError::DrawsPastLimit { .. })
    ));
    // m-per-class: unit u reads block u, positions below (u + 1)·C.
    assert!(m_per_class_units(0, 0, &layout, 1, 1, last, 1, 1).is_ok());
    assert_eq!(
        m_per_class_units(0, 0, &layout, 1, 1, last + 1, 1, 1),
        Err(EngineError::BlocksPastLimit {
            unit: u128::from(last + 1),
            classes: 2
        })
    );
    // Nothing read, nothing refused but the span and the epoch.
    assert_eq!(pk_batches(0, 0, &layout, 2, 2, false, u64::MAX - 1, 0, 1), Ok(vec![]));
    assert!(pk_batches(0, 1 << 56, &layout, 2, 2, false, 0, 0, 1).is_err());
    assert!(pk_batches(0, 0, &layout, 2, 2, false, 0, 1, 0).is_err());
    // count · P · K past memory is refused, not aborted.
    assert!(matches!(
        pk_batches(0, 0, &layout, 1, 1 << 61, true, 0, 2, 1),
        Err(EngineError::Allocation { .. })
    ));
}
