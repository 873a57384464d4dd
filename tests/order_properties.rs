//! Properties of whole orders over generated accounts, users, catalogues and approval policies.
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

use common::Switches;
use proptest::prelude::*;
use std::collections::BTreeSet;
use tradeterms::{Dataset, Order, OrderLine, Outcome, Query, Snapshot, Timestamp};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

/// Datasets with every rule kind (approval policies of every condition and step kind, spending
/// limits, costs, visibility, quotes, quantity rules...), in which a line's amount never falls
/// as its quantity grows: each entry has one tier from quantity 1 and no quote threshold
/// (`tests/common`).
fn generated() -> impl Strategy<Value = Dataset> {
    common::dataset_with(Switches {
        monotone_amounts: true,
        ..Switches::all()
    })
}

/// Order lines as (SKU index, quantity).
fn lines() -> impl Strategy<Value = Vec<(usize, u64)>> {
    proptest::collection::vec((0usize..8, 1u64..40), 1..6)
}

fn order(ds: &Dataset, account: usize, user: usize, lines: &[(usize, u64)]) -> Order {
    Order::new(
        ds.accounts[account % ds.accounts.len()].id.clone(),
        ds.users[user % ds.users.len()].id.clone(),
        at(),
        lines
            .iter()
            .map(|&(s, qty)| OrderLine::new(ds.catalog[s % ds.catalog.len()].sku.clone(), qty))
            .collect(),
    )
    .with_audience(tradeterms::Audience::Operator)
    .with_context(Default::default())
}

fn steps(a: &tradeterms::OrderAnswer) -> BTreeSet<(String, usize)> {
    a.approval
        .steps
        .iter()
        .map(|s| (s.policy.as_ref().unwrap().id.clone(), s.step))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn order_invariants(ds in generated(), lines in lines(), account in 0usize..12, user in 0usize..5, bump in 1u64..50, which in 0usize..6) {
        let s = Snapshot::from_dataset(&ds).unwrap_or_else(|e| panic!("{e}"));
        let o = order(&ds, account, user, &lines);
        let a = s.resolve_order(&o).unwrap();

        // The requester is never among the eligible approvers.
        for step in &a.approval.steps {
            prop_assert!(!step.eligible.contains(&o.user));
        }
        // Lines agree with resolve one by one.
        for (line, answer) in o.lines.iter().zip(&a.lines) {
            let single = s.resolve(&Query::new(o.account.clone(), o.user.clone(), line.sku.clone(), line.qty, at())).unwrap();
            prop_assert_eq!(&single, &answer.resolution);
        }
        // The subtotal is exactly the sum of the priced lines' amounts.
        let sum = a.lines.iter().filter_map(|l| l.resolution.outcome.price()).fold(rust_decimal::Decimal::ZERO, |acc, p| acc + p.amount);
        // No subtotal only for a requester no membership reaches, who is shown no prices.
        let zero = tradeterms::Money { currency: tradeterms::Currency::from_code("USD").unwrap(), amount: rust_decimal::Decimal::ZERO };
        let subtotal = a.subtotal.unwrap_or(zero);
        prop_assert_eq!(subtotal.amount, sum);
        prop_assert!(a.subtotal.is_some() || sum.is_zero());
        prop_assert!(a.lines.iter().all(|l| !matches!(l.resolution.outcome, Outcome::Priced(ref p) if p.price.currency != subtotal.currency)));

        // Raising a line's quantity (and so the total, prices being per unit) never removes a step.
        let mut bigger = o.clone();
        let i = which % bigger.lines.len();
        bigger.lines[i].qty = (bigger.lines[i].qty.to_u64().unwrap() + bump).into();
        let b = s.resolve_order(&bigger).unwrap();
        prop_assert!(b.subtotal.map(|m| m.amount) >= a.subtotal.map(|m| m.amount));
        let (before, after) = (steps(&a), steps(&b));
        prop_assert!(before.is_subset(&after), "steps lost: {:?} -> {:?}", before, after);
    }
}
