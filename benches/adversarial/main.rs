//! The adversarial-sizes suite (issue 13, points 4 to 8): inputs of a few hundred KB shaped to
//! hit the worst case of one part of the engine, each run at a quarter of its size and at full
//! size, three times each, keeping the fastest. It prints every figure and fails when a case
//! exceeds its time budget or grows clearly faster than linearly (more than 12x for 4x the
//! input, linear being 4x and quadratic 16x).
//!
//! ```text
//! cargo bench --bench adversarial
//! ```
//!
//! CI runs it as a whole in well under 60 s. It has its own timing loop instead of criterion's
//! because each case is one large operation, measured a few times per size after a warm-up run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::unreachable,
    reason = "bench code: a panic aborts the suite, and its arithmetic runs on small generated values"
)]

mod govern;
mod harness;
mod ties;

use harness::Case;

fn main() {
    let mut cases: Vec<Case> = Vec::new();
    // Each module adds its cases here.
    cases.extend(ties::cases());
    cases.extend(govern::cases());
    let failures = harness::run(&cases);
    if failures > 0 {
        eprintln!("{failures} adversarial case(s) failed");
        std::process::exit(1);
    }
}
