//! The Rust core against tests/golden/vectors.json (from the reference by tests/golden/generate.py; pytest reads it too).

use ferrosampler::SPEC_VERSION;
use ferrosampler::classes::{ClassLayout, pk_draws};
use ferrosampler::keystream::{expand_seed, keystream_words};
use ferrosampler::permutation::permutation_stream;
use ferrosampler::sharding::strided_permutation;
use ferrosampler::uniform::uniform_draws;
use ferrosampler::weights::{AliasTable, WeightTable, integer_weights, weighted_without_replacement};
use serde_json::Value;

fn vectors() -> Value {
    let text = include_str!("golden/vectors.json");
    serde_json::from_str(text).expect("golden vectors are valid JSON")
}

fn u64_of(case: &Value, key: &str) -> u64 {
    case[key].as_u64().unwrap_or_else(|| panic!("{key} is a u64 in {case}"))
}

fn ints(case: &Value, key: &str) -> Vec<i64> {
    case[key]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_u64().expect("int") as i64)
        .collect()
}

fn uints(case: &Value, key: &str) -> Vec<u64> {
    case[key]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_u64().expect("int"))
        .collect()
}

fn weights_of(case: &Value) -> Vec<f64> {
    case["weights"]
        .as_array()
        .expect("array")
        .iter()
        .map(|w| parse_hex_float(w.as_str().expect("str")))
        .collect()
}

/// Parses Python's float.hex() output ("0x1.8000000000000p+1", "0x0.0p+0").
fn parse_hex_float(text: &str) -> f64 {
    let body = text.strip_prefix("0x").expect("hex float");
    let (mantissa, exponent) = body.split_once('p').expect("exponent");
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value = u64::from_str_radix(whole, 16).expect("hex") as f64;
    let mut scale = 1.0 / 16.0;
    for digit in fraction.chars() {
        value += digit.to_digit(16).expect("hex digit") as f64 * scale;
        scale /= 16.0;
    }
    let exponent: i32 = exponent.parse().expect("exponent");
    // Scale in two steps so subnormal results are exact.
    value * 2f64.powi(exponent / 2) * 2f64.powi(exponent - exponent / 2)
}

#[test]
fn spec_version_is_one() {
    assert_eq!(vectors()["spec_version"], 1);
    assert_eq!(SPEC_VERSION, 1);
}

#[test]
fn expand_seed_matches() {
    for case in vectors()["expand_seed"].as_array().unwrap() {
        let key: Vec<u64> = expand_seed(u64_of(case, "seed"))
            .iter()
            .map(|&w| u64::from(w))
            .collect();
        assert_eq!(key, uints(case, "key"));
    }
}

#[test]
fn keystream_words_match() {
    for case in vectors()["keystream_words"].as_array().unwrap() {
        let words: Vec<u64> = keystream_words(
            u64_of(case, "seed"),
            u64_of(case, "purpose") as u8,
            u64_of(case, "epoch"),
            u64_of(case, "start"),
            u64_of(case, "count"),
        )
        .unwrap()
        .iter()
        .map(|&w| u64::from(w))
        .collect();
        assert_eq!(words, uints(case, "out"));
    }
}

#[test]
fn uniform_draws_match() {
    for c in vectors()["uniform_draws"].as_array().unwrap() {
        let out = uniform_draws(
            u64_of(c, "seed"),
            u64_of(c, "epoch"),
            u64_of(c, "n"),
            u64_of(c, "start"),
            u64_of(c, "count"),
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"));
    }
}

#[test]
fn permutation_stream_matches() {
    for c in vectors()["permutation_stream"].as_array().unwrap() {
        let out = permutation_stream(
            u64_of(c, "seed"),
            u64_of(c, "purpose") as u8,
            u64_of(c, "epoch"),
            u64_of(c, "n"),
            u64_of(c, "start"),
            u64_of(c, "count"),
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"));
    }
}

#[test]
fn strided_permutation_matches() {
    for c in vectors()["strided_permutation"].as_array().unwrap() {
        let out = strided_permutation(
            u64_of(c, "seed"),
            u64_of(c, "epoch"),
            u64_of(c, "n"),
            c["shuffle"].as_bool().unwrap(),
            u64_of(c, "first"),
            u64_of(c, "stride"),
            u64_of(c, "count"),
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"));
    }
}

#[test]
fn integer_weights_and_alias_tables_match() {
    for c in vectors()["integer_weights"].as_array().unwrap() {
        let q = integer_weights(&weights_of(c)).expect("valid weights");
        assert_eq!(q, uints(c, "q"));
        let (threshold, alias) = AliasTable::build(&q).unwrap().columns().unwrap();
        assert_eq!(threshold, uints(c, "threshold"));
        assert_eq!(
            alias.iter().map(|&a| u64::from(a)).collect::<Vec<_>>(),
            uints(c, "alias")
        );
    }
}

#[test]
fn alias_draws_match() {
    for c in vectors()["alias_draws"].as_array().unwrap() {
        let (seed, epoch, start, count) = (
            u64_of(c, "seed"),
            u64_of(c, "epoch"),
            u64_of(c, "start"),
            u64_of(c, "count"),
        );
        let table = AliasTable::build(&integer_weights(&weights_of(c)).unwrap()).unwrap();
        assert_eq!(table.draws(seed, epoch, start, count).unwrap(), ints(c, "out"));
        let weights = WeightTable::new(&weights_of(c)).unwrap();
        assert_eq!(weights.alias_draws(seed, epoch, start, count).unwrap(), ints(c, "out"));
    }
}

#[test]
fn without_replacement_matches() {
    for c in vectors()["without_replacement"].as_array().unwrap() {
        let q = integer_weights(&weights_of(c)).unwrap();
        let (seed, epoch, k) = (u64_of(c, "seed"), u64_of(c, "epoch"), u64_of(c, "k"));
        assert_eq!(
            weighted_without_replacement(&q, seed, epoch, k).unwrap(),
            ints(c, "out")
        );
        let table = WeightTable::from_integer_weights(q).unwrap();
        assert_eq!(table.without_replacement(seed, epoch, k).unwrap(), ints(c, "out"));
    }
}

#[test]
fn pk_draws_match() {
    for c in vectors()["pk_draws"].as_array().unwrap() {
        let layout = ClassLayout::new(ints(c, "rows"), ints(c, "offsets")).unwrap();
        let out = pk_draws(
            u64_of(c, "seed"),
            u64_of(c, "epoch"),
            &layout,
            &ints(c, "class_order"),
            u64_of(c, "num_val"),
            u64_of(c, "start"),
            u64_of(c, "count"),
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"));
    }
}
