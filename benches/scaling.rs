//! Does resolving get slower as price lists that do not apply pile up?
//!
//! ```text
//! cargo bench --bench scaling -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! One fixed probe query (a contract-priced line) is resolved on datasets whose total number of
//! price lists is 10, 100, 1,000, 10,000 and 100,000. The lists that apply to the probe account
//! are the same in every dataset: the extra lists (one to three entries each, so that 100,000 of
//! them build quickly) are assigned to other accounts, to subtrees not containing the probe and
//! to segments without it (`generate::with_extra_lists`). A flat line means the cost is
//! proportional to the lists that apply, not to the lists that exist.
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

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Instant;
use tradeterms::Snapshot;
use tradeterms::generate::{self, Size, Spec};

const SEED: u64 = 7;
const TOTAL_LISTS: [usize; 5] = [10, 100, 1_000, 10_000, 100_000];

fn bench(c: &mut Criterion) {
    // A base with few lists (2 public, 4 contracts, 1 segment list, 1 relative list) and many
    // accounts for the extra lists to land on.
    let spec = Spec {
        accounts: 2_000,
        skus: 2_000,
        contract_accounts: 4,
        contract_lists: 1..=1,
        segments: 2,
        segment_lists: 1,
        segment_list_percent: 50,
        relative_lists: 1,
        ..Spec::for_size(Size::Small)
    };
    let base = generate::dataset(&spec, SEED);
    let probe = generate::probe_query(&base).expect("a probe account exists");
    let base_lists = base.price_lists.len();
    assert!(
        base_lists <= TOTAL_LISTS[0],
        "{base_lists} lists in the base"
    );
    let reference = Snapshot::from_dataset(&base)
        .unwrap()
        .resolve(&probe)
        .unwrap();
    assert!(reference.outcome.price().is_some(), "the probe is priced");

    let mut group = c.benchmark_group("scaling");
    for total in TOTAL_LISTS {
        let dataset =
            generate::with_extra_lists(base.clone(), total - base_lists, &probe.account, SEED);
        let started = Instant::now();
        let snapshot = Snapshot::from_dataset(&dataset).expect("generated data builds");
        eprintln!(
            "{total} lists ({} entries): built in {:.2?}",
            snapshot.price_entry_count(),
            started.elapsed()
        );
        drop(dataset);
        // The lists that apply are fixed: the answer does not change.
        assert_eq!(snapshot.resolve(&probe).unwrap().outcome, reference.outcome);
        group.bench_with_input(BenchmarkId::from_parameter(total), &snapshot, |b, s| {
            b.iter(|| s.resolve(black_box(&probe)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
