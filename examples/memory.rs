//! Measures the memory a built snapshot holds, per price entry, and the build time.
//!
//! ```text
//! cargo run --release --example memory -- --size medium [--seed N]
//! ```
//!
//! A counting global allocator wraps the system allocator and keeps the number of live heap
//! bytes (and the peak) in atomics. Three figures are printed:
//!
//! - **snapshot (retained)**: live bytes once the snapshot is built *and the dataset dropped*,
//!   minus the live bytes before the dataset was generated. This is what a host holding only
//!   the snapshot pays. It includes the id strings (`Arc<str>`) the snapshot shares with the
//!   dataset it was built from, which stay alive through the snapshot.
//! - **build delta**: live bytes right after `Snapshot::from_dataset` minus right before, with
//!   the dataset still alive. Shared id strings are counted in the dataset here, not in the
//!   snapshot, so this is a little lower than the retained figure.
//! - **peak during build**: the highest live total seen while building, above the live bytes
//!   before the build (transient allocations of the build itself).
//!
//! Bytes per entry divide the retained figure by `snapshot.price_entry_count()`; it covers
//! everything in the snapshot (accounts, users, catalogue...), not only the price entries.
//!
//! Finally 10,000 random queries (`generate::queries`) are resolved and the heap allocations
//! (and bytes allocated) per `resolve` call are printed, answer included.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    reason = "example code: it shows the API plainly and exits on bad input with the error"
)]
#![allow(
    unsafe_code,
    reason = "a counting global allocator measures the bytes a snapshot retains"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tradeterms::Snapshot;
use tradeterms::generate::{self, Size, Spec};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn added(size: usize) {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    let now = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` with the same arguments; the counters do not
// affect the allocations.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            added(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            added(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            added(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

const USAGE: &str = "usage: memory [--size small|medium|large] [--seed N]";

/// The size and seed, or `None` when `--help` asked for the usage.
fn parse_args() -> Result<Option<(Size, u64)>, String> {
    let (mut size, mut seed) = (Size::Small, 1u64);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--size" => size = value()?.parse()?,
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(Some((size, seed)))
}

fn main() -> ExitCode {
    let (size, seed) = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let baseline = live();
    let started = Instant::now();
    let dataset = generate::dataset(&Spec::for_size(size), seed);
    let generated = started.elapsed();
    let dataset_bytes = live() - baseline;
    let entries_in_data: usize = dataset.price_lists.iter().map(|l| l.entries.len()).sum();
    let lists = dataset.price_lists.len();

    let before_build = live();
    PEAK.store(before_build, Ordering::Relaxed);
    let started = Instant::now();
    let snapshot = match Snapshot::from_dataset(&dataset) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("the generated dataset does not build: {e}");
            return ExitCode::from(1);
        }
    };
    let built = started.elapsed();
    let after_build = live();
    let peak_during_build = PEAK.load(Ordering::Relaxed) - before_build;
    let build_delta = after_build - before_build;
    let before_queries = live();
    let queries = generate::queries(&dataset, 10_000, seed);
    let queries_bytes = live() - before_queries;
    drop(dataset);
    // The queries are kept for the last measurement: leave them out.
    let retained = live() - baseline - queries_bytes;
    let entries = snapshot.price_entry_count();

    println!("size {size}, seed {seed}");
    println!(
        "dataset: {} accounts, {} lists, {} price entries; generated in {:.2?}, {:.1} MiB live",
        snapshot.account_ids().count(),
        lists,
        entries_in_data,
        generated,
        mib(dataset_bytes),
    );
    println!("build: {built:.2?} (Snapshot::from_dataset, release build if run with --release)");
    println!(
        "snapshot (retained, dataset dropped): {:.1} MiB = {:.1} bytes per price entry ({} entries)",
        mib(retained),
        retained as f64 / entries.max(1) as f64,
        entries,
    );
    println!(
        "build delta (dataset alive, shared ids excluded): {:.1} MiB = {:.1} bytes per price entry",
        mib(build_delta),
        build_delta as f64 / entries.max(1) as f64,
    );
    println!(
        "peak above pre-build live bytes during the build: {:.1} MiB",
        mib(peak_during_build)
    );
    // One line for `examples/perf_table.rs`.
    println!(
        "summary memory entries={entries} bytes_per_entry={:.1} build_ms={:.0} peak_build_mib={:.0}",
        retained as f64 / entries.max(1) as f64,
        built.as_secs_f64() * 1000.0,
        mib(peak_during_build),
    );
    let (allocs_before, started) = (ALLOCATIONS.load(Ordering::Relaxed), Instant::now());
    let mut bytes = 0usize;
    let mut priced = 0usize;
    for q in &queries {
        let live_before = live();
        let peak_before = PEAK.swap(live_before, Ordering::Relaxed);
        if let Ok(answer) = snapshot.resolve(q) {
            priced += usize::from(answer.outcome.price().is_some());
        }
        bytes += PEAK.load(Ordering::Relaxed) - live_before;
        PEAK.fetch_max(peak_before, Ordering::Relaxed);
    }
    let elapsed = started.elapsed();
    let allocs = ALLOCATIONS.load(Ordering::Relaxed) - allocs_before;
    let n = queries.len().max(1);
    println!(
        "resolve: {} random queries ({priced} priced), {:.1} heap allocations and {:.0} bytes peak per call, {:.2?} per call (counting allocator on)",
        queries.len(),
        allocs as f64 / n as f64,
        bytes as f64 / n as f64,
        elapsed / u32::try_from(n).unwrap_or(1),
    );
    drop(snapshot);
    ExitCode::SUCCESS
}
