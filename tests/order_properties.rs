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

use proptest::prelude::*;
use std::collections::BTreeSet;
use tradeterms::{Dataset, Order, OrderLine, Outcome, Query, Snapshot, Timestamp};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

/// A dataset with a small tree, several users with mixed roles, SKUs with one price each (so a
/// line's amount grows with its quantity) and approval policies drawn from every condition kind.
fn dataset(
    parents: &[Option<usize>],
    users: &[Vec<(usize, usize, bool)>],
    prices: &[(u32, u32)],
    policies: &[(usize, u32, usize, usize)],
) -> Dataset {
    let roles = ["buyer", "approver", "admin", "finance"];
    let accounts: Vec<_> = parents
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let parent = p
                .filter(|&p| p < i)
                .map(|p| format!(r#", "parent": "a{p}""#))
                .unwrap_or_default();
            format!(r#"{{ "id": "a{i}", "name": "A{i}", "currency": "USD"{parent} }}"#)
        })
        .collect();
    let users: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(u, ms)| {
            let ms: Vec<_> = ms
                .iter()
                .map(|&(a, r, sub)| {
                    format!(
                        r#"{{ "account": "a{}", "roles": ["{}"], "reach": "{}", "spending_limit": "500" }}"#,
                        a % parents.len(),
                        roles[r % roles.len()],
                        if sub { "subtree" } else { "account" }
                    )
                })
                .collect();
            format!(r#"{{ "id": "u{u}", "name": "U{u}", "memberships": [{}] }}"#, ms.join(","))
        })
        .collect();
    let catalog: Vec<_> = prices
        .iter()
        .enumerate()
        .map(|(i, &(_, cost))| {
            format!(
                r#"{{ "sku": "s{i}", "name": "S{i}", "categories": ["{}"], "cost": "{}.00" }}"#,
                if i % 2 == 0 { "even" } else { "odd/deep" },
                cost
            )
        })
        .collect();
    let entries: Vec<_> = prices
        .iter()
        .enumerate()
        .map(|(i, &(price, _))| {
            format!(
                r#"{{ "sku": "s{i}", "tiers": [{{ "min_qty": 1, "unit_price": "{price}.00" }}] }}"#
            )
        })
        .collect();
    let policies: Vec<_> = policies
        .iter()
        .enumerate()
        .map(|(i, &(kind, n, scope, step))| {
            let when = match kind % 6 {
                0 => format!(r#"{{ "total_above": "{n}" }}"#),
                1 => format!(r#"{{ "line_qty_above": {} }}"#, n % 20),
                2 => format!(r#"{{ "lines_above": {} }}"#, n % 4),
                3 => r#"{ "category": "odd" }"#.to_string(),
                4 => r#""spending_limit_exceeded""#.to_string(),
                _ => format!(r#"{{ "margin_below_percent": "{}" }}"#, n % 60),
            };
            let scope = match scope % 3 {
                0 => r#""everyone""#.to_string(),
                1 => format!(r#"{{ "subtree": "a{}" }}"#, scope % parents.len()),
                _ => format!(r#"{{ "account": "a{}" }}"#, scope % parents.len()),
            };
            let step = match step % 3 {
                0 => r#"{ "role": "approver" }"#.to_string(),
                1 => r#"{ "role_escalating": "finance" }"#.to_string(),
                _ => format!(r#"{{ "users": ["u{}"] }}"#, step % users.len()),
            };
            format!(
                r#"{{ "id": "p{i}", "owner": "o", "scope": {scope}, "when": {when}, "steps": [{step}] }}"#
            )
        })
        .collect();
    let json = format!(
        r#"{{ "roles": [{{ "name": "finance", "permissions": ["view_catalog", "view_prices", "approve"] }}],
             "accounts": [{}], "users": [{}], "catalog": [{}],
             "price_lists": [{{ "id": "l", "name": "L", "owner": "o", "currency": "USD", "entries": [{}] }}],
             "assignments": [{{ "id": "all", "price_list": "l", "scope": "everyone" }}],
             "approval_policies": [{}] }}"#,
        accounts.join(","),
        users.join(","),
        catalog.join(","),
        entries.join(","),
        policies.join(",")
    );
    serde_json::from_str(&json).unwrap()
}

type Inputs = (
    Vec<Option<usize>>,
    Vec<Vec<(usize, usize, bool)>>,
    Vec<(u32, u32)>,
    Vec<(usize, u32, usize, usize)>,
    Vec<(usize, u64)>,
);

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        proptest::collection::vec(proptest::option::of(0usize..6), 1..6),
        proptest::collection::vec(
            proptest::collection::vec((0usize..6, 0usize..4, any::<bool>()), 1..3),
            1..5,
        ),
        proptest::collection::vec((0u32..200, 0u32..200), 1..6),
        proptest::collection::vec((0usize..6, 0u32..2000, 0usize..12, 0usize..12), 0..6),
        proptest::collection::vec((0usize..6, 1u64..40), 1..6),
    )
}

fn order(ds: &Dataset, account: usize, user: usize, lines: &[(usize, u64)]) -> Order {
    Order {
        account: ds.accounts[account % ds.accounts.len()].id.clone(),
        user: ds.users[user % ds.users.len()].id.clone(),
        at: at(),
        lines: lines
            .iter()
            .map(|&(s, qty)| OrderLine {
                sku: ds.catalog[s % ds.catalog.len()].sku.clone(),
                qty,
                lead_time_days: None,
            })
            .collect(),
    }
}

fn steps(a: &tradeterms::OrderAnswer) -> BTreeSet<(String, usize)> {
    a.approval
        .steps
        .iter()
        .map(|s| (s.policy.id.clone(), s.step))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn order_invariants((parents, users, prices, policies, lines) in inputs(), account in 0usize..6, user in 0usize..5, bump in 1u64..50, which in 0usize..6) {
        let ds = dataset(&parents, &users, &prices, &policies);
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
        prop_assert_eq!(a.subtotal.amount, sum);
        prop_assert!(a.lines.iter().all(|l| !matches!(l.resolution.outcome, Outcome::Priced(ref p) if p.price.currency != a.subtotal.currency)));

        // Raising a line's quantity (and so the total, prices being per unit) never removes a step.
        let mut bigger = o.clone();
        let i = which % bigger.lines.len();
        bigger.lines[i].qty += bump;
        let b = s.resolve_order(&bigger).unwrap();
        prop_assert!(b.subtotal.amount >= a.subtotal.amount);
        let (before, after) = (steps(&a), steps(&b));
        prop_assert!(before.is_subset(&after), "steps lost: {:?} -> {:?}", before, after);
    }
}
