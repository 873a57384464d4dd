//! One adversarial case and the loop that runs them all.

use std::time::{Duration, Instant};

/// A case: `run(n)` builds its input of size `n` outside the measured time, then measures the
/// one operation under test and returns its duration.
pub struct Case {
    /// What is attacked, with the issue point: "tie check, 1 SKU per list (13.4)".
    pub name: &'static str,
    /// The full adversarial size (the quarter size is also run).
    pub size: usize,
    /// The unit of `size`, for the printed table: "assignments".
    pub unit: &'static str,
    /// The most the full size may take in a release build on the 2-core CI machine.
    pub budget: Duration,
    /// Builds the input of size `n` and times the operation on it.
    pub run: fn(usize) -> Duration,
}

/// Below this, timer noise dominates and the growth ratio is printed but not judged.
const NOISE: Duration = Duration::from_millis(20);

/// The most a case may grow for 4x its input: linear is 4x and quadratic 16x. Allocation and
/// cache effects push a linear build to 6-9x on the 2-core machine, and to 11-12x once in a
/// while when other builds share it, so the line sits at 12x, still below quadratic; the
/// budgets catch anything that blows up.
const MAX_GROWTH: f64 = 12.0;

/// Each size is measured this many times and the fastest run kept: the one least disturbed by
/// the machine, the usual estimate of an operation's own cost.
const RUNS: usize = 3;

/// Runs every case, prints a table of figures and returns the number of failures.
pub fn run(cases: &[Case]) -> usize {
    let mut failures = 0;
    println!(
        "{:<58} {:>10} {:>12} {:>12} {:>7}  verdict",
        "case", "size", "quarter", "full", "growth"
    );
    for case in cases {
        let quarter_n = (case.size / 4).max(1);
        // A warm-up run at the quarter size: allocator and caches, not the measured figure.
        let _ = (case.run)(quarter_n);
        let best = |n: usize| (0..RUNS).map(|_| (case.run)(n)).min().unwrap_or_default();
        let quarter = best(quarter_n);
        let full = best(case.size);
        let growth = full.as_secs_f64() / quarter.as_secs_f64().max(1e-9);
        let mut verdict = "ok".to_string();
        if full > case.budget {
            verdict = format!("FAILED: over the budget of {:?}", case.budget);
        } else if full > NOISE && growth > MAX_GROWTH {
            verdict = format!("FAILED: grows {growth:.1}x for 4x the input");
        }
        if verdict != "ok" {
            failures += 1;
        }
        println!(
            "{:<58} {:>10} {:>12} {:>12} {:>6.1}x  {verdict}",
            case.name,
            format!("{} {}", case.size, case.unit),
            format!("{quarter:.2?}"),
            format!("{full:.2?}"),
            growth,
        );
    }
    failures
}

/// Times one call of `f`.
pub fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    let out = f();
    let elapsed = start.elapsed();
    drop(std::hint::black_box(out));
    elapsed
}
