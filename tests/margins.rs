//! Cost, floors and margins as distribution contracts are written (issue 16, point 4;
//! SEMANTICS P6d-P6f): the seller's cost list says what each SKU costs in USD; Acme buys at
//! cost + 12 % rounded to a .99 price point, never under cost + 5 %, clamped; Globex's contract
//! derives from the public list with fixed prices, a 5 % minimum margin that is reported, not
//! clamped, and for one SKU a 50 % maximum margin.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap is a failed test"
)]

use rust_decimal::Decimal;
use serde_json::{Value, json};
use tradeterms::{
    Audience, BuildProblem, Changeset, Dataset, EntityKind, MarginCheck, MarginStatus, Outcome,
    Query, QuoteOutcome, Snapshot, Timestamp, WarningKind,
};

const DATA: &str = r#"{
  "accounts": [
    { "id": "acme", "name": "Acme", "currency": "USD" },
    { "id": "globex", "name": "Globex", "currency": "USD" }
  ],
  "users": [{ "id": "ann", "name": "Ann", "memberships": [
    { "account": "acme", "roles": ["buyer"] }, { "account": "globex", "roles": ["buyer"] } ] }],
  "catalog": [
    { "sku": "LAMP", "name": "Lamp", "categories": ["lighting"] },
    { "sku": "GLUE", "name": "Glue", "categories": ["supplies"] },
    { "sku": "BOLT", "name": "Bolt", "categories": ["supplies"] },
    { "sku": "NOCOST", "name": "No cost known", "categories": ["supplies"] }
  ],
  "price_lists": [
    { "id": "cost-usd", "name": "Cost", "owner": "finance@seller.example", "currency": "USD",
      "cost": true,
      "entries": [
        { "sku": "LAMP", "tiers": [{ "min_qty": 1, "unit_price": "4.00" }] },
        { "sku": "GLUE", "tiers": [{ "min_qty": 1, "unit_price": "10.00" }] },
        { "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "10.00" }, { "min_qty": 100, "unit_price": "8.00" }] }
      ] },
    { "id": "public", "name": "Public", "owner": "pricing@seller.example", "currency": "USD",
      "entries": [
        { "sku": "LAMP", "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] },
        { "sku": "GLUE", "tiers": [{ "min_qty": 1, "unit_price": "20.00" }] },
        { "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "20.00" }] },
        { "sku": "NOCOST", "tiers": [{ "min_qty": 1, "unit_price": "5.00" }] }
      ] },
    { "id": "cost-plus", "name": "Acme contract", "owner": "sales@seller.example",
      "currency": "USD", "min_margin": "5", "margin": "clamp",
      "relative": { "base": "cost-usd", "adjustments": [
        { "percent": "12", "round_to": "1", "ending": "-0.01" } ] } },
    { "id": "globex-contract", "name": "Globex contract", "owner": "key-accounts@seller.example",
      "currency": "USD", "min_margin": "5",
      "relative": { "base": "public", "adjustments": [
        { "sku": "GLUE", "price": "10.49" },
        { "sku": "BOLT", "price": "10.50" },
        { "sku": "NOCOST", "price": "1.00" },
        { "sku": "LAMP", "price": "7.00", "max_margin": "50" } ] } }
  ],
  "assignments": [
    { "id": "acme", "price_list": "cost-plus", "scope": { "account": "acme" }, "priority": 10 },
    { "id": "globex", "price_list": "globex-contract", "scope": { "account": "globex" }, "priority": 10 },
    { "id": "public", "price_list": "public", "scope": "everyone" }
  ]
}"#;

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn data_with(edit: impl FnOnce(&mut Value)) -> Dataset {
    let mut v: Value = serde_json::from_str(DATA).unwrap();
    edit(&mut v);
    serde_json::from_value(v).unwrap()
}

fn snapshot_with(edit: impl FnOnce(&mut Value)) -> Snapshot {
    Snapshot::from_dataset(&data_with(edit)).unwrap()
}

fn snapshot() -> Snapshot {
    snapshot_with(|_| {})
}

/// The priced line's unit price and margin checks; `quote` must agree on the amount.
fn priced(s: &Snapshot, account: &str, sku: &str, qty: u64) -> (Decimal, Vec<MarginCheck>) {
    let q = Query::new(account, "ann", sku, qty, at());
    let r = s.resolve(&q).unwrap();
    let Outcome::Priced(p) = r.outcome else {
        panic!("not priced: {sku} x {qty}: {r}");
    };
    match s.quote(&q).unwrap().outcome {
        QuoteOutcome::Priced { amount, .. } => assert_eq!(amount, p.price.amount),
        other => panic!("quote differs: {other:?}"),
    }
    (p.price.unit_price().unwrap(), p.price.margins.clone())
}

fn problems(ds: &Dataset) -> Vec<BuildProblem> {
    Snapshot::from_dataset(ds)
        .expect_err("the build must refuse")
        .problems()
        .to_vec()
}

#[test]
fn cost_plus_12_rounded_to_99_with_a_5_percent_minimum_margin_is_clamped_and_reported() {
    let s = snapshot();
    // LAMP costs 4.00: 4.00 x 1.12 = 4.48 -> 4 -> 3.99, under the floor 4.00 x 1.05 = 4.20.
    let (unit, margins) = priced(&s, "acme", "LAMP", 3);
    assert_eq!(unit, d("4.20"));
    assert_eq!(margins.len(), 1);
    let m = &margins[0];
    assert_eq!(m.list.as_str(), "cost-plus");
    assert_eq!(m.owner, "sales@seller.example");
    assert_eq!(m.cost_list.as_str(), "cost-usd");
    assert_eq!(m.cost, Some(d("4.00")));
    assert_eq!(m.min_margin, Some(d("5")));
    assert_eq!(m.written, d("3.99"));
    assert_eq!(m.status, MarginStatus::ClampedToFloor { floor: d("4.20") });
    let r = s
        .resolve(&Query::new("acme", "ann", "LAMP", 3, at()))
        .unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!()
    };
    assert_eq!(p.price.amount.to_string(), "12.60");
    let text = r.to_string();
    assert!(
        text.contains(
            "margin: `cost-plus` (owner sales@seller.example) from 1 units: 3.99 under the floor"
        ),
        "{text}"
    );
    assert!(
        text.contains("(cost 4.00 in `cost-usd` + 5 %), clamped to"),
        "{text}"
    );
    // A clamped price is not a price under the floor: lint has nothing to say about it.
    let lint = s.lint(at());
    assert!(
        !lint.iter().any(|w| w.kind == WarningKind::PricedUnderMargin
            && w.rules.contains(&"cost-plus".to_string())),
        "{lint:?}"
    );
    // GLUE costs 10.00: 11.20 -> 11 -> 10.99, above the floor 10.50: within.
    let (unit, margins) = priced(&s, "acme", "GLUE", 1);
    assert_eq!(unit, d("10.99"));
    assert_eq!(margins[0].status, MarginStatus::Within);

    // The same contract reporting instead: priced as written, named in the explanation and lint.
    let s = snapshot_with(|v| v["price_lists"][2]["margin"] = json!("report"));
    let (unit, margins) = priced(&s, "acme", "LAMP", 3);
    assert_eq!(unit, d("3.99"));
    assert_eq!(
        margins[0].status,
        MarginStatus::BelowFloor { floor: d("4.20") }
    );
    let text = s
        .resolve(&Query::new("acme", "ann", "LAMP", 3, at()))
        .unwrap()
        .to_string();
    assert!(text.contains("3.99 under the floor"), "{text}");
    assert!(text.contains("priced as written"), "{text}");
    let under: Vec<_> = s
        .lint(at())
        .into_iter()
        .filter(|w| w.kind == WarningKind::PricedUnderMargin)
        .filter(|w| w.rules == ["cost-plus"])
        .collect();
    assert_eq!(under.len(), 1, "{under:?}");
    assert_eq!(under[0].owners, ["sales@seller.example"]);
    assert!(
        under[0].detail.contains("SKU `LAMP`"),
        "{}",
        under[0].detail
    );
    assert!(under[0].detail.contains("3.99 <"), "{}", under[0].detail);
    assert!(
        under[0].detail.contains("cost list `cost-usd`"),
        "{}",
        under[0].detail
    );
}

#[test]
fn exactly_at_the_floor_is_within_and_one_cent_under_is_not() {
    let s = snapshot();
    // BOLT at 10.50 over a cost of 10.00: exactly cost + 5 %.
    let (unit, margins) = priced(&s, "globex", "BOLT", 1);
    assert_eq!(unit, d("10.50"));
    assert_eq!(margins[0].status, MarginStatus::Within);
    // GLUE at 10.49: one cent under, reported (the list does not clamp).
    let (unit, margins) = priced(&s, "globex", "GLUE", 1);
    assert_eq!(unit, d("10.49"));
    assert_eq!(
        margins[0].status,
        MarginStatus::BelowFloor { floor: d("10.50") }
    );
    assert_eq!(margins[0].owner, "key-accounts@seller.example");
    // Clamped, it is the floor.
    let s = snapshot_with(|v| v["price_lists"][3]["margin"] = json!("clamp"));
    let (unit, margins) = priced(&s, "globex", "GLUE", 1);
    assert_eq!(unit, d("10.50"));
    assert_eq!(
        margins[0].status,
        MarginStatus::ClampedToFloor { floor: d("10.50") }
    );
}

#[test]
fn the_maximum_margin_is_a_ceiling_and_the_adjustment_s_bound_replaces_the_list_s() {
    // LAMP at 7.00 over a cost of 4.00 with at most 50 %: the ceiling is 6.00.
    let s = snapshot();
    let (unit, margins) = priced(&s, "globex", "LAMP", 1);
    assert_eq!(unit, d("7.00"));
    assert_eq!(
        margins[0].min_margin,
        Some(d("5")),
        "the list's floor still holds"
    );
    assert_eq!(margins[0].max_margin, Some(d("50")));
    assert_eq!(
        margins[0].status,
        MarginStatus::AboveCeiling { ceiling: d("6.00") }
    );
    let s = snapshot_with(|v| v["price_lists"][3]["margin"] = json!("clamp"));
    let (unit, margins) = priced(&s, "globex", "LAMP", 1);
    assert_eq!(unit, d("6.00"));
    assert_eq!(
        margins[0].status,
        MarginStatus::ClampedToCeiling { ceiling: d("6.00") }
    );
    // The adjustment's own min_margin replaces the list's: 0 % lets GLUE sell at 10.49? No:
    // at 0 % the floor is the cost, 10.00, and 10.49 is within.
    let s = snapshot_with(|v| {
        v["price_lists"][3]["relative"]["adjustments"][0]["min_margin"] = json!("0");
    });
    let (unit, margins) = priced(&s, "globex", "GLUE", 1);
    assert_eq!(unit, d("10.49"));
    assert_eq!(margins[0].min_margin, Some(d("0")));
    assert_eq!(margins[0].status, MarginStatus::Within);
}

#[test]
fn without_a_cost_the_margin_does_not_apply_and_the_explanation_says_so() {
    let s = snapshot();
    let (unit, margins) = priced(&s, "globex", "NOCOST", 1);
    assert_eq!(unit, d("1.00"));
    assert_eq!(margins.len(), 1);
    assert_eq!(margins[0].status, MarginStatus::NoCost);
    assert_eq!(margins[0].cost, None);
    let text = s
        .resolve(&Query::new("globex", "ann", "NOCOST", 1, at()))
        .unwrap()
        .to_string();
    assert!(text.contains("no cost in `cost-usd`"), "{text}");
    // Nor does lint call it under its margin; it says the margin has no cost to apply to.
    let lint = s.lint(at());
    assert!(
        !lint
            .iter()
            .any(|w| w.kind == WarningKind::PricedUnderMargin && w.detail.contains("NOCOST"))
    );
    let missing: Vec<_> = lint
        .iter()
        .filter(|w| w.kind == WarningKind::MarginWithoutCost)
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].rules, ["globex-contract"]);
    assert_eq!(missing[0].owners, ["key-accounts@seller.example"]);
    assert!(
        missing[0].detail.contains("SKU `NOCOST` from 1 units"),
        "{}",
        missing[0].detail
    );
}

#[test]
fn each_tier_is_held_against_the_cost_at_its_own_minimum_quantity() {
    // BOLT costs 10.00, and 8.00 from 100: cost + 12 % gives 10.99 and 8.96 -> 8.99.
    let s = snapshot();
    let (unit, margins) = priced(&s, "acme", "BOLT", 100);
    assert_eq!(unit, d("8.99"));
    assert_eq!(margins[0].min_qty, 100);
    assert_eq!(margins[0].cost, Some(d("8.00")));
    let (unit, _) = priced(&s, "acme", "BOLT", 99);
    assert_eq!(unit, d("10.99"));
}

#[test]
fn a_cost_list_is_never_a_candidate_nor_shown_to_a_buyer() {
    let s = snapshot();
    // Globex has no cost-plus assignment; no answer names the cost list as a candidate.
    for account in ["acme", "globex"] {
        for sku in ["LAMP", "GLUE", "BOLT", "NOCOST"] {
            let r = s
                .resolve(&Query::new(account, "ann", sku, 1, at()))
                .unwrap();
            assert!(
                r.outcome
                    .candidates()
                    .iter()
                    .all(|c| c.list.as_str() != "cost-usd"),
                "{r}"
            );
            // The buyer's answer: no cost, no margin, no cost list, no owner.
            let buyer = s
                .resolve(&Query::new(account, "ann", sku, 1, at()).with_audience(Audience::Buyer))
                .unwrap();
            if let Some(p) = buyer.outcome.price() {
                assert!(p.margins.is_empty());
            }
            let json = serde_json::to_string(&buyer).unwrap();
            for secret in ["cost", "margin", "finance@", "floor"] {
                assert!(!json.contains(secret), "{secret} in {json}");
            }
            assert!(!buyer.to_string().contains("cost"), "{buyer}");
        }
    }
    // A buyer's price sheet neither.
    let sheet: Vec<_> = s
        .price_sheet("acme", "ann", at(), 1)
        .unwrap()
        .map(|l| l.unwrap().for_audience(Audience::Buyer))
        .collect();
    assert!(!sheet.is_empty());
    let json = serde_json::to_string(&sheet).unwrap();
    assert!(!json.contains("cost") && !json.contains("margin"), "{json}");
    // The cost list is used, as a floor and a base: lint does not call it unassigned.
    assert!(
        !s.lint(at())
            .iter()
            .any(|w| w.kind == WarningKind::UnassignedList && w.rules == ["cost-usd"])
    );
}

#[test]
fn a_cost_list_assigned_or_named_as_a_reference_is_refused() {
    let ds = data_with(|v| {
        v["assignments"].as_array_mut().unwrap().push(
            json!({ "id": "leak", "price_list": "cost-usd", "scope": "everyone", "priority": 5 }),
        );
    });
    let p = problems(&ds);
    assert!(
        p.contains(&BuildProblem::CostListAssigned {
            kind: EntityKind::Assignment,
            id: "leak".into(),
            list: "cost-usd".into(),
        }),
        "{p:?}"
    );
    assert!(p[0].to_string().contains("`leak`") && p[0].to_string().contains("`cost-usd`"));
    let ds = data_with(|v| v["reference_lists"] = json!([{ "list": "cost-usd" }]));
    let p = problems(&ds);
    assert!(
        p.iter()
            .any(|p| matches!(p, BuildProblem::CostListAssigned {
            kind: EntityKind::ReferenceList, list, .. } if list.as_str() == "cost-usd")),
        "{p:?}"
    );
}

#[test]
fn two_cost_lists_in_one_currency_are_refused_naming_both() {
    let ds = data_with(|v| {
        let mut second = v["price_lists"][0].clone();
        second["id"] = json!("another-cost");
        v["price_lists"].as_array_mut().unwrap().push(second);
    });
    let p = problems(&ds);
    assert_eq!(
        p,
        vec![BuildProblem::DuplicateCostList {
            currency: "USD".into(),
            first: "another-cost".into(),
            second: "cost-usd".into(),
        }]
    );
    assert_eq!(p[0].code(), "duplicate_cost_list");
}

#[test]
fn margins_that_cannot_apply_are_refused() {
    let invalid = |edit: fn(&mut Value)| -> Vec<String> {
        problems(&data_with(edit))
            .into_iter()
            .map(|p| {
                assert_eq!(p.code(), "invalid_margin", "{p}");
                p.to_string()
            })
            .collect()
    };
    // No cost list in the currency.
    let p = invalid(|v| {
        v["price_lists"][0]["cost"] = json!(false);
        v["price_lists"][2]["min_margin"] = Value::Null;
        v["price_lists"][2]["margin"] = Value::Null;
        v["price_lists"][2]
            .as_object_mut()
            .unwrap()
            .retain(|_, x| !x.is_null());
    });
    assert!(
        p.iter()
            .any(|m| m.contains("`globex-contract`") && m.contains("no cost list is in USD")),
        "{p:?}"
    );
    // A floor above the ceiling.
    let p = invalid(|v| v["price_lists"][3]["max_margin"] = json!("4"));
    assert!(p[0].contains("above `max_margin`"), "{p:?}");
    // Below -100 %.
    let p = invalid(|v| {
        v["price_lists"][3]["relative"]["adjustments"][1]["min_margin"] = json!("-101");
    });
    assert!(p[0].contains("adjustment 1 has `min_margin` -101"), "{p:?}");
    // Margins on the cost list itself.
    let p = invalid(|v| v["price_lists"][0]["min_margin"] = json!("5"));
    assert!(p[0].contains("`cost-usd`"), "{p:?}");
}

#[test]
fn a_changed_cost_moves_the_floor_on_the_fast_path() {
    let s = snapshot();
    let change = Changeset::from_json(
        r#"{ "id": "cs-1", "author": "maria", "reason": "glue got cheaper",
             "at": "2026-06-01T00:00:00Z", "base_version": 1, "ops": [
             { "set_entry": { "list": "cost-usd", "entry": { "sku": "GLUE",
               "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] } } } ] }"#,
    )
    .unwrap();
    let next = s.apply(&change).unwrap();
    // Floor 9.45: 10.49 is within now.
    let (_, margins) = priced(&next, "globex", "GLUE", 1);
    assert_eq!(margins[0].cost, Some(d("9.00")));
    assert_eq!(margins[0].status, MarginStatus::Within);
    // And a rebuild of the same data answers the same.
    let rebuilt = Snapshot::from_dataset(&next.to_dataset()).unwrap();
    assert_eq!(priced(&rebuilt, "globex", "GLUE", 1).1, margins);
}

#[test]
fn todays_datasets_serialise_without_the_new_fields() {
    let json = serde_json::to_string(&data_with(|v| {
        v["price_lists"]
            .as_array_mut()
            .unwrap()
            .retain(|l| l["id"] == "public");
        v["assignments"]
            .as_array_mut()
            .unwrap()
            .retain(|a| a["id"] == "public");
    }))
    .unwrap();
    for field in ["\"cost\"", "min_margin", "max_margin", "\"margin\""] {
        assert!(!json.contains(field), "{field} in {json}");
    }
}

#[test]
fn a_chain_holds_each_list_s_own_price_and_a_graduated_line_each_tier() {
    // A contract derived from Acme's cost-plus list, 10 % off, with its own 2 % floor,
    // reported; the cost list is graduated, so both lists price graduated lines (T7).
    let s = snapshot_with(|v| {
        v["price_lists"][0]["tier_mode"] = json!("graduated");
        v["price_lists"].as_array_mut().unwrap().push(json!({
            "id": "acme-promo", "name": "Acme promo", "owner": "promo@seller.example",
            "currency": "USD", "min_margin": "2",
            "relative": { "base": "cost-plus", "adjustments": [{ "percent": "-10" }] } }));
        v["assignments"][0]["price_list"] = json!("acme-promo");
    });
    let r = s
        .resolve(&Query::new("acme", "ann", "BOLT", 101, at()))
        .unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!("{r}")
    };
    // BOLT: cost 10.00 then 8.00 from 100. Cost-plus gives 10.99 and 8.99 (within 5 %); the
    // promo 10 % off gives 9.891 and 8.091, under its 2 % floors 10.20 and 8.16: reported.
    let units: Vec<Decimal> = p.price.slices.iter().map(|s| s.unit_price).collect();
    assert_eq!(units, vec![d("9.891"), d("8.091")]);
    let seen: Vec<(&str, u64, &MarginStatus)> = p
        .price
        .margins
        .iter()
        .map(|m| (m.list.as_str(), m.min_qty.to_u64().unwrap(), &m.status))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("cost-plus", 1, &MarginStatus::Within),
            (
                "acme-promo",
                1,
                &MarginStatus::BelowFloor { floor: d("10.20") }
            ),
            ("cost-plus", 100, &MarginStatus::Within),
            (
                "acme-promo",
                100,
                &MarginStatus::BelowFloor { floor: d("8.16") }
            ),
        ]
    );
    let lint: Vec<_> = s
        .lint(at())
        .into_iter()
        .filter(|w| w.kind == WarningKind::PricedUnderMargin && w.rules == ["acme-promo"])
        .collect();
    let bolt = lint.iter().find(|w| w.detail.contains("`BOLT`")).unwrap();
    assert!(
        bolt.detail.contains("from 1 units") && bolt.detail.contains("from 100 units"),
        "{}",
        bolt.detail
    );
    assert_eq!(bolt.owners, ["promo@seller.example"]);
}

#[test]
fn an_impact_preview_of_a_cost_change_names_the_prices_its_floor_moves() {
    // Globex clamps: GLUE at 10.49 is raised to its floor 10.50 while it costs 10.00.
    let s = snapshot_with(|v| v["price_lists"][3]["margin"] = json!("clamp"));
    assert_eq!(priced(&s, "globex", "GLUE", 1).0, d("10.50"));
    let change = Changeset::from_json(
        r#"{ "id": "cs-1", "author": "maria", "reason": "glue got cheaper",
             "at": "2026-06-01T00:00:00Z", "base_version": 1, "ops": [
             { "set_entry": { "list": "cost-usd", "entry": { "sku": "GLUE",
               "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] } } } ] }"#,
    )
    .unwrap();
    let next = s.apply(&change).unwrap();
    assert_eq!(priced(&next, "globex", "GLUE", 1).0, d("10.49"));
    let impact = s
        .impact(&next, &tradeterms::ImpactOptions::at(at()))
        .unwrap();
    let moved: Vec<(String, String)> = impact
        .changes
        .iter()
        .map(|c| (c.account.to_string(), c.sku.to_string()))
        .collect();
    // Acme's cost-plus GLUE moves too (9.00 x 1.12 -> 9.99, over its floor 9.45).
    assert_eq!(
        moved,
        vec![
            ("acme".to_string(), "GLUE".to_string()),
            ("globex".to_string(), "GLUE".to_string())
        ]
    );
}
