//! Length-grouped batches (spec §24) against tests/golden/vectors-lengths.json (from the reference by
//! tests/golden/generate_lengths.py; pytest reads it too), plus the thread, split and plan properties.

use std::collections::HashMap;

use ferrosampler::lengths::{Grouping, LengthPlan, LengthTable};
use ferrosampler::permutation::Permutation;
use ferrosampler::threads::{DEFAULT_MIN_CHUNK, num_threads, set_min_chunk, set_num_threads};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("golden/vectors-lengths.json")).expect("golden vectors are valid JSON")
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

fn grouping_of(case: &Value) -> Grouping {
    let permutation = Permutation::from_name(case["permutation"].as_str().unwrap()).unwrap();
    Grouping::new(
        case["batch_size"].as_u64(),
        case["max_tokens"].as_u64(),
        u64_of(case, "window"),
        u64_of(case, "group"),
        case["shuffle"].as_bool().unwrap(),
        case["drop_last"].as_bool().unwrap(),
        permutation,
    )
    .unwrap()
}

fn plan_of(golden: &Value, case: &Value) -> LengthPlan {
    let table = LengthTable::new(ints(&golden["tables"][case["table"].as_str().unwrap()])).unwrap();
    table
        .plan(u64_of(case, "seed"), u64_of(case, "epoch"), &grouping_of(case))
        .unwrap()
}

#[test]
fn plans_match_the_golden_vectors() {
    let golden = vectors();
    let cases = golden["plans"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let plan = plan_of(&golden, case);
        assert_eq!(plan.num_batches(), u64_of(case, "num_batches"), "{case}");
        assert_eq!(plan.num_steps(), u64_of(case, "num_steps"), "{case}");
        assert_eq!(plan.distinct_batches(), u64_of(case, "distinct_batches"), "{case}");
        for read in case["reads"].as_array().unwrap() {
            let (start, count, stride) = (u64_of(read, "start"), u64_of(read, "count"), u64_of(read, "stride"));
            let (indices, offsets) = plan.batches(start, count, stride).unwrap();
            assert_eq!(indices, ints(&read["indices"]), "{case}");
            assert_eq!(offsets, ints(&read["offsets"]), "{case}");
        }
    }
}

/// Lengths with many ties, zeros and a long tail, from a seeded generator.
fn lengths(n: usize, seed: u64) -> Vec<i64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = state >> 33;
            ((x % 97) * (x % 13) / 3) as i64
        })
        .collect()
}

fn whole(plan: &LengthPlan) -> (Vec<i64>, Vec<i64>) {
    plan.batches(0, plan.num_batches(), 1).unwrap()
}

#[test]
fn the_plan_does_not_depend_on_threads_or_chunks() {
    let table = LengthTable::new(lengths(200_000, 5)).unwrap();
    let groupings = [
        Grouping::new(Some(16), None, 1024, 8, true, false, Permutation::Feistel).unwrap(),
        Grouping::new(None, Some(2000), 3000, 3, true, true, Permutation::Feistel).unwrap(),
    ];
    let saved = num_threads();
    for grouping in &groupings {
        set_num_threads(1).unwrap();
        let serial = whole(&table.plan(9, 4, grouping).unwrap());
        for (threads, chunk) in [(2, 1), (3, 1000), (8, 1 << 13), (4, DEFAULT_MIN_CHUNK as u64)] {
            set_num_threads(threads).unwrap();
            set_min_chunk(chunk).unwrap();
            assert_eq!(
                whole(&table.plan(9, 4, grouping).unwrap()),
                serial,
                "{threads} threads, chunk {chunk}"
            );
        }
    }
    set_num_threads(saved as u64).unwrap();
    set_min_chunk(DEFAULT_MIN_CHUNK as u64).unwrap();
}

#[test]
fn any_run_of_positions_is_the_same_positions_read_alone() {
    let table = LengthTable::new(lengths(5000, 2)).unwrap();
    let grouping = Grouping::new(Some(7), None, 70, 3, true, false, Permutation::Feistel).unwrap();
    let plan = table.plan(1, 0, &grouping).unwrap();
    let n = plan.num_batches();
    let (all, offsets) = whole(&plan);
    let batch = |p: u64| {
        let p = (p % n) as usize;
        all[offsets[p] as usize..offsets[p + 1] as usize].to_vec()
    };
    for (start, count, stride) in [(0, n, 1), (5, 40, 3), (n - 2, 7, 1), (2, 100, n + 1)] {
        let (indices, offsets) = plan.batches(start, count, stride).unwrap();
        for c in 0..count as usize {
            let got = &indices[offsets[c] as usize..offsets[c + 1] as usize];
            assert_eq!(
                got,
                batch(start + c as u64 * stride).as_slice(),
                "({start}, {count}, {stride}) at {c}"
            );
        }
    }
}

#[test]
fn steps_are_balanced_and_every_batch_is_served_once() {
    // Lengths from 10 to about 1200 (no empty samples: a step of empty batches has no ratio).
    let lengths: Vec<i64> = lengths(20_000, 3).iter().map(|l| 10 + 3 * l).collect();
    let table = LengthTable::new(lengths.clone()).unwrap();
    let grouping = Grouping::new(Some(32), None, 32 * 64, 8, true, false, Permutation::Feistel).unwrap();
    let plan = table.plan(4, 2, &grouping).unwrap();
    let (indices, offsets) = whole(&plan);
    let batches: Vec<&[i64]> = offsets
        .windows(2)
        .map(|w| &indices[w[0] as usize..w[1] as usize])
        .collect();
    let tokens = |b: &[i64]| b.len() as f64 * b.iter().map(|&i| lengths[i as usize]).max().unwrap() as f64;
    let mut ratios = 0.0;
    for step in batches.chunks(8) {
        let t: Vec<f64> = step.iter().map(|b| tokens(b)).collect();
        ratios += t.iter().cloned().fold(0.0, f64::max) / t.iter().cloned().fold(f64::MAX, f64::min);
    }
    assert!(ratios / (batches.len() / 8) as f64 <= 1.1);
    // 625 batches: the partial step holds 1 and repeats it 7 times.
    let mut count: HashMap<&[i64], usize> = HashMap::new();
    for batch in &batches {
        *count.entry(batch).or_default() += 1;
    }
    assert_eq!(plan.distinct_batches(), 625);
    assert_eq!(count.len(), 625);
    assert_eq!(count.values().filter(|&&c| c == 8).count(), 1);
    let mut seen: Vec<i64> = count.keys().flat_map(|b| b.iter().copied()).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..20_000).collect::<Vec<i64>>());
}
