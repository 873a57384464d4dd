//! `Snapshot::from_dataset` on a generated dataset.
//!
//! ```text
//! TRADETERMS_BENCH_SIZE=medium cargo bench --bench build
//! ```
//!
//! `TRADETERMS_BENCH_SIZE` is `small` (default), `medium` or `large`. The snapshot is dropped
//! outside the measured time.
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
use std::hint::black_box;
use tradeterms::Snapshot;
use tradeterms::generate::{self, Spec};

fn bench(c: &mut Criterion) {
    let size = size();
    let dataset = generate::dataset(&Spec::for_size(size), SEED);
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function(size.to_string(), |b| {
        b.iter_with_large_drop(|| Snapshot::from_dataset(black_box(&dataset)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
