//! Tail latency, query by query: the floor, `quote` and `resolve` on the same queries, for
//! three query mixes.
//!
//! ```text
//! cargo run --release --example latency -- --size medium [--queries 100000] [--rounds 3] [--seed N]
//! ```
//!
//! `--size` defaults to `TRADETERMS_BENCH_SIZE` (then `medium`). One process: the dataset is
//! generated with the benches' seed, the snapshot built, the dataset dropped, then for every
//! round and every path, one untimed warm-up pass over the queries and one timed pass in which
//! each query is timed on its own with `std::time::Instant` (nothing is subtracted: the timer's
//! own cost, measured first and printed, is in every figure, the floor's included). Each path
//! prints p50, p99, p99.9 and the mean, and each figure's ratio to the floor's same figure in
//! the same round; the last table gives the range of every figure over the rounds.
//!
//! - `floor`: the answers to the mix's queries precomputed into a `HashMap<(AccountId, Sku),
//!   Decimal>` (the amount only) holding exactly the mix's distinct (account, SKU) keys, looked
//!   up with the same queries in the same order: the same keys and the same number of distinct
//!   keys as the paths it is compared with, so its working set is theirs.
//! - `quote`: `Snapshot::quote`, the lean answer (no allocation but the answer's ids).
//! - `resolve`: `Snapshot::resolve`, the explained answer; the time includes dropping it.
//! - `quote_by`, `resolve_by`: the same answers by handles (`Snapshot::account_handle`,
//!   `user_handle`, `sku_handle`, taken once per query before timing, as a host that prices
//!   many lines for the same accounts would): the decision without the three id lookups.
//!
//! The mixes, 100,000 queries each by default, all at `generate::AT`:
//!
//! - `uniform`: `generate::queries`, an entitled (account, user) pair and any SKU. Few of these
//!   reach a contract list: mostly public, segment and relative prices.
//! - `contract`: `generate::contract_queries`, buyers ordering what their contracts cover: the
//!   SKU is drawn from a contract list assigned to the account or to an ancestor's subtree.
//! - `lowest_price`: `generate::lowest_price_queries`, random SKUs for accounts under the
//!   `lowest_price` policy, which price every candidate list (the slowest answers).
//!
//! Before timing, each mix is described: the share of answers priced, decided by a list assigned
//! to the account itself or an ancestor (and by a contract list), under `lowest_price`, and the
//! candidate lists per answer, from `resolve`'s explanations.
//!
//! Why an example and not a `harness = false` bench: it times each query itself (criterion
//! reports means of batches, not a distribution), it takes arguments like the `memory` example,
//! and a plain `cargo bench` should not build the large dataset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    clippy::cast_possible_truncation,
    reason = "example code: a panic aborts the measurement, and its arithmetic runs on small counts and nanosecond times"
)]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;
use tradeterms::generate::{self, Size, Spec};
use tradeterms::{
    AccountId, Decimal, HandleQuery, Outcome, PricePolicy, Query, QuoteOutcome, Sku, Snapshot,
    Specificity,
};

/// The seed of the benches (`benches/common`), so the data is the one criterion measures.
const SEED: u64 = 20_260_101;

struct Args {
    size: Size,
    queries: usize,
    rounds: usize,
    seed: u64,
}

fn args() -> Args {
    let mut a = Args {
        size: std::env::var("TRADETERMS_BENCH_SIZE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(Size::Medium),
        queries: 100_000,
        rounds: 3,
        seed: SEED,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--size" => a.size = value.parse().unwrap(),
            "--queries" => a.queries = value.parse().unwrap(),
            "--rounds" => a.rounds = value.parse().unwrap(),
            "--seed" => a.seed = value.parse().unwrap(),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

/// Nearest-rank percentiles and the mean of per-query times, in nanoseconds.
#[derive(Clone, Copy, Debug)]
struct Stats {
    p50: f64,
    p99: f64,
    p999: f64,
    mean: f64,
}

impl Stats {
    fn of(mut ns: Vec<u64>) -> Stats {
        ns.sort_unstable();
        let at = |per_mille: usize| ns[(ns.len() * per_mille / 1000).min(ns.len() - 1)] as f64;
        Stats {
            p50: at(500),
            p99: at(990),
            p999: at(999),
            mean: ns.iter().sum::<u64>() as f64 / ns.len() as f64,
        }
    }

    fn figures(&self) -> [f64; 4] {
        [self.p50, self.p99, self.p999, self.mean]
    }
}

/// Each query timed on its own, after one untimed pass over all of them.
fn time_each<Q>(queries: &[Q], mut f: impl FnMut(&Q)) -> Stats {
    for q in queries {
        f(q);
    }
    let mut ns = Vec::with_capacity(queries.len());
    for q in queries {
        let start = Instant::now();
        f(q);
        ns.push(start.elapsed().as_nanos() as u64);
    }
    Stats::of(ns)
}

fn show(ns: f64) -> String {
    if ns >= 10_000.0 {
        format!("{:.1} us", ns / 1000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} us", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// One named path's figures in every round.
struct Row {
    name: &'static str,
    rounds: Vec<Stats>,
}

/// Measures the floor and every path on one mix of queries, `rounds` times.
fn measure(snapshot: &Snapshot, mix: &str, queries: &[Query], rounds: usize) -> Vec<Row> {
    let mut floor: HashMap<(AccountId, Sku), Decimal> = HashMap::new();
    for q in queries {
        let amount = match snapshot.quote(q).unwrap().outcome {
            QuoteOutcome::Priced { amount, .. } => amount,
            _ => Decimal::ZERO,
        };
        floor.insert((q.account.clone(), q.sku.clone()), amount);
    }
    let keys: Vec<(AccountId, Sku)> = queries
        .iter()
        .map(|q| (q.account.clone(), q.sku.clone()))
        .collect();
    println!(
        "mix {mix}: {} queries, {} distinct (account, SKU) keys in the floor",
        queries.len(),
        floor.len()
    );
    // The handle path: the host looks each id up once (not timed), then asks by handles.
    let handles: Vec<HandleQuery<'_>> = queries
        .iter()
        .map(|q| {
            HandleQuery::new(
                snapshot.account_handle(q.account.as_str()).unwrap(),
                snapshot.user_handle(q.user.as_str()).unwrap(),
                snapshot.sku_handle(q.sku.as_str()).unwrap(),
                q.qty,
                q.at,
            )
        })
        .collect();
    let mut rows: Vec<Row> = ["floor", "quote", "quote_by", "resolve", "resolve_by"]
        .into_iter()
        .map(|name| Row {
            name,
            rounds: Vec::new(),
        })
        .collect();
    for _ in 0..rounds {
        rows[0].rounds.push(time_each(&keys, |k| {
            black_box(floor.get(black_box(k)).copied());
        }));
        rows[1].rounds.push(time_each(queries, |q| {
            black_box(snapshot.quote(black_box(q)).ok());
        }));
        rows[2].rounds.push(time_each(&handles, |h| {
            black_box(snapshot.quote_by(black_box(h)).ok());
        }));
        rows[3].rounds.push(time_each(queries, |q| {
            black_box(snapshot.resolve(black_box(q)).ok());
        }));
        rows[4].rounds.push(time_each(&handles, |h| {
            black_box(snapshot.resolve_by(black_box(h)).ok());
        }));
    }
    report(mix, &rows);
    rows
}

fn report(mix: &str, rows: &[Row]) {
    let rounds = rows[0].rounds.len();
    for r in 0..rounds {
        println!("  round {}:", r + 1);
        let floor = rows[0].rounds[r].figures();
        for row in rows {
            let f = row.rounds[r].figures();
            let cells: Vec<String> = f
                .iter()
                .zip(floor)
                .map(|(v, fl)| format!("{:>9} ({:>5.1}x)", show(*v), v / fl))
                .collect();
            println!(
                "    {:<10} p50 {}  p99 {}  p99.9 {}  mean {}",
                row.name, cells[0], cells[1], cells[2], cells[3]
            );
        }
    }
    // One line per path for `examples/perf_table.rs`: the lowest figure over the rounds (the
    // least disturbed by this machine's other tenants), in nanoseconds.
    for row in rows {
        let best = |i: usize| {
            row.rounds
                .iter()
                .map(|s| s.figures()[i])
                .fold(f64::INFINITY, f64::min)
        };
        println!(
            "summary latency mix={mix} path={} p50_ns={:.0} p99_ns={:.0} p999_ns={:.0} mean_ns={:.0}",
            row.name,
            best(0),
            best(1),
            best(2),
            best(3)
        );
    }
    println!("  ranges over {rounds} rounds ({mix}): figure min-max (ratio to the floor min-max)");
    for row in rows {
        let mut cells = Vec::new();
        for i in 0..4 {
            let values: Vec<f64> = row.rounds.iter().map(|s| s.figures()[i]).collect();
            let ratios: Vec<f64> = row
                .rounds
                .iter()
                .zip(&rows[0].rounds)
                .map(|(s, f)| s.figures()[i] / f.figures()[i])
                .collect();
            let (lo, hi) = min_max(&values);
            let (rlo, rhi) = min_max(&ratios);
            cells.push(format!("{}-{} ({rlo:.1}-{rhi:.1}x)", show(lo), show(hi)));
        }
        println!(
            "    {:<10} p50 {}  p99 {}  p99.9 {}  mean {}",
            row.name, cells[0], cells[1], cells[2], cells[3]
        );
    }
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}

/// The cost of the timer itself: two `Instant::now()` back to back, as every figure pays.
fn timer_overhead() -> Stats {
    let mut ns = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let start = Instant::now();
        ns.push(black_box(start).elapsed().as_nanos() as u64);
    }
    Stats::of(ns)
}

fn main() {
    let args = args();
    let t = timer_overhead();
    println!(
        "timer overhead (Instant::now + elapsed, not subtracted): p50 {} p99 {} mean {}",
        show(t.p50),
        show(t.p99),
        show(t.mean)
    );
    let started = Instant::now();
    let dataset = generate::dataset(&Spec::for_size(args.size), args.seed);
    let generated = started.elapsed();
    let started = Instant::now();
    let snapshot = Snapshot::from_dataset(&dataset).expect("generated data builds");
    let built = started.elapsed();
    println!(
        "size {}: {} accounts, {} SKUs, {} price entries; generated in {:.1?}, built in {:.1?}",
        args.size,
        dataset.accounts.len(),
        dataset.catalog.len(),
        snapshot.price_entry_count(),
        generated,
        built
    );
    // The build on this machine's cores (the crate builds lists on up to 8 threads), no
    // counting allocator: the figure issue 15's 5-second target is about.
    println!(
        "summary build build_ms={:.0} cores={}",
        built.as_secs_f64() * 1000.0,
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    );
    let mixes = [
        (
            "uniform",
            generate::queries(&dataset, args.queries, args.seed),
        ),
        (
            "contract",
            generate::contract_queries(&dataset, args.queries, args.seed),
        ),
        (
            "lowest_price",
            generate::lowest_price_queries(&dataset, args.queries, args.seed),
        ),
    ];
    drop(dataset);
    for (mix, queries) in &mixes {
        describe(&snapshot, mix, queries);
    }
    for (mix, queries) in &mixes {
        measure(&snapshot, mix, queries, args.rounds);
    }
}

/// What decides a mix's answers: the share priced, the share decided by a list assigned to the
/// account itself or to an ancestor (and by a contract list among those), the share under
/// `lowest_price`, and the candidate lists per answer.
fn describe(snapshot: &Snapshot, mix: &str, queries: &[Query]) {
    let (mut priced, mut own_or_ancestor, mut contract, mut lowest, mut candidates) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    for q in queries {
        match snapshot.resolve(q).unwrap().outcome {
            Outcome::Priced(p) => {
                priced += 1;
                candidates += p.candidates.len();
                if p.policy == PricePolicy::LowestPrice {
                    lowest += 1;
                }
                if let Some(source) = &p.source
                    && matches!(
                        source.specificity,
                        Specificity::Account | Specificity::Ancestor { .. }
                    )
                {
                    own_or_ancestor += 1;
                    if source.list.as_str().starts_with("contract-") {
                        contract += 1;
                    }
                }
            }
            Outcome::QuoteRequired(r) => candidates += r.candidates.len(),
            _ => {}
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / queries.len().max(1) as f64;
    println!(
        "mix {mix}: {} queries; priced {:.1} %; decided by the account's own or an ancestor's list {:.1} % (a contract list {:.1} %); lowest_price answers {:.1} %; {:.2} candidate lists per answer",
        queries.len(),
        pct(priced),
        pct(own_or_ancestor),
        pct(contract),
        pct(lowest),
        candidates as f64 / queries.len().max(1) as f64
    );
}
