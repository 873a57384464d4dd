//! The synthetic generator from the tests' side: its datasets build, are deterministic, and on
//! them the lean `quote` agrees with the explained `resolve` for random queries.
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

use tradeterms::generate::{self, Size, Spec};
use tradeterms::{Outcome, QuoteOutcome, Snapshot};

#[test]
fn a_small_generated_dataset_builds_deterministically_and_quote_agrees_with_resolve() {
    let spec = Spec::for_size(Size::Small);
    let a = generate::dataset(&spec, 7);
    assert_eq!(a, generate::dataset(&spec, 7));
    assert_ne!(a, generate::dataset(&spec, 8));
    let snapshot = Snapshot::from_dataset(&a).unwrap_or_else(|e| panic!("{e}"));
    assert!(snapshot.lint(generate::AT).len() < 1_000);
    let queries = generate::queries(&a, 2_000, 7);
    let mut priced = 0;
    for q in &queries {
        let r = snapshot.resolve(q).unwrap();
        let lean = snapshot.quote(q).unwrap();
        match (&r.outcome, &lean.outcome) {
            (
                Outcome::Priced(p),
                QuoteOutcome::Priced {
                    amount, assignment, ..
                },
            ) => {
                priced += 1;
                assert_eq!(
                    (&p.price.amount, &p.source.as_ref().unwrap().assignment),
                    (amount, assignment.as_ref().unwrap()),
                    "{q:?}"
                );
            }
            (Outcome::Denied(_), QuoteOutcome::Denied)
            | (Outcome::NotVisible, QuoteOutcome::NotVisible)
            | (Outcome::PriceHidden(_), QuoteOutcome::PriceHidden)
            | (Outcome::QuoteRequired(_), QuoteOutcome::QuoteRequired) => {}
            (x, y) => panic!("{q:?}: resolve {x:?} but quote {y:?}"),
        }
    }
    // Generated queries are for entitled users: most of them are priced.
    assert!(priced > 1_500, "{priced} of 2000 priced");
}
