//! Criterion benchmarks of every engine function at 10^6 outputs (`cargo bench`; `--no-run` only builds).
//! The machine is shared: compare variants by instruction counts (perf stat, callgrind) as well.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ferrosampler::classes::{ClassLayout, pk_draws};
use ferrosampler::keystream::keystream_words;
use ferrosampler::permutation::{Permutation, permutation_stream};
use ferrosampler::sharding::strided_permutation;
use ferrosampler::uniform::uniform_draws;
use ferrosampler::weights::{WeightTable, integer_weights, weighted_without_replacement};

const N: u64 = 1_000_000;

/// Deterministic weights in (0.01, 1.01).
fn weights(n: u64) -> Vec<f64> {
    let mut state = 1u64;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64 + 0.01
        })
        .collect()
}

fn engine(c: &mut Criterion) {
    let w = weights(N);
    let table = WeightTable::new(&w).unwrap();
    table.alias().unwrap();
    let masses = table.masses().to_vec();
    let layout = ClassLayout::new((0..1000).collect(), (0..=100).map(|c| c * 10).collect()).unwrap();
    let order: Vec<i64> = (0..1000).map(|i| i % 100).collect();

    let mut group = c.benchmark_group("engine_1e6");
    group.sample_size(10);
    group.bench_function("keystream_words", |b| {
        b.iter(|| keystream_words(1, 0, 0, 0, N).unwrap())
    });
    group.bench_function("uniform_draws", |b| b.iter(|| uniform_draws(1, 0, N, 0, N, 1).unwrap()));
    group.bench_function("uniform_draws_stride_1000", |b| {
        b.iter(|| uniform_draws(1, 0, N, 5, N / 10, 1000).unwrap())
    });
    group.bench_function("permutation_stream_feistel", |b| {
        b.iter(|| permutation_stream(1, 0, 0, N, 0, N, Permutation::Feistel, 1).unwrap())
    });
    group.bench_function("permutation_stream_fisher_yates", |b| {
        b.iter(|| permutation_stream(1, 0, 0, N, 0, N, Permutation::FisherYates, 1).unwrap())
    });
    group.bench_function("strided_permutation_rank3_of8", |b| {
        b.iter(|| strided_permutation(1, 0, 8 * N, true, 3, 8, N, Permutation::Feistel).unwrap())
    });
    group.bench_function("integer_weights", |b| {
        b.iter(|| integer_weights(black_box(&w)).unwrap())
    });
    group.bench_function("weight_table_and_alias_build", |b| {
        b.iter(|| {
            let t = WeightTable::new(black_box(&w)).unwrap();
            t.alias().unwrap();
            t
        })
    });
    group.bench_function("alias_draws", |b| b.iter(|| table.alias_draws(1, 0, 0, N, 1).unwrap()));
    group.bench_function("weighted_without_replacement", |b| {
        b.iter(|| weighted_without_replacement(&masses, 1, 0, N).unwrap())
    });
    group.bench_function("pk_draws", |b| {
        b.iter(|| pk_draws(1, 0, &layout, &order, N / 1000, 0, N, 1).unwrap())
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
