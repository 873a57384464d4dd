//! Differential test: the engine against the naive reference model of `tests/reference`
//! (written from the resolution semantics, not from `src/`), on generated datasets.
//!
//! Each case generates one valid dataset (`tests/common`) and ~40 queries against it (plus a
//! few with exactly one bad input: unknown account, user or SKU, or quantity 0), and requires
//! the same outcome kind, refusal, access, winner, source, policy, slices, exact and rounded
//! amounts, adjustments, and the same candidates in the same order with the same statuses.
//!
//! The number of datasets comes from `TRADETERMS_DIFF_CASES` (default 256, i.e. > 10,000 query
//! comparisons, a few seconds in debug mode). To run millions of comparisons locally:
//!
//! ```text
//! TRADETERMS_DIFF_CASES=100000 cargo test --release --test differential
//! ```
//!
//! (~40 queries per dataset, so 100,000 cases is ~4 million comparisons.) Failures are shrunk
//! and printed by proptest; they are not persisted to disk.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    reason = "test code: a panic is a failed test, and its arithmetic runs on small generated values"
)]

mod common;
mod reference;

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use tradeterms::{Dataset, Query, Snapshot};

fn cases() -> u32 {
    std::env::var("TRADETERMS_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A query with exactly one bad input, or none.
#[derive(Clone, Debug)]
enum Fault {
    None,
    Account,
    User,
    Sku,
    ZeroQty,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        60 => Just(Fault::None),
        1 => Just(Fault::Account),
        1 => Just(Fault::User),
        1 => Just(Fault::Sku),
        1 => Just(Fault::ZeroQty),
    ]
}

fn apply(fault: &Fault, mut q: Query) -> Query {
    match fault {
        Fault::None => {}
        Fault::Account => q.account = "no-such-account".into(),
        Fault::User => q.user = "no-such-user".into(),
        Fault::Sku => q.sku = "NO-SUCH-SKU".into(),
        Fault::ZeroQty => q.qty = 0,
    }
    q
}

/// Compares engine and reference on one query; `Err` describes the first difference.
fn compare(ds: &Dataset, snapshot: &Snapshot, q: &Query) -> Result<(), String> {
    let engine = snapshot.resolve(q);
    let got = reference::from_engine(&engine);
    let want = reference::resolve(ds, q);
    // The lean `quote` must reach the same verdict as the explained `resolve`.
    let lean = snapshot.quote(q);
    let agrees = match (&engine, &lean) {
        (Ok(r), Ok(l)) => {
            use tradeterms::{Outcome, QuoteOutcome};
            l.version == r.version
                && match (&r.outcome, &l.outcome) {
                    (Outcome::Denied(_), QuoteOutcome::Denied)
                    | (Outcome::NotVisible, QuoteOutcome::NotVisible)
                    | (Outcome::PriceHidden(_), QuoteOutcome::PriceHidden)
                    | (Outcome::QuoteRequired(_), QuoteOutcome::QuoteRequired) => true,
                    (
                        Outcome::Priced(p),
                        QuoteOutcome::Priced {
                            amount,
                            exact_amount,
                            currency,
                            assignment,
                        },
                    ) => {
                        p.price.amount == *amount
                            && p.price.exact_amount == *exact_amount
                            && p.price.currency == *currency
                            && &p.source.assignment == assignment
                    }
                    _ => false,
                }
        }
        (Err(a), Err(b)) => a == b,
        _ => false,
    };
    if !agrees {
        return Err(format!(
            "quote disagrees with resolve on {q:?}: {lean:?} vs {engine:?}"
        ));
    }
    if got == want {
        return Ok(());
    }
    Err(format!(
        "engine and reference disagree on {q:?}\n--- engine:\n{got:#?}\n--- reference:\n{want:#?}\n--- engine answer:\n{}",
        match &engine {
            Ok(r) => r.to_string(),
            Err(e) => e.to_string(),
        }
    ))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn engine_matches_reference(
        ds in common::dataset(),
        queries in prop::collection::vec((common::raw_query(), fault()), 40),
    ) {
        let snapshot = common::build(&ds);
        for (raw, f) in &queries {
            let q = apply(f, raw.query(&ds));
            if let Err(msg) = compare(&ds, &snapshot, &q) {
                return Err(TestCaseError::fail(format!(
                    "{msg}\n--- dataset:\n{}",
                    serde_json::to_string(&ds).unwrap()
                )));
            }
        }
    }
}

/// Guards the generator against degenerating: over a fixed sample of generated datasets and
/// queries, every outcome kind, every candidate status, every candidate level, both policies,
/// both tier modes, adjustments and multi-slice graduated lines all occur.
#[test]
fn generator_covers_the_semantics() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use reference::{Kind, Level};
    use std::collections::BTreeMap;
    use tradeterms::{PricePolicy, TierMode};

    let mut runner = TestRunner::deterministic();
    let strategy = (
        common::dataset(),
        prop::collection::vec(common::raw_query(), 40),
    );
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut note = |k: String| *seen.entry(k).or_default() += 1;
    for _ in 0..200 {
        let (ds, queries) = strategy.new_tree(&mut runner).unwrap().current();
        for raw in &queries {
            let a = reference::resolve(&ds, &raw.query(&ds));
            note(format!("kind:{:?}", a.kind));
            if let Some(r) = &a.refusal {
                note(format!("refusal:{r:?}").chars().take(40).collect());
            }
            for c in &a.candidates {
                note(format!("status:{}", c.status.kind_name()));
                note(
                    match &c.level {
                        Level::Own => "level:own",
                        Level::Ancestor { distance: 1, .. } => "level:parent",
                        Level::Ancestor { .. } => "level:ancestor>1",
                        Level::Segment(_) => "level:segment",
                        Level::Everyone => "level:everyone",
                    }
                    .to_string(),
                );
                if let reference::Status::NotValid { of, not_yet, .. } = &c.status {
                    let of = of.split(':').next().unwrap();
                    note(format!("not_valid:{of}:{not_yet}"));
                }
            }
            if a.kind == Kind::Priced {
                note(format!("policy:{:?}", a.policy.unwrap()));
                note(format!("mode:{:?}", a.tier_mode.unwrap()));
                note(format!("currency:{}", a.currency.clone().unwrap()));
                note(format!("adjustments:{}", a.adjustments.len().min(2)));
                if a.tier_mode == Some(TierMode::Graduated) && a.slices.len() > 1 {
                    note("graduated:multi-slice".into());
                }
                if a.amount != a.exact_amount {
                    note("rounding:changed".into());
                }
                if a.policy == Some(PricePolicy::LowestPrice)
                    && a.candidates
                        .iter()
                        .any(|c| matches!(c.status, reference::Status::LowerPrecedence { .. }))
                {
                    note("lowest:tie".into());
                }
                if a.policy == Some(PricePolicy::LowestPrice)
                    && a.candidates.first().map(|c| &c.status) != Some(&reference::Status::Won)
                {
                    note("lowest:not-first".into());
                }
                let same_class_same_priority = a.candidates.windows(2).any(|w| {
                    w[0].priority == w[1].priority
                        && std::mem::discriminant(&w[0].level)
                            == std::mem::discriminant(&w[1].level)
                });
                if same_class_same_priority {
                    note("order:id-tiebreak".into());
                }
            }
        }
    }
    let required = [
        "kind:Denied",
        "kind:PriceHidden",
        "kind:Priced",
        "kind:QuoteRequired",
        "status:won",
        "status:not_valid",
        "status:other_currency",
        "status:no_entry",
        "status:below_minimum_quantity",
        "status:lower_precedence",
        "status:higher_price",
        "level:own",
        "level:parent",
        "level:ancestor>1",
        "level:segment",
        "level:everyone",
        "not_valid:assignment:true",
        "not_valid:assignment:false",
        "not_valid:list:true",
        "not_valid:entry:false",
        "not_valid:base_list:true",
        "policy:Precedence",
        "policy:LowestPrice",
        "mode:Volume",
        "mode:Graduated",
        "adjustments:1",
        "adjustments:2",
        "graduated:multi-slice",
        "rounding:changed",
        "currency:EUR",
        "currency:JPY",
        "lowest:tie",
        "lowest:not-first",
        "order:id-tiebreak",
    ];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !seen.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\nseen: {seen:#?}"
    );
    if std::env::var("TRADETERMS_COVERAGE").is_ok() {
        eprintln!("{seen:#?}");
    }
}
