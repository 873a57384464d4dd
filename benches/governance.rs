//! Governance costs: applying a price change, previewing a contract change, and the memory a
//! new version retains.
//!
//! ```text
//! TRADETERMS_BENCH_SIZE=medium cargo bench --bench governance -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! `TRADETERMS_BENCH_SIZE` is `small` (default, so `cargo bench` stays quick), `medium` or
//! `large`. The snapshot is built once. Benchmarks:
//!
//! - `apply/one_price`: `Snapshot::apply` of a changeset with one `Op::SetEntry` replacing an
//!   existing entry of the public USD list (every SKU of the catalogue; the entry in the middle
//!   of the list, every tier 1.00 dearer), against the base version. Only `apply` is timed: the
//!   base snapshot is cloned in the batch setup and the new version is dropped after the batch.
//! - `apply/one_account`: `Snapshot::apply` of a changeset upserting one existing child account
//!   with a new name (the account-tree path: its subtree's rules recomputed, the flat array of
//!   every account's precomputed rules copied once), timed the same way.
//! - `impact/one_list_change`: `before.impact(&after, &ImpactOptions::at(generate::AT))`, where
//!   `after` is `before` with 10 entries of one contract list changed (every tier 3 % cheaper).
//!   The list is the first always-valid absolute contract list with at least 10 entries assigned
//!   to a subtree (else to one account). Ten samples at `large`. One call is timed before the
//!   benchmarks and printed; if it takes more than 10 s the criterion benchmark is skipped (its
//!   ten samples would take minutes) and that single timing is the figure.
//!
//! Printed once, before the benchmarks (outside any timing): the heap bytes retained per
//! version by a one-price change. A counting global allocator (below) adds up the bytes
//! allocated minus the bytes freed while counting is switched on; 100 successive one-price
//! changesets are applied (each against the version the previous one produced, on 100 SKUs
//! spread evenly over the public USD list), all 100 snapshots kept alive, and the change in live
//! bytes is divided by 100. It covers the copied chunk and index path of the list, the new list
//! vector's path, the snapshot header and the change-log entry (with the changeset it keeps).
//! Outside that window the allocator only pays one relaxed atomic load per call.
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
#![allow(
    unsafe_code,
    reason = "a counting global allocator measures the bytes a snapshot retains"
)]

mod common;
use common::{SEED, size};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};
use tradeterms::generate::{self, Size, Spec};
use tradeterms::{
    Changeset, Dataset, Decimal, Entity, EntryData, ImpactOptions, Op, PriceListData, PriceListId,
    Scope, Snapshot,
};

/// Versions applied for the retained-bytes figure.
const VERSIONS: usize = 100;
/// Entries changed in the contract list for the impact preview.
const CHANGED_ENTRIES: usize = 10;
/// Above this time for one impact preview (timed once, before the benchmarks), the criterion
/// benchmark of it is skipped: its ten samples would take minutes.
const IMPACT_LIMIT: Duration = Duration::from_secs(10);
const PUBLIC: &str = "public-usd";

/// Counts the net heap bytes allocated while `COUNTING` is on.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static NET: AtomicIsize = AtomicIsize::new(0);

fn count(bytes: usize, sign: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
        NET.fetch_add(sign * bytes, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `System` with the same arguments; the counters do not
// affect the allocations.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size(), 1);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size(), 1);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(layout.size(), -1);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(layout.size(), -1);
            count(new_size, 1);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn list<'d>(dataset: &'d Dataset, id: &str) -> &'d PriceListData {
    dataset
        .price_lists
        .iter()
        .find(|l| l.id.as_str() == id)
        .expect("the list exists")
}

/// `entry` with every tier's unit price mapped by `f`.
fn repriced(entry: &EntryData, f: impl Fn(Decimal) -> Decimal) -> EntryData {
    let mut e = entry.clone();
    for t in &mut e.tiers {
        t.unit_price = f(t.unit_price);
    }
    e
}

fn changeset(
    id: String,
    base_version: u64,
    list: &PriceListId,
    entries: Vec<EntryData>,
) -> Changeset {
    Changeset::new(
        id,
        "pricing@seller.example",
        "benchmark",
        generate::AT,
        base_version,
    )
    .with_ops(
        entries
            .into_iter()
            .map(|entry| Op::SetEntry {
                list: list.clone(),
                entry,
            })
            .collect(),
    )
}

/// The first always-valid absolute contract list with enough entries assigned to a subtree,
/// else to one account.
fn contract_list(dataset: &Dataset) -> &PriceListData {
    let usable = |subtree: bool| {
        dataset.assignments.iter().find_map(|a| {
            let scoped = match &a.scope {
                Scope::Subtree(_) => subtree,
                Scope::Account(_) => !subtree,
                _ => false,
            };
            let l = list(dataset, a.price_list.as_str());
            (scoped
                && a.valid.is_none()
                && l.valid.is_none()
                && l.relative.is_none()
                && !l.quote_only
                && l.entries.len() >= CHANGED_ENTRIES)
                .then_some(l)
        })
    };
    usable(true)
        .or_else(|| usable(false))
        .expect("a contract list qualifies")
}

/// Net heap bytes retained per version by `VERSIONS` successive one-price changes.
fn retained_per_version(base: &Snapshot, public: &PriceListData) -> (f64, isize, isize) {
    let id = PriceListId::new(PUBLIC);
    let stride = (public.entries.len() / VERSIONS).max(1);
    let mut versions: Vec<Snapshot> = Vec::with_capacity(VERSIONS);
    let mut steps: Vec<isize> = Vec::with_capacity(VERSIONS);
    NET.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::SeqCst);
    for i in 0..VERSIONS {
        let before = NET.load(Ordering::Relaxed);
        let current = versions.last().unwrap_or(base);
        let entry = &public.entries[(i * stride) % public.entries.len()];
        let cs = changeset(
            format!("price-{i:03}"),
            current.version(),
            &id,
            vec![repriced(entry, |p| p + Decimal::ONE)],
        );
        let next = current.apply(&cs).expect("the change applies");
        drop(cs);
        versions.push(next);
        steps.push(NET.load(Ordering::Relaxed) - before);
    }
    COUNTING.store(false, Ordering::SeqCst);
    let total = NET.load(Ordering::Relaxed);
    assert_eq!(versions.len(), VERSIONS);
    drop(versions);
    (
        total as f64 / VERSIONS as f64,
        steps.iter().copied().min().unwrap_or(0),
        steps.iter().copied().max().unwrap_or(0),
    )
}

fn bench(c: &mut Criterion) {
    let size = size();
    let dataset = generate::dataset(&Spec::for_size(size), SEED);
    let before = Snapshot::from_dataset(&dataset).expect("generated data builds");

    let public = list(&dataset, PUBLIC);
    let (per_version, min, max) = retained_per_version(&before, public);
    eprintln!(
        "size {size}: retained heap per version of a one-price change ({VERSIONS} successive versions of `{PUBLIC}`, {} entries): {per_version:.0} bytes on average (min {min}, max {max})",
        public.entries.len(),
    );

    let public_id = PriceListId::new(PUBLIC);
    let one_price = changeset(
        "one-price".into(),
        before.version(),
        &public_id,
        vec![repriced(&public.entries[public.entries.len() / 2], |p| {
            p + Decimal::ONE
        })],
    );

    // One account renamed: the account-tree path of `apply`, which recomputes the account's
    // subtree and copies the flat array of every account's precomputed rules once.
    let mut renamed = dataset
        .accounts
        .iter()
        .rev()
        .find(|a| a.parent.is_some())
        .expect("the generator makes child accounts")
        .clone();
    renamed.name = format!("{} (renamed)", renamed.name);
    let one_account = Changeset::new(
        "one-account",
        "accounts@seller.example",
        "benchmark",
        generate::AT,
        before.version(),
    )
    .with_ops(vec![Op::Upsert(Entity::Account(renamed))]);
    before.apply(&one_account).expect("the rename applies");

    let contract = contract_list(&dataset);
    let list_change = changeset(
        "one-list-change".into(),
        before.version(),
        &contract.id,
        contract
            .entries
            .iter()
            .take(CHANGED_ENTRIES)
            .map(|e| repriced(e, |p| (p * Decimal::new(97, 2)).round_dp(2)))
            .collect(),
    );
    let contract_id = contract.id.clone();
    drop(dataset);
    let after = before.apply(&list_change).expect("the list change applies");
    let options = ImpactOptions::at(generate::AT);
    let started = Instant::now();
    let impact = before
        .impact(&after, &options)
        .expect("the impact computes");
    let one_call = started.elapsed();
    eprintln!(
        "size {size}: impact of {CHANGED_ENTRIES} entries of `{contract_id}`: {} change(s), {} account(s), {} SKU(s) affected, {} pairs examined; one call took {one_call:.2?}",
        impact.changes.len(),
        impact.accounts_affected,
        impact.skus_affected,
        impact.pairs_examined,
    );

    let mut group = c.benchmark_group("apply");
    group.bench_function("one_price", |b| {
        b.iter_batched(
            || before.clone(),
            |base| {
                let next = base.apply(black_box(&one_price));
                (base, next)
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("one_account", |b| {
        b.iter_batched(
            || before.clone(),
            |base| {
                let next = base.apply(black_box(&one_account));
                (base, next)
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    if one_call > IMPACT_LIMIT {
        eprintln!(
            "impact/one_list_change: skipped, one call took {one_call:.2?} (over {IMPACT_LIMIT:?}: ten samples would take over {:.0?})",
            one_call * 10,
        );
        return;
    }
    let mut group = c.benchmark_group("impact");
    if size == Size::Large {
        group.sample_size(10);
    }
    group.bench_function("one_list_change", |b| {
        b.iter(|| before.impact(black_box(&after), &options))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
