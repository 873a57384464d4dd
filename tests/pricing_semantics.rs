//! Pricing semantics checked against other engines' cases (issue 11): each test reproduces a
//! case where the engine disagreed with its own README, and pins the fixed behaviour.
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
use serde_json::{Value, json};
use tradeterms::{
    BuildProblem, Changeset, Dataset, EntryData, Op, Outcome, Query, Snapshot, TierData, Timestamp,
};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn build(v: &Value) -> Result<Snapshot, tradeterms::BuildError> {
    let d: Dataset = serde_json::from_value(v.clone()).unwrap();
    Snapshot::from_dataset(&d)
}

fn list(id: &str, currency: &str, entries: &[(&str, &str)]) -> Value {
    let entries: Vec<Value> = entries
        .iter()
        .map(|(sku, p)| json!({ "sku": sku, "tiers": [{ "min_qty": 1, "unit_price": p }] }))
        .collect();
    json!({ "id": id, "name": id, "owner": "pricing", "currency": currency, "entries": entries })
}

fn relative(id: &str, base: &str) -> Value {
    json!({ "id": id, "name": id, "owner": "pricing", "currency": "USD",
            "relative": { "base": base, "adjustments": [{ "percent": "0" }] } })
}

fn unit_price(s: &Snapshot, account: &str, sku: &str) -> String {
    let r = s
        .resolve(&Query::new(account, "buyer", sku, 1, at()))
        .unwrap();
    match &r.outcome {
        Outcome::Priced(p) => p.price.amount.to_string(),
        other => panic!("{other:?}"),
    }
}

/// Bug 1: two equal-priority PLN lists on two segments whose only shared member is priced in
/// EUR can never decide a price for it: no tie. The account pays its EUR price.
#[test]
fn lists_in_another_currency_than_every_shared_account_do_not_tie() {
    let v = json!({
        "accounts": [{ "id": "berlin", "name": "Berlin", "currency": "EUR" }],
        "users": [{ "id": "buyer", "name": "B", "memberships": [{ "account": "berlin", "roles": ["buyer"] }] }],
        "segments": [
            { "id": "s1", "name": "S1", "accounts": ["berlin"] },
            { "id": "s2", "name": "S2", "accounts": ["berlin"] }
        ],
        "catalog": [{ "sku": "BOLT", "name": "Bolt" }],
        "price_lists": [
            list("pln-1", "PLN", &[("BOLT", "4.00")]),
            list("pln-2", "PLN", &[("BOLT", "3.00")]),
            list("eur", "EUR", &[("BOLT", "1.00")])
        ],
        "assignments": [
            { "id": "a1", "price_list": "pln-1", "scope": { "segment": "s1" } },
            { "id": "a2", "price_list": "pln-2", "scope": { "segment": "s2" } },
            { "id": "all", "price_list": "eur", "scope": "everyone" }
        ]
    });
    let s = build(&v).unwrap();
    assert_eq!(unit_price(&s, "berlin", "BOLT"), "1.00");

    // The same for `everyone` when no account is priced in the lists' currency.
    let mut w = v.clone();
    w["assignments"] = json!([
        { "id": "a1", "price_list": "pln-1", "scope": "everyone" },
        { "id": "a2", "price_list": "pln-2", "scope": "everyone" },
        { "id": "all", "price_list": "eur", "scope": "everyone", "priority": 1 }
    ]);
    let s = build(&w).unwrap();
    assert_eq!(unit_price(&s, "berlin", "BOLT"), "1.00");

    // A shared member priced in PLN makes it a tie again.
    let mut x = v.clone();
    x["accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": "krakow", "name": "Krakow", "currency": "PLN" }));
    x["segments"] = json!([
        { "id": "s1", "name": "S1", "accounts": ["berlin", "krakow"] },
        { "id": "s2", "name": "S2", "accounts": ["berlin", "krakow"] }
    ]);
    let problems = build(&x).unwrap_err();
    assert!(
        problems
            .problems()
            .iter()
            .any(|p| matches!(p, BuildProblem::AmbiguousAssignments { .. })),
        "{problems}"
    );
}

/// A dataset where `base` prices only SKU `A`; relative lists derive from it as a chain of
/// `depth`, then a fan of `fan` lists, then one `leaf` list below one of the fan; the leaf is
/// assigned to segment `s` at priority 0, and an absolute list `rival` pricing `B` is assigned
/// to `s` at priority 0 too. Adding `B` to `base` makes the leaf price `B`: a tie.
fn derivation_tree(fan: usize, depth: usize, assigned: usize) -> Value {
    let mut lists = vec![
        list("base", "USD", &[("A", "1.00")]),
        list("rival", "USD", &[("B", "2.00")]),
    ];
    let mut parent = "base".to_string();
    for d in 0..depth {
        let id = format!("chain-{d}");
        lists.push(relative(&id, &parent));
        parent = id;
    }
    for f in 0..fan {
        lists.push(relative(&format!("fan-{f}"), &parent));
    }
    let leaf_parent = if fan == 0 {
        parent.clone()
    } else {
        format!("fan-{}", assigned % fan)
    };
    lists.push(relative("leaf", &leaf_parent));
    json!({
        "accounts": [{ "id": "acme", "name": "Acme", "currency": "USD" }],
        "users": [{ "id": "buyer", "name": "B", "memberships": [{ "account": "acme", "roles": ["buyer"] }] }],
        "segments": [{ "id": "s", "name": "S", "accounts": ["acme"] }],
        "catalog": [{ "sku": "A", "name": "A" }, { "sku": "B", "name": "B" }],
        "price_lists": lists,
        "assignments": [
            { "id": "derived", "price_list": "leaf", "scope": { "segment": "s" } },
            { "id": "rival", "price_list": "rival", "scope": { "segment": "s" } }
        ]
    })
}

fn add_b_to_base() -> Changeset {
    Changeset {
        id: "cs".into(),
        author: "test".into(),
        reason: "price B in the base list".into(),
        at: at(),
        base_version: 1,
        ops: vec![Op::SetEntry {
            list: "base".into(),
            entry: EntryData {
                sku: "B".into(),
                tiers: vec![TierData {
                    min_qty: 1,
                    unit_price: "5.00".parse().unwrap(),
                }],
                ..Default::default()
            },
        }],
    }
}

/// Whether the full build accepts the dataset with `B` added to `base`.
fn rebuild_accepts(v: &Value) -> bool {
    let mut w = v.clone();
    w["price_lists"][0]["entries"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "sku": "B", "tiers": [{ "min_qty": 1, "unit_price": "5.00" }] }));
    build(&w).is_ok()
}

/// Bug 2: behind more than 1,024 derived lists the fast path used to stop looking and accept
/// a tie the full build refuses.
#[test]
fn the_price_entry_fast_path_finds_ties_behind_any_number_of_derived_lists() {
    let v = derivation_tree(1_100, 0, 1_099);
    let s = build(&v).unwrap();
    assert!(!rebuild_accepts(&v));
    let err = s.apply(&add_b_to_base()).unwrap_err();
    assert!(err.to_string().contains("derived"), "{err}");
    // The snapshot is untouched and still round-trips through its dataset.
    assert_eq!(s.version(), 1);
    assert!(Snapshot::from_dataset(&s.to_dataset()).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// The fast path agrees with a rebuild on wide and deep derivation trees.
    #[test]
    fn fast_path_agrees_with_a_rebuild_on_derivation_trees(
        fan in 0usize..1_500,
        depth in 0usize..15,
        assigned in 0usize..1_500,
    ) {
        let v = derivation_tree(fan, depth, assigned);
        let s = build(&v).unwrap();
        let fast = s.apply(&add_b_to_base());
        prop_assert_eq!(fast.is_ok(), rebuild_accepts(&v));
        if let Ok(next) = fast {
            prop_assert!(Snapshot::from_dataset(&next.to_dataset()).is_ok());
        }
    }
}

/// Bug 3: a 0 % relative list over a graduated list priced 100 units at the volume price. It
/// prices with its base's tier mode (SEMANTICS T7), whatever its own `tier_mode` says.
#[test]
fn a_relative_list_prices_with_its_bases_tier_mode() {
    let tiers = json!([
        { "min_qty": 1, "unit_price": "0.30" },
        { "min_qty": 10, "unit_price": "0.25" },
        { "min_qty": 100, "unit_price": "0.20" }
    ]);
    let v = json!({
        "accounts": [
            { "id": "direct", "name": "Direct", "currency": "USD" },
            { "id": "derived", "name": "Derived", "currency": "USD" }
        ],
        "users": [{ "id": "buyer", "name": "B", "memberships": [
            { "account": "direct", "roles": ["buyer"] }, { "account": "derived", "roles": ["buyer"] }] }],
        "catalog": [{ "sku": "SCREW", "name": "Screw" }],
        "price_lists": [
            { "id": "base", "name": "Base", "owner": "pricing", "currency": "USD",
              "tier_mode": "graduated", "entries": [{ "sku": "SCREW", "tiers": tiers }] },
            { "id": "same", "name": "Same", "owner": "pricing", "currency": "USD",
              "tier_mode": "volume",
              "relative": { "base": "base", "adjustments": [{ "percent": "0" }] } }
        ],
        "assignments": [
            { "id": "a-direct", "price_list": "base", "scope": { "account": "direct" } },
            { "id": "a-derived", "price_list": "same", "scope": { "account": "derived" } }
        ]
    });
    let s = build(&v).unwrap();
    let line = |account: &str| {
        let r = s
            .resolve(&Query::new(account, "buyer", "SCREW", 100, at()))
            .unwrap();
        let p = r.outcome.price().unwrap().clone();
        (p.amount.to_string(), p.tier_mode, p.slices.len())
    };
    // 9 x 0.30 + 90 x 0.25 + 1 x 0.20 = 25.40 (volume would give 20.00).
    assert_eq!(line("direct").0, "25.40");
    assert_eq!(line("derived"), line("direct"));
    assert_eq!(line("derived").1, tradeterms::TierMode::Graduated);
    let q = s
        .quote(&Query::new("derived", "buyer", "SCREW", 100, at()))
        .unwrap();
    assert!(
        matches!(q.outcome, tradeterms::QuoteOutcome::Priced { amount, .. } if amount.to_string() == "25.40")
    );
}
