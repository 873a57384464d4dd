//! Prints a generated dataset as JSON.
//!
//! ```text
//! cargo run --release --example generate -- --size medium [--seed N] [--extra-lists N] > data.json
//! ```
//!
//! The same size and seed always print the same dataset (see `tradeterms::generate`). A summary
//! (counts and timings) goes to stderr, with progress: each step as it starts, how long it has
//! run every two seconds (the `large` size takes tens of seconds), and when it is done. `--extra-lists N` adds N small lists that do not apply to
//! the probe account printed in the summary.
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

use std::io::Write;
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};
use tradeterms::generate::{self, Size, Spec};

const USAGE: &str = "usage: generate [--size small|medium|large] [--seed N] [--extra-lists N]";

struct Args {
    size: Size,
    seed: u64,
    extra_lists: usize,
}

/// Runs one step, saying on stderr what it is, how long it has run every two seconds, and when
/// it is done: a large size is never silent.
fn step<T>(what: String, work: impl FnOnce() -> T) -> T {
    eprintln!("{what}...");
    let started = Instant::now();
    let (done, wait) = mpsc::channel::<()>();
    let label = what.clone();
    let ticker = std::thread::spawn(move || {
        while let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(Duration::from_secs(2)) {
            eprintln!("  {label}: {:.0?} so far", started.elapsed());
        }
    });
    let out = work();
    drop(done);
    let _ = ticker.join();
    eprintln!("  {what}: done in {:.2?}", started.elapsed());
    out
}

/// The arguments, or `None` when `--help` asked for the usage.
fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        size: Size::Small,
        seed: 1,
        extra_lists: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--size" => args.size = value()?.parse()?,
            "--seed" => {
                args.seed = value()?
                    .parse()
                    .map_err(|e| format!("--seed: {e}\n{USAGE}"))?
            }
            "--extra-lists" => {
                args.extra_lists = value()?
                    .parse()
                    .map_err(|e| format!("--extra-lists: {e}\n{USAGE}"))?
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args() {
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
    let started = Instant::now();
    let mut dataset = step(
        format!("generating size {} seed {}", args.size, args.seed),
        || generate::dataset(&Spec::for_size(args.size), args.seed),
    );
    let probe = generate::probe_query(&dataset);
    if args.extra_lists > 0 {
        match &probe {
            Some(p) => {
                let n = args.extra_lists;
                dataset = step(format!("adding {n} extra lists"), || {
                    generate::with_extra_lists(dataset, n, &p.account, args.seed)
                })
            }
            None => {
                eprintln!("no probe account in this dataset: cannot add lists that avoid it");
                return ExitCode::from(1);
            }
        }
    }
    let generated = started.elapsed();
    let entries: usize = dataset.price_lists.iter().map(|l| l.entries.len()).sum();
    eprintln!(
        "size {} seed {}: {} accounts, {} users, {} SKUs, {} segments, {} price lists, {} assignments, {} price entries (generated in {:.2?})",
        args.size,
        args.seed,
        dataset.accounts.len(),
        dataset.users.len(),
        dataset.catalog.len(),
        dataset.segments.len(),
        dataset.price_lists.len(),
        dataset.assignments.len(),
        entries,
        generated,
    );
    if let Some(p) = &probe {
        eprintln!(
            "probe: --account {} --user {} --sku {} --qty {} --at {}",
            p.account, p.user, p.sku, p.qty, p.at
        );
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let written = step("writing the dataset as JSON".to_string(), || {
        serde_json::to_writer(&mut out, &dataset)
            .map_err(|e| e.to_string())
            .and_then(|()| writeln!(out).map_err(|e| e.to_string()))
            .and_then(|()| out.flush().map_err(|e| e.to_string()))
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("writing the dataset failed: {e}");
            ExitCode::from(1)
        }
    }
}
