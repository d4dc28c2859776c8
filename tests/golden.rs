//! The Rust core against tests/golden/vectors.json (from the reference by tests/golden/generate.py; pytest reads it too).

use ferrosampler::SPEC_VERSION;
use ferrosampler::classes::{ClassLayout, pk_draws};
use ferrosampler::keystream::{expand_seed, keystream_words};
use ferrosampler::mixture::MixturePlan;
use ferrosampler::permutation::{
    Bijection, Permutation, feistel_values, fisher_yates_prefix, inverse_permutation, permutation_stream, round_keys,
};
use ferrosampler::sharding::strided_permutation;
use ferrosampler::uniform::uniform_draws;
use ferrosampler::weights::{
    Algorithm, AliasTable, WeightTable, exponential, integer_weights, weighted_keys, weighted_without_replacement,
};
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
fn spec_versions() {
    assert_eq!(vectors()["spec_version"], 1);
    assert_eq!(SPEC_VERSION, 3);
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
            1,
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
            Permutation::FisherYates,
            1,
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
            Permutation::FisherYates,
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
        assert_eq!(table.draws(seed, epoch, start, count, 1).unwrap(), ints(c, "out"));
        let weights = WeightTable::new(&weights_of(c)).unwrap();
        assert_eq!(
            weights.alias_draws(seed, epoch, start, count, 1).unwrap(),
            ints(c, "out")
        );
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
        assert_eq!(
            table
                .without_replacement(seed, epoch, k, Algorithm::Sequential)
                .unwrap(),
            ints(c, "out")
        );
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
            1,
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"));
    }
}

// Spec v2 (tests/golden/vectors-v2.json, from tests/golden/generate_v2.py): the Feistel bijection and strided reads.

fn vectors_v2() -> Value {
    serde_json::from_str(include_str!("golden/vectors-v2.json")).expect("golden vectors are valid JSON")
}

fn permutation_of(case: &Value) -> Permutation {
    let name = case["permutation"].as_str().expect("permutation");
    Permutation::from_name(name).expect("a known permutation")
}

#[test]
fn v2_spec_version() {
    assert_eq!(vectors_v2()["spec_version"], 2);
}

#[test]
fn v2_bijections_match() {
    for c in vectors_v2()["bijections"].as_array().unwrap() {
        let (seed, purpose, epoch) = (u64_of(c, "seed"), u64_of(c, "purpose") as u8, u64_of(c, "epoch"));
        let (n, block) = (u64_of(c, "n"), u64_of(c, "block"));
        let bijection = Bijection::for_block(seed, purpose, epoch, n, block).unwrap();
        assert_eq!(u64::from(bijection.width()), u64_of(c, "width"));
        if !c["round_keys"].is_null() {
            assert_eq!(
                round_keys(seed, purpose, epoch, block).unwrap().to_vec(),
                uints(c, "round_keys")
            );
        }
        let offsets = uints(c, "offsets");
        let values = feistel_values(seed, purpose, epoch, n, block, &offsets).unwrap();
        assert_eq!(values, ints(c, "values"), "n={n}");
        for (&offset, &value) in offsets.iter().zip(&values) {
            assert_eq!(bijection.apply(offset), value as u64);
            assert_eq!(bijection.inverse(value as u64), offset);
        }
    }
}

#[test]
fn v2_permutation_streams_match() {
    for c in vectors_v2()["permutation_stream"].as_array().unwrap() {
        let out = permutation_stream(
            u64_of(c, "seed"),
            u64_of(c, "purpose") as u8,
            u64_of(c, "epoch"),
            u64_of(c, "n"),
            u64_of(c, "start"),
            u64_of(c, "count"),
            permutation_of(c),
            u64_of(c, "stride"),
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"), "{c}");
    }
    for c in vectors_v2()["strided_permutation"].as_array().unwrap() {
        let out = strided_permutation(
            u64_of(c, "seed"),
            u64_of(c, "epoch"),
            u64_of(c, "n"),
            c["shuffle"].as_bool().unwrap(),
            u64_of(c, "first"),
            u64_of(c, "stride"),
            u64_of(c, "count"),
            permutation_of(c),
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"), "{c}");
    }
}

#[test]
fn v2_strided_draws_match() {
    let v = vectors_v2();
    for c in v["uniform_draws"].as_array().unwrap() {
        let (seed, epoch, n) = (u64_of(c, "seed"), u64_of(c, "epoch"), u64_of(c, "n"));
        let (start, count, stride) = (u64_of(c, "start"), u64_of(c, "count"), u64_of(c, "stride"));
        assert_eq!(
            uniform_draws(seed, epoch, n, start, count, stride).unwrap(),
            ints(c, "out")
        );
    }
    for c in v["alias_draws"].as_array().unwrap() {
        let table = WeightTable::new(&weights_of(c)).unwrap();
        let (seed, epoch) = (u64_of(c, "seed"), u64_of(c, "epoch"));
        let (start, count, stride) = (u64_of(c, "start"), u64_of(c, "count"), u64_of(c, "stride"));
        assert_eq!(
            table.alias_draws(seed, epoch, start, count, stride).unwrap(),
            ints(c, "out")
        );
    }
    for c in v["pk_draws"].as_array().unwrap() {
        let layout = ClassLayout::new(ints(c, "rows"), ints(c, "offsets")).unwrap();
        let out = pk_draws(
            u64_of(c, "seed"),
            u64_of(c, "epoch"),
            &layout,
            &ints(c, "class_order"),
            u64_of(c, "num_val"),
            u64_of(c, "start"),
            u64_of(c, "count"),
            u64_of(c, "stride"),
        )
        .unwrap();
        assert_eq!(out, ints(c, "out"));
    }
}

// Spec §23: tests/golden/vectors-mixture.json (tests/golden/generate_mixture.py).

fn vectors_mixture() -> Value {
    serde_json::from_str(include_str!("golden/vectors-mixture.json")).expect("golden vectors are valid JSON")
}

fn wide(case: &Value, key: &str) -> Vec<i128> {
    uints(case, key).into_iter().map(i128::from).collect()
}

fn mixture_plans(v: &Value) -> std::collections::HashMap<String, MixturePlan> {
    let mut plans = std::collections::HashMap::new();
    for (name, p) in v["plans"].as_object().unwrap() {
        let plan = MixturePlan::new(
            &wide(p, "sizes"),
            &wide(p, "starts"),
            &weights_of(p),
            i128::from(u64_of(p, "num_samples")),
        )
        .unwrap();
        let masses: Vec<Vec<u64>> = p["masses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row.as_array().unwrap().iter().map(|m| m.as_u64().unwrap()).collect())
            .collect();
        assert_eq!(plan.masses().unwrap(), masses, "{name}");
        assert_eq!(plan.offsets(), uints(p, "offsets"), "{name}");
        plans.insert(name.clone(), plan);
    }
    plans
}

#[test]
fn mixture_draws_match() {
    let v = vectors_mixture();
    assert_eq!(u64_of(&v, "block"), ferrosampler::mixture::BLOCK);
    let plans = mixture_plans(&v);
    for c in v["draws"].as_array().unwrap() {
        let plan = &plans[c["plan"].as_str().unwrap()];
        let (seed, epoch) = (u64_of(c, "seed"), u64_of(c, "epoch"));
        let (start, count, stride) = (u64_of(c, "start"), u64_of(c, "count"), u64_of(c, "stride"));
        assert_eq!(
            plan.draws(seed, epoch, start, count, stride).unwrap(),
            ints(c, "out"),
            "{c:?}"
        );
    }
}

#[test]
fn mixture_slots_match() {
    let v = vectors_mixture();
    let plans = mixture_plans(&v);
    for c in v["slots"].as_array().unwrap() {
        let plan = &plans[c["plan"].as_str().unwrap()];
        let (phase, g) = (u64_of(c, "phase"), u64_of(c, "g"));
        let (s, j) = plan.slot_source(phase, g).unwrap();
        assert_eq!((s as u64, j), (u64_of(c, "source"), u64_of(c, "index")));
        for (t, &count) in uints(c, "counts").iter().enumerate() {
            assert_eq!(
                plan.slot_count(phase, t as u64, u128::from(g)).unwrap(),
                u128::from(count)
            );
        }
    }
}

#[test]
fn mixture_exhausted_lengths_match() {
    let v = vectors_mixture();
    for c in v["exhausted"].as_array().unwrap() {
        let all_sources = c["all_sources"].as_bool().unwrap();
        let got = MixturePlan::exhausted_length(&wide(c, "sizes"), &weights_of(c), all_sources);
        match &c["length"] {
            Value::String(message) => assert_eq!(got.unwrap_err().to_string(), *message),
            length => assert_eq!(got.unwrap(), length.as_u64().unwrap()),
        }
    }
}

// Spec §25 (tests/golden/vectors-provenance.json, from tests/golden/generate_provenance.py): the inverse permutation.

#[test]
fn inverse_permutations_match() {
    let v: Value = serde_json::from_str(include_str!("golden/vectors-provenance.json")).expect("valid JSON");
    assert_eq!(v["spec_version"], 2); // written under v2; v3 changed none of its outputs
    for c in v["inverse_permutation"].as_array().unwrap() {
        let (seed, purpose, epoch) = (u64_of(c, "seed"), u64_of(c, "purpose") as u8, u64_of(c, "epoch"));
        let (n, block, permutation) = (u64_of(c, "n"), u64_of(c, "block"), permutation_of(c));
        let values = ints(c, "values");
        let offsets = inverse_permutation(seed, purpose, epoch, n, block, &values, permutation).unwrap();
        assert_eq!(offsets, ints(c, "offsets"), "n={n} block={block} {permutation:?}");
        // Each offset maps forward to its value: the block read through §5's own forward functions.
        let forward: Vec<i64> = match permutation {
            Permutation::FisherYates => {
                let block_values = fisher_yates_prefix(seed, purpose, epoch, n, block, n).unwrap();
                offsets.iter().map(|&q| block_values[q as usize]).collect()
            }
            Permutation::Feistel => {
                let bijection = Bijection::for_block(seed, purpose, epoch, n, block).unwrap();
                offsets.iter().map(|&q| bijection.apply(q as u64) as i64).collect()
            }
        };
        assert_eq!(forward, values, "n={n} block={block} {permutation:?}");
    }
}

// Spec v3 (tests/golden/vectors-v3.json, from tests/golden/generate_v3.py): exponential keys (§8.2).

fn vectors_v3() -> Value {
    serde_json::from_str(include_str!("golden/vectors-v3.json")).expect("golden vectors are valid JSON")
}

#[test]
fn v3_spec_version() {
    assert_eq!(vectors_v3()["spec_version"], u64::from(SPEC_VERSION));
}

#[test]
fn exponential_matches() {
    for c in vectors_v3()["exponential"].as_array().unwrap() {
        let x = c["x"].as_u64().expect("x");
        assert_eq!(exponential(x).to_bits(), u64_of(c, "bits"), "x={x}");
    }
}

#[test]
fn weighted_keys_match() {
    for c in vectors_v3()["weighted_keys"].as_array().unwrap() {
        let table = WeightTable::new(&weights_of(c)).unwrap();
        let (seed, epoch) = (u64_of(c, "seed"), u64_of(c, "epoch"));
        for s in c["selections"].as_array().unwrap() {
            let k = u64_of(s, "k");
            let out = ints(s, "out");
            assert_eq!(weighted_keys(table.masses(), seed, epoch, k).unwrap(), out, "k={k}");
            assert_eq!(
                table.without_replacement(seed, epoch, k, Algorithm::Keys).unwrap(),
                out,
                "k={k}"
            );
        }
    }
}
