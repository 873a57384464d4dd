//! Resolve latency on a generated dataset, against a hash-map floor.
//!
//! ```text
//! TRADETERMS_BENCH_SIZE=medium cargo bench --bench resolve -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! `TRADETERMS_BENCH_SIZE` is `small` (default, so `cargo bench` stays quick), `medium` or
//! `large`. The snapshot is built once. Benchmarks:
//!
//! - `resolve/repeated_key`: one query (a contract-priced line, see `generate::probe_query`)
//!   resolved again and again: the hot-cache case.
//! - `resolve/random_keys`: pre-generated random (account, entitled user, SKU, qty) queries,
//!   cycled through.
//! - `quote/repeated_key`, `quote/random_keys`: the same questions through `Snapshot::quote`,
//!   the same decision without the explanation (no allocation).
//! - `resolve/random_keys_in_contexts`, `quote/random_keys_in_contexts` (issue 12): the same
//!   keys on the same data with channels, ship-to countries, second currencies and units
//!   (`generate::with_contexts`), asked in contexts and units (`generate::in_contexts`).
//! - `floor/hashmap_random_keys`: the answers to the same random keys precomputed into a
//!   `HashMap<(AccountId, Sku), Decimal>` (the amount only) and looked up in the same sequence:
//!   the cost of the cheapest possible "pricing engine". `random_keys / floor` is the price of
//!   computing and explaining the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    reason = "bench code: a panic aborts the bench, and its arithmetic runs on small generated values"
)]

mod common;
use common::{SEED, size};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::HashMap;
use std::hint::black_box;
use tradeterms::generate::{self, Spec};
use tradeterms::{AccountId, Decimal, Outcome, Sku, Snapshot};

/// Number of distinct random keys cycled through (a power of two).
const KEYS: usize = 1 << 14;

fn bench(c: &mut Criterion) {
    let size = size();
    let dataset = generate::dataset(&Spec::for_size(size), SEED);
    let snapshot = Snapshot::from_dataset(&dataset).expect("generated data builds");
    let probe = generate::probe_query(&dataset).expect("a probe account exists");
    let queries = generate::queries(&dataset, KEYS, SEED);
    // Issue 12: the same data with channels, countries, second currencies and units, asked
    // the same queries in contexts and units.
    let dataset_ctx = generate::with_contexts(dataset.clone());
    let snapshot_ctx = Snapshot::from_dataset(&dataset_ctx).expect("generated data builds");
    let queries_ctx = generate::in_contexts(&dataset_ctx, queries.clone());
    drop(dataset_ctx);
    drop(dataset);
    assert_eq!(queries.len(), KEYS);
    let (mut priced, mut candidates) = (0usize, 0usize);
    for q in &queries {
        match snapshot.resolve(q).unwrap().outcome {
            Outcome::Priced(p) => {
                priced += 1;
                candidates += p.candidates.len();
            }
            Outcome::QuoteRequired(r) => candidates += r.candidates.len(),
            _ => {}
        }
    }
    eprintln!(
        "size {size}: {} price entries; {priced} of {KEYS} random keys priced, {:.2} candidate lists per answer; probe {} / {} / {} ({} candidates)",
        snapshot.price_entry_count(),
        candidates as f64 / KEYS as f64,
        probe.account,
        probe.user,
        probe.sku,
        match snapshot.resolve(&probe).unwrap().outcome {
            Outcome::Priced(p) => p.candidates.len(),
            _ => 0,
        }
    );

    let mut group = c.benchmark_group("resolve");
    group.bench_function("repeated_key", |b| {
        b.iter(|| snapshot.resolve(black_box(&probe)))
    });
    group.bench_function("random_keys", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let q = &queries[i & (KEYS - 1)];
            i = i.wrapping_add(1);
            snapshot.resolve(black_box(q))
        })
    });
    group.bench_function("random_keys_in_contexts", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let q = &queries_ctx[i & (KEYS - 1)];
            i = i.wrapping_add(1);
            snapshot_ctx.resolve(black_box(q))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("quote");
    group.bench_function("repeated_key", |b| {
        b.iter(|| snapshot.quote(black_box(&probe)))
    });
    group.bench_function("random_keys", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let q = &queries[i & (KEYS - 1)];
            i = i.wrapping_add(1);
            snapshot.quote(black_box(q))
        })
    });
    group.bench_function("random_keys_in_contexts", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let q = &queries_ctx[i & (KEYS - 1)];
            i = i.wrapping_add(1);
            snapshot_ctx.quote(black_box(q))
        })
    });
    group.finish();

    let mut floor: HashMap<(AccountId, Sku), Decimal> = HashMap::with_capacity(KEYS);
    for q in &queries {
        let amount = match snapshot.resolve(q).unwrap().outcome {
            Outcome::Priced(p) => p.price.amount,
            _ => Decimal::ZERO,
        };
        floor.insert((q.account.clone(), q.sku.clone()), amount);
    }
    let keys: Vec<(AccountId, Sku)> = queries
        .iter()
        .map(|q| (q.account.clone(), q.sku.clone()))
        .collect();
    let mut group = c.benchmark_group("floor");
    group.bench_function("hashmap_random_keys", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let k = &keys[i & (KEYS - 1)];
            i = i.wrapping_add(1);
            floor.get(black_box(k)).copied()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
