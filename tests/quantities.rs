//! Fractional quantities (issue 16, point 5; SEMANTICS U6-U9): cable sold by the metre to one
//! decimal, coffee by the kilogram to three. Quantities, tier minimums, quantity rules and order
//! lines take decimals within the SKU's precision; a finer quantity is a typed error naming the
//! SKU; a line amount is rounded once; whole-unit SKUs answer exactly as before.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap is a failed test"
)]

use tradeterms::{
    BuildProblem, CandidateStatus, Dataset, Decimal, GuestQuery, Order, Outcome, Quantity, Query,
    ResolveError, Snapshot, Timestamp,
};

const DATA: &str = r#"{
  "accounts": [
    { "id": "austin", "name": "Austin Hardware", "currency": "USD" },
    { "id": "bob-shop", "name": "Bob's shop", "currency": "USD" }
  ],
  "roles": [{ "name": "buyer", "permissions": ["view_catalog", "view_prices", "buy", "request_quote"] }],
  "users": [
    { "id": "ann", "name": "Ann", "memberships": [{ "account": "austin", "roles": ["buyer"] }] },
    { "id": "bob", "name": "Bob", "memberships": [{ "account": "bob-shop", "roles": ["buyer"] }] }
  ],
  "channels": [{ "id": "web", "guest_prices": true }],
  "catalog": [
    { "sku": "CABLE-3G", "name": "Cable 3G1.5", "categories": ["electrical"], "base_unit": "m",
      "quantity_decimals": 1, "quantity": { "min": 0.5, "increment": "0.5" },
      "units": [{ "unit": "reel", "contains": 50 }] },
    { "sku": "COFFEE", "name": "Coffee beans", "categories": ["food"], "base_unit": "kg",
      "quantity_decimals": 3 },
    { "sku": "BOLT", "name": "Bolt M8", "categories": ["fasteners"] },
    { "sku": "SECRET-WIRE", "name": "Prototype wire", "categories": ["lab"], "quantity_decimals": 1 }
  ],
  "price_lists": [
    { "id": "public", "name": "Public", "owner": "pricing@seller.example", "currency": "USD",
      "derive_units": true,
      "entries": [
        { "sku": "CABLE-3G", "tiers": [{ "min_qty": 1, "unit_price": "2.00" }, { "min_qty": 10, "unit_price": "1.60" }] },
        { "sku": "COFFEE", "tiers": [{ "min_qty": 0.25, "unit_price": "18.99" }, { "min_qty": 2.5, "unit_price": "16.50" }] },
        { "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "0.25" }, { "min_qty": 100, "unit_price": "0.20" }] },
        { "sku": "SECRET-WIRE", "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] }
      ] },
    { "id": "graduated", "name": "Graduated", "owner": "pricing@seller.example", "currency": "USD",
      "tier_mode": "graduated",
      "entries": [
        { "sku": "CABLE-3G", "tiers": [{ "min_qty": 1, "unit_price": "2.00" }, { "min_qty": 10, "unit_price": "1.60" }] },
        { "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "0.30" }, { "min_qty": 10, "unit_price": "0.25" }, { "min_qty": 100, "unit_price": "0.20" }] }
      ] }
  ],
  "assignments": [
    { "id": "everyone", "price_list": "public", "scope": "everyone" },
    { "id": "bob-graduated", "price_list": "graduated", "scope": { "account": "bob-shop" }, "priority": 10 }
  ],
  "visibility_rules": [
    { "id": "lab-hidden", "owner": "lab@seller.example", "scope": "everyone",
      "target": { "category": "lab" }, "effect": "exclude" }
  ]
}"#;

fn snapshot() -> Snapshot {
    Snapshot::from_dataset(&Dataset::from_json(DATA).unwrap()).unwrap()
}

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn priced(s: &Snapshot, account: &str, user: &str, sku: &str, qty: Quantity) -> tradeterms::Price {
    let r = s
        .resolve(&Query::new(account, user, sku, qty, at()))
        .unwrap();
    match r.outcome {
        Outcome::Priced(p) => p.price,
        other => panic!("{sku} at {qty}: {other:?}"),
    }
}

/// 12.5 m of cable across a tier at 10 m, volume: every metre at the 10 m tier.
#[test]
fn cable_across_a_tier_at_10_m_volume() {
    let s = snapshot();
    let p = priced(&s, "austin", "ann", "CABLE-3G", q("12.5"));
    assert_eq!(p.slices.len(), 1);
    assert_eq!(p.slices[0].min_qty, 10);
    assert_eq!(p.slices[0].units, q("12.5"));
    assert_eq!(p.exact_amount, d("20.0"));
    assert_eq!(p.amount, d("20.00"));
    // Just below the tier: 9.9 m at the first tier.
    let p = priced(&s, "austin", "ann", "CABLE-3G", q("9.9"));
    assert_eq!(
        (p.slices[0].min_qty, p.exact_amount),
        (1u64.into(), d("19.8"))
    );
    // At the tier exactly.
    let p = priced(&s, "austin", "ann", "CABLE-3G", 10u64.into());
    assert_eq!(
        (p.slices[0].min_qty, p.exact_amount),
        (10u64.into(), d("16.0"))
    );
}

/// 12.5 m graduated: the first tier prices 0.1 m to 9.9 m (9.9 m), the 10 m tier 10.0 m to
/// 12.5 m (2.6 m); the slices add up to the line.
#[test]
fn cable_across_a_tier_at_10_m_graduated() {
    let s = snapshot();
    let p = priced(&s, "bob-shop", "bob", "CABLE-3G", q("12.5"));
    let slices: Vec<(Quantity, Quantity)> = p.slices.iter().map(|s| (s.min_qty, s.units)).collect();
    assert_eq!(
        slices,
        vec![(1u64.into(), q("9.9")), (10u64.into(), q("2.6"))]
    );
    let total: Quantity = p.slices.iter().map(|s| s.units).sum();
    assert_eq!(total, q("12.5"));
    // 9.9 x 2.00 + 2.6 x 1.60 = 19.80 + 4.16
    assert_eq!(p.exact_amount, d("23.96"));
    // At the boundary: 10.0 m is 9.9 m at the first tier and 0.1 m at the second.
    let p = priced(&s, "bob-shop", "bob", "CABLE-3G", 10u64.into());
    let slices: Vec<(Quantity, Quantity)> = p.slices.iter().map(|s| (s.min_qty, s.units)).collect();
    assert_eq!(
        slices,
        vec![(1u64.into(), q("9.9")), (10u64.into(), q("0.1"))]
    );
    // Below it: one slice.
    let p = priced(&s, "bob-shop", "bob", "CABLE-3G", q("9.5"));
    assert_eq!(p.slices.len(), 1);
    assert_eq!(p.slices[0].units, q("9.5"));
}

/// Whole units keep today's graduated split: tiers 1/10/100 at 150 give 9, 90 and 51.
#[test]
fn whole_units_split_as_before() {
    let s = snapshot();
    let p = priced(&s, "bob-shop", "bob", "BOLT", 150u64.into());
    let units: Vec<Quantity> = p.slices.iter().map(|s| s.units).collect();
    assert_eq!(
        units,
        vec![Quantity::from(9u64), 90u64.into(), 51u64.into()]
    );
    // `Query::new(.., 12, ..)` still compiles with an integer literal.
    let r = s
        .resolve(&Query::new("austin", "ann", "BOLT", 12, at()))
        .unwrap();
    assert_eq!(r.outcome.price().unwrap().amount, d("3.00"));
    assert_eq!(r.query.qty, 12);
}

/// 0.75 kg of coffee at 3 decimals: priced exactly and rounded once (0.75 x 18.99 = 14.2425).
#[test]
fn three_quarters_of_a_kilogram() {
    let s = snapshot();
    let p = priced(&s, "austin", "ann", "COFFEE", q("0.75"));
    assert_eq!(p.exact_amount, d("14.2425"));
    assert_eq!(p.amount, d("14.24"));
    // 0.005 kg, finer than the first tier: below its minimum of 0.25 kg.
    let r = s
        .resolve(&Query::new("austin", "ann", "COFFEE", q("0.005"), at()))
        .unwrap();
    match &r.outcome {
        Outcome::QuoteRequired(qr) => assert_eq!(
            qr.candidates[0].status,
            CandidateStatus::BelowMinimumQuantity { min_qty: q("0.25") }
        ),
        other => panic!("{other:?}"),
    }
    // A decimal tier minimum reached exactly.
    let p = priced(&s, "austin", "ann", "COFFEE", q("2.5"));
    assert_eq!(p.exact_amount, d("41.25"));
}

/// A query finer than the SKU's precision is a typed error naming the SKU; on a hidden SKU it
/// is `NotVisible`, as an unknown unit is.
#[test]
fn a_query_finer_than_the_precision_is_refused() {
    let s = snapshot();
    let e = s
        .resolve(&Query::new("austin", "ann", "CABLE-3G", q("12.55"), at()))
        .unwrap_err();
    assert_eq!(
        e,
        ResolveError::QuantityTooPrecise {
            sku: "CABLE-3G".into(),
            qty: q("12.55"),
            decimals: 1
        }
    );
    assert_eq!(e.code(), "quantity_too_precise");
    assert!(e.to_string().contains("`CABLE-3G`"), "{e}");
    // A whole-unit SKU refuses any decimal.
    let e = s
        .resolve(&Query::new("austin", "ann", "BOLT", q("1.5"), at()))
        .unwrap_err();
    assert!(
        matches!(e, ResolveError::QuantityTooPrecise { ref sku, decimals: 0, .. } if sku.as_str() == "BOLT")
    );
    // The lean quote agrees.
    assert!(
        s.quote(&Query::new("austin", "ann", "BOLT", q("1.5"), at()))
            .is_err()
    );
    // Hidden: not visible, telling nothing about its precision.
    let r = s
        .resolve(&Query::new("austin", "ann", "SECRET-WIRE", q("1.55"), at()))
        .unwrap();
    assert_eq!(r.outcome, Outcome::NotVisible);
    // A guest gets the same error.
    let guest = GuestQuery::new("BOLT", q("0.5"), at()).context(
        tradeterms::Context::default()
            .channel("web")
            .currency(tradeterms::Currency::from_code("USD").unwrap()),
    );
    assert!(matches!(
        s.resolve_guest(&guest),
        Err(ResolveError::QuantityTooPrecise { .. })
    ));
    let guest = GuestQuery::new("CABLE-3G", q("2.5"), at()).context(
        tradeterms::Context::default()
            .channel("web")
            .currency(tradeterms::Currency::from_code("USD").unwrap()),
    );
    let g = s.resolve_guest(&guest).unwrap();
    assert_eq!(g.outcome.price().unwrap().amount, d("5.00"));
}

/// Order lines: decimals within precision priced and checked against decimal quantity rules;
/// a line finer than the precision is refused naming the SKU.
#[test]
fn order_lines_take_decimals() {
    let s = snapshot();
    let order: Order = serde_json::from_str(
        r#"{ "account": "austin", "user": "ann", "at": "2026-06-01T00:00:00Z",
             "lines": [{ "sku": "CABLE-3G", "qty": 12.5 }, { "sku": "COFFEE", "qty": "0.75" },
                       { "sku": "CABLE-3G", "qty": 2.3 }, { "sku": "BOLT", "qty": 3 }] }"#,
    )
    .unwrap();
    let a = s.resolve_order(&order).unwrap();
    // 20.00 + 14.24 + 2.3 x 2.00 + 0.75
    assert_eq!(a.subtotal.unwrap().amount, d("39.59"));
    assert!(a.lines[0].quantity_violations.is_empty());
    // 2.3 m is not a multiple of 0.5 m: nearest 2 and 2.5.
    let v = &a.lines[2].quantity_violations[0];
    assert_eq!((v.below, v.above), (Some(2u64.into()), Some(q("2.5"))));
    assert!(v.to_string().contains("2 or 2.5"), "{v}");
    // A line in reels converts to base metres as before.
    let mut reel = order.clone();
    reel.lines = vec![tradeterms::OrderLine::new("CABLE-3G", q("0.5")).in_unit("reel")];
    let a = s.resolve_order(&reel).unwrap();
    assert_eq!(a.subtotal.unwrap().amount, d("40.00"));
    // Finer than the precision: refused, naming the SKU.
    let mut fine = order.clone();
    fine.lines = vec![tradeterms::OrderLine::new("CABLE-3G", q("1.25"))];
    assert!(matches!(
        s.resolve_order(&fine),
        Err(ResolveError::QuantityTooPrecise { ref sku, .. }) if sku.as_str() == "CABLE-3G"
    ));
}

/// Data quantities finer than the SKU's precision are build problems naming the SKU: a tier,
/// a quantity rule (the SKU's, a unit's, an entry's), `quote_above`, a one-SKU adjustment's
/// `min_qty`; and more than the supported decimals.
#[test]
fn data_finer_than_the_precision_is_refused() {
    let mut ds = Dataset::from_json(DATA).unwrap();
    let mut json = serde_json::to_value(&ds).unwrap();
    json["price_lists"][0]["entries"][0]["tiers"][1]["min_qty"] = serde_json::json!(10.25);
    json["catalog"][0]["quantity"]["increment"] = serde_json::json!("0.25");
    json["catalog"][2]["quantity"] = serde_json::json!({ "min": 0.5 });
    json["catalog"][1]["quantity_decimals"] = serde_json::json!(7);
    ds = serde_json::from_value(json).unwrap();
    let problems = Snapshot::from_dataset(&ds).unwrap_err().problems().to_vec();
    let too_precise: Vec<(&str, String)> = problems
        .iter()
        .filter_map(|p| match p {
            BuildProblem::QuantityTooPrecise { sku, qty, .. } => {
                Some((sku.as_str(), qty.to_string()))
            }
            _ => None,
        })
        .collect();
    assert!(
        too_precise.contains(&("CABLE-3G", "10.25".into())),
        "{problems:?}"
    );
    assert!(
        too_precise.contains(&("CABLE-3G", "0.25".into())),
        "{problems:?}"
    );
    assert!(
        too_precise.contains(&("BOLT", "0.5".into())),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| matches!(p,
        BuildProblem::InvalidQuantityDecimals { sku, decimals: 7, max: 6 } if sku.as_str() == "COFFEE")));
    for p in &problems {
        assert!(BuildProblem::CODES.contains(&p.code()));
    }
    let tier = problems
        .iter()
        .find(|p| p.to_string().contains("10.25"))
        .unwrap();
    assert_eq!(
        tier.to_string(),
        "SKU `CABLE-3G` counts quantities to 1 decimals, but price list `public` tier 2 (min_qty) says 10.25: round it to 1 decimals or raise the SKU's quantity_decimals"
    );
}

/// JSON reads decimals exactly (never through a float) and writes them back as numbers;
/// today's datasets round-trip unchanged.
#[test]
fn json_is_exact_and_round_trips() {
    let ds = Dataset::from_json(DATA).unwrap();
    let s = Snapshot::from_dataset(&ds).unwrap();
    let back = s.to_dataset();
    let json = serde_json::to_value(&back).unwrap();
    let sku = |id: &str| {
        json["catalog"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sku"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(sku("COFFEE")["quantity_decimals"], 3);
    let public = json["price_lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "public")
        .unwrap()
        .clone();
    let coffee = public["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["sku"] == "COFFEE")
        .unwrap();
    assert_eq!(coffee["tiers"][0]["min_qty"].to_string(), "0.25");
    // A whole-unit SKU writes no `quantity_decimals`, and integer quantities stay integers.
    assert!(sku("BOLT").get("quantity_decimals").is_none());
    let bolt = public["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["sku"] == "BOLT")
        .unwrap();
    assert_eq!(bolt["tiers"][1]["min_qty"].to_string(), "100");
    let again = Snapshot::from_dataset(&serde_json::from_value(json).unwrap()).unwrap();
    assert_eq!(again.to_dataset(), back);
    // 0.1 is exactly one tenth.
    let tenth: Quantity = serde_json::from_str("0.1").unwrap();
    assert_eq!(tenth.as_decimal(), Decimal::new(1, 1));
}

/// A price sheet at a decimal quantity prices the SKUs that count it and answers the others
/// with the typed error (U7); at a whole quantity every SKU is priced as before.
#[test]
fn sheets_at_a_decimal_quantity() {
    let s = snapshot();
    let lines: Vec<_> = s
        .price_sheet("austin", "ann", at(), q("2.5"))
        .unwrap()
        .collect();
    let cable = lines
        .iter()
        .find_map(|l| l.as_ref().ok().filter(|l| l.sku.as_str() == "CABLE-3G"))
        .unwrap();
    assert_eq!(cable.outcome.price().unwrap().amount, d("5.00"));
    assert!(lines.iter().any(|l| matches!(l,
        Err(ResolveError::QuantityTooPrecise { sku, .. }) if sku.as_str() == "BOLT")));
    let whole: Vec<_> = s
        .price_sheet("austin", "ann", at(), 1)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(whole.len(), 3); // the secret wire is hidden
}

/// A changeset's entry is checked like a dataset's: a decimal tier within the precision
/// applies; a finer one is refused naming the SKU.
#[test]
fn changesets_take_decimal_tiers() {
    let s = snapshot();
    let change = |min: &str| {
        tradeterms::Changeset::from_json(&format!(
            r#"{{ "id": "cs-cable", "author": "maria@seller.example", "reason": "cable from 5.5 m",
                 "at": "2026-06-15T09:00:00Z", "base_version": 1,
                 "ops": [{{ "set_entry": {{ "list": "public", "entry": {{ "sku": "CABLE-3G", "tiers": [
                   {{ "min_qty": 1, "unit_price": "2.00" }}, {{ "min_qty": {min}, "unit_price": "1.70" }} ] }} }} }}] }}"#
        ))
        .unwrap()
    };
    let next = s.apply(&change("5.5")).unwrap();
    let p = priced(&next, "austin", "ann", "CABLE-3G", q("5.5"));
    assert_eq!(p.exact_amount, d("9.35"));
    let p = priced(&next, "austin", "ann", "CABLE-3G", q("5.4"));
    assert_eq!(p.exact_amount, d("10.8"));
    let err = s.apply(&change("5.55")).unwrap_err();
    assert!(err.to_string().contains("CABLE-3G"), "{err}");
    assert!(err.to_string().contains("5.55"), "{err}");
}
