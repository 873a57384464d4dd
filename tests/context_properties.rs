//! Properties of pricing contexts (issue 12, SEMANTICS C1-C3) over generated data with
//! channels, ship-to countries and second currencies: a query naming no context is answered as
//! if the context-limited rules did not exist, and a rule limited to another channel or
//! country never decides.
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

use common::{RawQuery, Switches};
use proptest::prelude::*;
use std::collections::HashMap;
use tradeterms::{Context, Dataset, Outcome, Query};

fn with_contexts() -> impl Strategy<Value = Dataset> {
    common::dataset_with(Switches {
        contexts: true,
        ..Switches::all()
    })
}

/// The dataset without any rule limited to a channel or a country: what a query naming no
/// context may be reached by (C2).
fn without_limited_rules(ds: &Dataset) -> Dataset {
    let mut out = ds.clone();
    out.assignments
        .retain(|a| a.channels.is_empty() && a.countries.is_empty());
    out.visibility_rules
        .retain(|r| r.channels.is_empty() && r.countries.is_empty());
    out.payment_rules
        .retain(|r| r.channels.is_empty() && r.countries.is_empty());
    out.approval_policies
        .retain(|p| p.channels.is_empty() && p.countries.is_empty());
    out
}

/// The query without its context, as a host that never heard of contexts would ask it.
fn plain(q: &Query) -> Query {
    q.clone().with_context(Context::default())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// C2: a query that names no context answers exactly as it would on the same data with
    /// every channel- or country-limited rule removed (ties aside, which the build checks per
    /// context: a dataset whose stripped form no longer builds is skipped).
    #[test]
    fn a_query_without_context_ignores_context_limited_rules(
        ds in with_contexts(),
        queries in prop::collection::vec(common::raw_query(), 30),
    ) {
        let full = common::build(&ds);
        let Ok(stripped) = tradeterms::Snapshot::from_dataset(&without_limited_rules(&ds)) else {
            return Ok(());
        };
        for raw in &queries {
            let q = plain(&raw.query(&ds));
            let a = full.resolve(&q).map(|r| r.outcome);
            let b = stripped.resolve(&q).map(|r| r.outcome);
            // Candidates limited to a context still appear, losing for it; the decision and
            // the price are the same.
            let decided = |o: &Result<Outcome, tradeterms::ResolveError>| match o {
                Ok(Outcome::Priced(p)) => format!(
                    "priced {} {} by {:?}",
                    p.price.amount,
                    p.price.currency,
                    p.source.as_ref().map(|s| s.assignment.clone())
                ),
                Ok(Outcome::QuoteRequired(q)) => format!("quote {}", q.reason),
                Ok(other) => format!("{other:?}"),
                Err(e) => format!("error {e}"),
            };
            prop_assert_eq!(decided(&a), decided(&b), "{:?}", q);
        }
    }

    /// C2: whatever the context asked, the deciding price assignment, the deciding visibility
    /// rule and the deciding payment rules are limited to no channel or to the one asked, and
    /// to no country or to the one shipped to.
    #[test]
    fn a_rule_limited_to_another_context_never_decides(
        ds in with_contexts(),
        queries in prop::collection::vec(common::raw_query(), 30),
    ) {
        let s = common::build(&ds);
        let assignments: HashMap<&str, (&[tradeterms::ChannelId], &[tradeterms::Country])> = ds
            .assignments
            .iter()
            .map(|a| (a.id.as_str(), (a.channels.as_slice(), a.countries.as_slice())))
            .collect();
        let vis: HashMap<&str, (&[tradeterms::ChannelId], &[tradeterms::Country])> = ds
            .visibility_rules
            .iter()
            .map(|r| (r.id.as_str(), (r.channels.as_slice(), r.countries.as_slice())))
            .collect();
        let fits = |(channels, countries): (&[tradeterms::ChannelId], &[tradeterms::Country]), q: &Query| {
            (channels.is_empty() || q.context.channel.as_ref().is_some_and(|c| channels.contains(c)))
                && (countries.is_empty() || q.context.ship_to.is_some_and(|c| countries.contains(&c)))
        };
        for raw in &queries {
            let q: Query = RawQuery::query(raw, &ds);
            let Ok(r) = s.resolve(&q) else { continue };
            if let Outcome::Priced(p) = &r.outcome {
                let id = p.source.as_ref().unwrap().assignment.as_str();
                prop_assert!(fits(assignments[id], &q), "{id} decided {:?}", q.context);
            }
            if let Some(rule) = r.visibility.as_ref().and_then(|v| v.decided_by.as_ref()) {
                prop_assert!(fits(vis[rule.id.as_str()], &q), "{} decided {:?}", rule.id, q.context);
            }
        }
    }
}

/// Guards the properties above against passing vacuously: over a fixed sample, context-limited
/// assignments and visibility rules do decide answers in their context, and stripping them
/// changes some answer in a context.
#[test]
fn context_limited_rules_decide_in_their_context() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (
        with_contexts(),
        prop::collection::vec(common::raw_query(), 30),
    );
    let (mut priced_by_limited, mut hidden_by_limited) = (0usize, 0usize);
    for _ in 0..60 {
        let (ds, queries) = strategy.new_tree(&mut runner).unwrap().current();
        let s = common::build(&ds);
        for raw in &queries {
            let q = raw.query(&ds);
            let Ok(r) = s.resolve(&q) else { continue };
            if let Outcome::Priced(p) = &r.outcome {
                let id = &p.source.as_ref().unwrap().assignment;
                let a = ds.assignments.iter().find(|a| &a.id == id).unwrap();
                if !a.channels.is_empty() || !a.countries.is_empty() {
                    priced_by_limited += 1;
                }
            }
            if let Some(rule) = r.visibility.as_ref().and_then(|v| v.decided_by.as_ref()) {
                let v = ds
                    .visibility_rules
                    .iter()
                    .find(|v| v.id == rule.id)
                    .unwrap();
                if !v.channels.is_empty() || !v.countries.is_empty() {
                    hidden_by_limited += 1;
                }
            }
        }
    }
    assert!(
        priced_by_limited > 0,
        "no price decided by a context-limited assignment"
    );
    assert!(
        hidden_by_limited > 0,
        "no visibility decided by a context-limited rule"
    );
}
