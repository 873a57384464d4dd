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
    Changeset::new("cs", "test", "price B in the base list", at(), 1).with_ops(vec![Op::SetEntry {
        list: "base".into(),
        entry: EntryData::new("B", vec![TierData::new(1u64, "5.00".parse().unwrap())]),
    }])
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

/// `best_in_level` (SEMANTICS W9): the first level with a candidate decides, the cheapest within
/// it wins. An account in two buying groups gets the better group price, never `everyone`'s.
fn best_in_level_data() -> Value {
    json!({
        "accounts": [
            { "id": "hq", "name": "HQ", "currency": "USD", "price_policy": "best_in_level" },
            { "id": "region", "name": "Region", "parent": "hq", "currency": "USD" },
            { "id": "store", "name": "Store", "parent": "region", "currency": "USD" },
            { "id": "kiosk", "name": "Kiosk", "parent": "hq", "currency": "USD" }
        ],
        "users": [{ "id": "buyer", "name": "B", "memberships": [
            { "account": "hq", "roles": ["buyer"], "reach": "subtree" }] }],
        "segments": [
            { "id": "group-a", "name": "A", "accounts": ["kiosk"] },
            { "id": "group-b", "name": "B", "accounts": ["kiosk"] }
        ],
        "catalog": [{ "sku": "BOLT", "name": "Bolt" }],
        "price_lists": [
            list("group-a", "USD", &[("BOLT", "1.10")]),
            list("group-b", "USD", &[("BOLT", "0.95")]),
            list("public", "USD", &[("BOLT", "0.50")]),
            list("region-std", "USD", &[("BOLT", "1.20")]),
            list("region-promo", "USD", &[("BOLT", "1.30")]),
            { "id": "region-expired", "name": "E", "owner": "pricing", "currency": "USD",
              "valid": { "from": "2025-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z" },
              "entries": [{ "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "0.10" }] }] },
            list("hq-contract", "USD", &[("BOLT", "0.80")])
        ],
        "assignments": [
            { "id": "a-group-a", "price_list": "group-a", "scope": { "segment": "group-a" } },
            { "id": "a-group-b", "price_list": "group-b", "scope": { "segment": "group-b" } },
            { "id": "a-public", "price_list": "public", "scope": "everyone" },
            { "id": "a-region-std", "price_list": "region-std", "scope": { "subtree": "region" } },
            { "id": "a-region-promo", "price_list": "region-promo", "scope": { "subtree": "region" }, "priority": 5 },
            { "id": "a-region-expired", "price_list": "region-expired", "scope": { "subtree": "region" } },
            { "id": "a-hq", "price_list": "hq-contract", "scope": { "subtree": "hq" } }
        ]
    })
}

fn statuses(r: &tradeterms::Resolution) -> Vec<(String, String)> {
    r.outcome
        .candidates()
        .iter()
        .map(|c| (c.assignment.to_string(), c.status.to_string()))
        .collect()
}

#[test]
fn best_in_level_takes_the_cheaper_of_two_segments_and_ignores_everyone() {
    let s = build(&best_in_level_data()).unwrap();
    // The kiosk is in both groups (equal priority: no tie to refuse under this policy); its own
    // tree level is hq-contract at distance 1, which decides before the segments.
    assert_eq!(unit_price(&s, "kiosk", "BOLT"), "0.80");
    let mut d = best_in_level_data();
    d["assignments"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a["id"] != "a-hq");
    let s = build(&d).unwrap();
    let r = s
        .resolve(&Query::new("kiosk", "buyer", "BOLT", 1, at()))
        .unwrap();
    assert_eq!(r.outcome.price().unwrap().amount.to_string(), "0.95");
    let st = statuses(&r);
    assert!(st.contains(&("a-group-b".into(), "won".into())), "{st:?}");
    assert!(
        st.iter()
            .any(|(a, s)| a == "a-group-a" && s.starts_with("lost: higher amount 1.10")),
        "{st:?}"
    );
    assert!(
        st.iter()
            .any(|(a, s)| a == "a-public" && s.starts_with("lost: lower precedence")),
        "{st:?}"
    );
    // quote agrees.
    let q = s
        .quote(&Query::new("kiosk", "buyer", "BOLT", 1, at()))
        .unwrap();
    assert!(
        matches!(q.outcome, tradeterms::QuoteOutcome::Priced { ref assignment, .. } if assignment.as_ref().unwrap().as_str() == "a-group-b")
    );
}

#[test]
fn best_in_level_stops_at_the_nearest_ancestor_with_a_valid_candidate() {
    let s = build(&best_in_level_data()).unwrap();
    let r = s
        .resolve(&Query::new("store", "buyer", "BOLT", 1, at()))
        .unwrap();
    // The region level (distance 1) decides: the cheaper of its two valid lists, 1.20, although
    // hq's contract (distance 2) and everyone are cheaper; the expired region list never counts.
    assert_eq!(r.outcome.price().unwrap().amount.to_string(), "1.20");
    let st = statuses(&r);
    assert!(
        st.contains(&("a-region-std".into(), "won".into())),
        "{st:?}"
    );
    assert!(
        st.iter()
            .any(|(a, s)| a == "a-region-promo" && s.starts_with("lost: higher amount")),
        "{st:?}"
    );
    assert!(
        st.iter()
            .any(|(a, s)| a == "a-region-expired" && s.starts_with("lost: price list expired")),
        "{st:?}"
    );
    assert!(
        st.iter()
            .any(|(a, s)| a == "a-hq" && s.starts_with("lost: lower precedence")),
        "{st:?}"
    );
    // With the region's valid lists gone, the next level (hq, distance 2) decides.
    let mut d = best_in_level_data();
    d["assignments"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a["id"] != "a-region-std" && a["id"] != "a-region-promo");
    let s = build(&d).unwrap();
    assert_eq!(unit_price(&s, "store", "BOLT"), "0.80");
}

#[test]
fn best_in_level_breaks_equal_prices_by_priority_then_id() {
    let mut d = best_in_level_data();
    d["price_lists"][4]["entries"][0]["tiers"][0]["unit_price"] = json!("1.20");
    let s = build(&d).unwrap();
    let r = s
        .resolve(&Query::new("store", "buyer", "BOLT", 1, at()))
        .unwrap();
    // region-promo (priority 5) now costs the same as region-std (priority 0): priority decides.
    assert_eq!(r.outcome.price().unwrap().amount.to_string(), "1.20");
    assert!(statuses(&r).contains(&("a-region-promo".into(), "won".into())));
}

/// Fallback levels (SEMANTICS S10): how far an account's price search goes, nested levels,
/// inherited by accounts that set none.
fn fallback_data() -> Value {
    json!({
        "accounts": [
            { "id": "hq", "name": "HQ", "currency": "USD" },
            { "id": "branch", "name": "Branch", "parent": "hq", "currency": "USD" },
            { "id": "shop", "name": "Shop", "parent": "branch", "currency": "USD" }
        ],
        "users": [{ "id": "buyer", "name": "B", "memberships": [
            { "account": "hq", "roles": ["buyer"], "reach": "subtree" }] }],
        "segments": [{ "id": "trade", "name": "Trade", "accounts": ["hq", "branch", "shop"] }],
        "catalog": [
            { "sku": "OWN", "name": "Priced for the branch itself" },
            { "sku": "TREE", "name": "Priced by HQ's contract" },
            { "sku": "SEG", "name": "Priced for the trade segment" },
            { "sku": "ALL", "name": "Priced for everyone" }
        ],
        "price_lists": [
            list("branch-own", "USD", &[("OWN", "1.00")]),
            list("hq-contract", "USD", &[("OWN", "9.00"), ("TREE", "2.00")]),
            list("trade", "USD", &[("OWN", "9.00"), ("TREE", "9.00"), ("SEG", "3.00")]),
            list("public", "USD", &[("OWN", "9.00"), ("TREE", "9.00"), ("SEG", "9.00"), ("ALL", "4.00")])
        ],
        "assignments": [
            { "id": "a-branch", "price_list": "branch-own", "scope": { "subtree": "branch" } },
            { "id": "a-hq", "price_list": "hq-contract", "scope": { "subtree": "hq" } },
            { "id": "a-trade", "price_list": "trade", "scope": { "segment": "trade" } },
            { "id": "a-public", "price_list": "public", "scope": "everyone" }
        ]
    })
}

fn with_fallback(settings: &[(&str, &str)]) -> Snapshot {
    let mut v = fallback_data();
    for (account, level) in settings {
        let a = v["accounts"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|a| a["id"] == *account)
            .unwrap();
        a["price_fallback"] = json!(level);
    }
    build(&v).unwrap()
}

/// What each of the four SKUs answers for `account`: a price or `quote`.
fn sheet(s: &Snapshot, account: &str) -> Vec<String> {
    ["OWN", "TREE", "SEG", "ALL"]
        .iter()
        .map(|sku| {
            let r = s
                .resolve(&Query::new(account, "buyer", *sku, 1, at()))
                .unwrap();
            match &r.outcome {
                Outcome::Priced(p) => p.price.amount.to_string(),
                Outcome::QuoteRequired(_) => "quote".to_string(),
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

#[test]
fn each_fallback_level_adds_one_scope_of_assignments() {
    let branch = |level: Option<&str>| {
        let s = match level {
            Some(l) => with_fallback(&[("branch", l)]),
            None => with_fallback(&[]),
        };
        sheet(&s, "branch")
    };
    // Today's answers without a setting: the whole search.
    assert_eq!(branch(None), ["1.00", "2.00", "3.00", "4.00"]);
    assert_eq!(branch(Some("everyone")), ["1.00", "2.00", "3.00", "4.00"]);
    assert_eq!(branch(Some("segments")), ["1.00", "2.00", "3.00", "quote"]);
    assert_eq!(branch(Some("tree")), ["1.00", "2.00", "quote", "quote"]);
    // `own`: assignments to the branch itself only; no candidate means a quote, as the other
    // B2B platform's "current customer only" does.
    assert_eq!(branch(Some("own")), ["1.00", "quote", "quote", "quote"]);
    let s = with_fallback(&[("branch", "own")]);
    let r = s
        .resolve(&Query::new("branch", "buyer", "ALL", 1, at()))
        .unwrap();
    // The only candidate is the branch's own list, which does not price it.
    assert_eq!(
        statuses(&r),
        [(
            "a-branch".to_string(),
            "lost: the list has no entry for this SKU".to_string()
        )]
    );
}

#[test]
fn a_fallback_level_is_inherited_and_a_child_may_set_its_own() {
    // Set on HQ, inherited by branch and shop.
    let s = with_fallback(&[("hq", "tree")]);
    assert_eq!(sheet(&s, "shop"), ["1.00", "2.00", "quote", "quote"]);
    // HQ's `own` does not cut short a descendant that sets its own level: it says how far HQ's
    // own search goes.
    let s = with_fallback(&[("hq", "own"), ("shop", "everyone")]);
    assert_eq!(sheet(&s, "hq"), ["9.00", "2.00", "quote", "quote"]);
    assert_eq!(sheet(&s, "branch"), ["1.00", "quote", "quote", "quote"]);
    assert_eq!(sheet(&s, "shop"), ["1.00", "2.00", "3.00", "4.00"]);
}

#[test]
fn the_deprecated_inheritance_flag_keeps_its_meaning() {
    // `inherit.price_lists: false` drops the ancestors' lists and keeps segment and everyone
    // lists, exactly as before fallback levels existed.
    let mut v = fallback_data();
    v["accounts"][2]["inherit"] = json!({ "price_lists": false });
    let s = build(&v).unwrap();
    assert_eq!(sheet(&s, "shop"), ["9.00", "9.00", "3.00", "4.00"]);
    let w = s.lint(at());
    assert!(
        w.iter().any(
            |w| w.kind == tradeterms::WarningKind::DeprecatedPriceListInheritance
                && w.rules == ["shop"]
        ),
        "{w:?}"
    );
}

#[test]
fn fallback_levels_decide_which_assignments_can_tie() {
    // Two equal-priority lists for everyone tie for an account that searches that far...
    let mut v = fallback_data();
    v["assignments"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": "a-public-2", "price_list": "public", "scope": "everyone" }));
    assert!(build(&v).is_err());
    // ...and do not when no account's search reaches everyone.
    v["accounts"][0]["price_fallback"] = json!("segments");
    let s = build(&v).unwrap();
    assert_eq!(sheet(&s, "shop")[3], "quote");
}

/// Reference prices (SEMANTICS P9): "your price 90.00, list 120.00, you save 25 %".
fn reference_data() -> Value {
    json!({
        "accounts": [
            { "id": "hq", "name": "HQ", "currency": "USD" },
            { "id": "shop", "name": "Shop", "parent": "hq", "currency": "USD" },
            { "id": "paris", "name": "Paris", "currency": "EUR" }
        ],
        "users": [{ "id": "buyer", "name": "B", "memberships": [
            { "account": "hq", "roles": ["buyer"], "reach": "subtree" },
            { "account": "paris", "roles": ["buyer"] }] }],
        "catalog": [
            { "sku": "DRILL", "name": "Drill" },
            { "sku": "SCREW", "name": "Screw" },
            { "sku": "SPECIAL", "name": "Special" }
        ],
        "price_lists": [
            { "id": "list-usd", "name": "List prices", "owner": "pricing", "currency": "USD",
              "entries": [
                { "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "120.00" }, { "min_qty": 10, "unit_price": "100.00" }] },
                { "sku": "SCREW", "tiers": [{ "min_qty": 1, "unit_price": "0.30" }] }
              ] },
            { "id": "list-grad", "name": "Graduated list", "owner": "pricing", "currency": "USD",
              "tier_mode": "graduated",
              "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "130.00" }, { "min_qty": 5, "unit_price": "110.00" }] }] },
            { "id": "contract", "name": "Contract", "owner": "sales", "currency": "USD",
              "entries": [
                { "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "90.00" }] },
                { "sku": "SCREW", "tiers": [{ "min_qty": 1, "unit_price": "0.35" }] },
                { "sku": "SPECIAL", "tiers": [{ "min_qty": 1, "unit_price": "5.00" }] }
              ] },
            { "id": "contract-minus", "name": "Contract -10 %", "owner": "sales", "currency": "USD",
              "relative": { "base": "list-usd", "adjustments": [{ "percent": "-10" }] } },
            list("eur", "EUR", &[("DRILL", "80.00")])
        ],
        "assignments": [
            { "id": "a-contract", "price_list": "contract", "scope": { "subtree": "hq" } },
            { "id": "a-eur", "price_list": "eur", "scope": { "account": "paris" } }
        ],
        "reference_lists": [
            { "list": "list-usd" },
            { "list": "list-grad", "account": "shop" }
        ]
    })
}

fn reference_of(s: &Snapshot, account: &str, sku: &str, qty: u64) -> tradeterms::Reference {
    let r = s
        .resolve(&Query::new(account, "buyer", sku, qty, at()))
        .unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    // quote and the price sheet carry the same reference.
    let q = s
        .quote(&Query::new(account, "buyer", sku, qty, at()))
        .unwrap();
    let tradeterms::QuoteOutcome::Priced { reference, .. } = &q.outcome else {
        panic!()
    };
    assert_eq!(reference, &p.reference);
    p.reference.clone()
}

fn compared(r: &tradeterms::Reference) -> (String, String, String, Option<String>) {
    match r {
        tradeterms::Reference::Compared(c) => (
            c.list.as_ref().unwrap().to_string(),
            c.amount.to_string(),
            c.saving.to_string(),
            c.saving_percent.map(|p| p.to_string()),
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_priced_line_carries_its_reference_price_and_saving() {
    let s = build(&reference_data()).unwrap();
    // Volume: 2 drills at 90.00 against the list's 120.00: save 60.00, 25 %.
    assert_eq!(
        compared(&reference_of(&s, "hq", "DRILL", 2)),
        (
            "list-usd".into(),
            "240.00".into(),
            "60.00".into(),
            Some("25.00".into())
        )
    );
    // At 10 the list's volume tier 100.00 applies: 1,000.00 vs 900.00, save 10 %.
    assert_eq!(
        compared(&reference_of(&s, "hq", "DRILL", 10)),
        (
            "list-usd".into(),
            "1000.00".into(),
            "100.00".into(),
            Some("10.00".into())
        )
    );
    // The shop's own reference (its subtree setting) is graduated: 4 x 130 + 2 x 110 = 740.00
    // for 6 drills against 540.00; no single reference unit price.
    let r = reference_of(&s, "shop", "DRILL", 6);
    assert_eq!(
        compared(&r),
        (
            "list-grad".into(),
            "740.00".into(),
            "200.00".into(),
            Some("27.03".into())
        )
    );
    assert!(matches!(&r, tradeterms::Reference::Compared(c) if c.unit_price.is_none()));
    // A contract above the reference is a negative saving, shown, not hidden.
    assert_eq!(
        compared(&reference_of(&s, "hq", "SCREW", 3)),
        (
            "list-usd".into(),
            "0.90".into(),
            "-0.15".into(),
            Some("-16.67".into())
        )
    );
}

#[test]
fn no_reference_price_says_why_and_never_changes_the_decision() {
    let s = build(&reference_data()).unwrap();
    use tradeterms::{NoReference, Reference};
    // The reference list has no entry for the SKU.
    assert_eq!(
        reference_of(&s, "hq", "SPECIAL", 1),
        Reference::None {
            reason: NoReference::NoEntry
        }
    );
    // No reference list in EUR.
    assert_eq!(
        reference_of(&s, "paris", "DRILL", 1),
        Reference::None {
            reason: NoReference::NoReferenceList
        }
    );
    // Naming a cheaper or dearer reference changes no price and no winner.
    let mut v = reference_data();
    v["reference_lists"] = json!([]);
    let without = build(&v).unwrap();
    for (account, sku, qty) in [("hq", "DRILL", 2), ("shop", "DRILL", 6), ("hq", "SCREW", 3)] {
        let a = s
            .resolve(&Query::new(account, "buyer", sku, qty, at()))
            .unwrap();
        let b = without
            .resolve(&Query::new(account, "buyer", sku, qty, at()))
            .unwrap();
        let (Outcome::Priced(pa), Outcome::Priced(pb)) = (&a.outcome, &b.outcome) else {
            panic!()
        };
        assert_eq!(
            (&pa.price, &pa.source, &pa.candidates),
            (&pb.price, &pb.source, &pb.candidates)
        );
    }
    // A relative reference prices through its base: -10 % of the list.
    v["reference_lists"] = json!([{ "list": "contract-minus" }]);
    let s = build(&v).unwrap();
    assert_eq!(
        compared(&reference_of(&s, "hq", "DRILL", 2)),
        (
            "contract-minus".into(),
            "216.00".into(),
            "36.00".into(),
            Some("16.67".into())
        )
    );
    // Two references for one currency and scope are refused.
    v["reference_lists"] = json!([{ "list": "list-usd" }, { "list": "contract-minus" }]);
    let err = build(&v).unwrap_err();
    assert!(
        err.to_string().contains("USD reference of every account"),
        "{err}"
    );
}

#[test]
fn lint_flags_a_price_above_the_reference_at_its_tier_boundaries_and_counts_references_used() {
    let s = build(&reference_data()).unwrap();
    let w = s.lint(at());
    let above: Vec<&tradeterms::Warning> = w
        .iter()
        .filter(|w| w.kind == tradeterms::WarningKind::AboveReference)
        .collect();
    // The contract's screws (0.35) are above the list's (0.30) at quantity 1; its drills are
    // above the graduated shop reference nowhere (90 < 130, 110).
    assert_eq!(above.len(), 1, "{w:?}");
    assert_eq!(above[0].rules, ["contract", "list-usd"]);
    assert!(
        above[0].detail.contains("SKU `SCREW`") && above[0].detail.contains("0.35 > 0.30 at 1"),
        "{}",
        above[0]
    );
    // Reference lists are in use: not reported as assigned nowhere.
    assert!(
        !w.iter()
            .any(|w| w.kind == tradeterms::WarningKind::UnassignedList
                && (w.rules == ["list-usd"] || w.rules == ["list-grad"])),
        "{w:?}"
    );
}

#[test]
fn a_reference_out_of_window_or_on_quote_gives_no_reference_price() {
    use tradeterms::{NoReference, Reference};
    // Expired reference list: not valid at this instant.
    let mut v = reference_data();
    v["price_lists"][0]["valid"] =
        json!({ "from": "2025-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z" });
    let s = build(&v).unwrap();
    assert_eq!(
        reference_of(&s, "hq", "DRILL", 2),
        Reference::None {
            reason: NoReference::NotValid
        }
    );
    // A quote-only reference list, or a quantity above the reference entry's quote_above:
    // a price given on request is never shown as a list price.
    let mut v = reference_data();
    v["price_lists"][0]["quote_only"] = json!(true);
    let s = build(&v).unwrap();
    assert_eq!(
        reference_of(&s, "hq", "DRILL", 2),
        Reference::None {
            reason: NoReference::OnQuote
        }
    );
    let mut v = reference_data();
    v["price_lists"][0]["entries"][0]["quote_above"] = json!(5);
    let s = build(&v).unwrap();
    assert!(matches!(
        reference_of(&s, "hq", "DRILL", 5),
        Reference::Compared(_)
    ));
    assert_eq!(
        reference_of(&s, "hq", "DRILL", 6),
        Reference::None {
            reason: NoReference::OnQuote
        }
    );
}

/// Issue 13, point 12: removing an entry from a relative list said the list "also has
/// entries"; it has none, so the entry is not found.
#[test]
fn removing_an_entry_from_a_relative_list_is_not_found() {
    let s = build(&derivation_tree(2, 1, 0)).unwrap();
    let mut cs = add_b_to_base();
    cs.ops = vec![Op::Remove(tradeterms::EntityRef::Entry {
        list: "leaf".into(),
        sku: "A".into(),
        unit: None,
    })];
    let err = s.apply(&cs).unwrap_err();
    assert!(
        matches!(&err, tradeterms::ApplyError::NotFound { what, .. }
            if what == &tradeterms::EntityRef::Entry { list: "leaf".into(), sku: "A".into(), unit: None }),
        "{err}"
    );
    assert!(!err.to_string().contains("also has entries"), "{err}");
}
