//! Relative-list adjustments as contracts are written (issue 16, points 1-3; SEMANTICS
//! P6a-P6c): Northwind Supply's contract list derives from the public list and says, for one
//! drill, a fixed price; for power tools, 10 % off; from 10 units of anything, 15 % off; for the
//! saw, a fixed amount off; for lamps, 12 % up rounded to a .99 price point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap is a failed test"
)]

use rust_decimal::Decimal;
use tradeterms::{
    Audience, BuildProblem, CandidateStatus, Dataset, Outcome, Query, QuoteOutcome, ResolveError,
    Snapshot, Timestamp,
};

const DATA: &str = r#"{
  "accounts": [{ "id": "northwind", "name": "Northwind Supply", "currency": "USD" }],
  "roles": [{ "name": "buyer", "permissions": ["view_catalog", "view_prices", "buy", "request_quote"] }],
  "users": [{ "id": "nina", "name": "Nina", "memberships": [{ "account": "northwind", "roles": ["buyer"] }] }],
  "catalog": [
    { "sku": "DRILL-18V", "name": "Drill 18 V", "categories": ["tools/power/drills"] },
    { "sku": "DRILL-12V", "name": "Drill 12 V", "categories": ["tools/power/drills"] },
    { "sku": "SAW", "name": "Saw", "categories": ["tools/hand"] },
    { "sku": "LAMP", "name": "Lamp", "categories": ["lighting"] },
    { "sku": "GLOVES", "name": "Gloves", "categories": ["safety"] }
  ],
  "price_lists": [
    { "id": "public", "name": "Public", "owner": "pricing@seller.example", "currency": "USD",
      "entries": [
        { "sku": "DRILL-18V", "tiers": [{ "min_qty": 1, "unit_price": "100.00" }] },
        { "sku": "DRILL-12V", "tiers": [{ "min_qty": 1, "unit_price": "80.00" }, { "min_qty": 20, "unit_price": "70.00" }] },
        { "sku": "SAW", "tiers": [{ "min_qty": 1, "unit_price": "25.00" }] },
        { "sku": "LAMP", "tiers": [{ "min_qty": 1, "unit_price": "12.34" }] },
        { "sku": "GLOVES", "tiers": [{ "min_qty": 1, "unit_price": "4.00" }] }
      ] },
    { "id": "northwind-contract", "name": "Northwind contract", "owner": "sales@seller.example",
      "currency": "USD",
      "relative": { "base": "public", "adjustments": [
        { "category": "tools/power", "percent": "-10" },
        { "sku": "DRILL-18V", "price": "89.00" },
        { "sku": "DRILL-12V", "min_qty": 10, "percent": "-15" },
        { "sku": "SAW", "amount": "-2.00" },
        { "category": "lighting", "percent": "12", "round_to": "1", "ending": "-0.01" },
        { "category": "safety", "min_qty": 10, "percent": "-20", "round_to": "0.05" }
      ] } }
  ],
  "assignments": [
    { "id": "northwind", "price_list": "northwind-contract", "scope": { "account": "northwind" }, "priority": 10 },
    { "id": "public", "price_list": "public", "scope": "everyone" }
  ]
}"#;

fn data() -> Dataset {
    Dataset::from_json(DATA).unwrap()
}

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The list that priced the line, its rounded amount and unit price; `quote` must agree.
fn priced(s: &Snapshot, sku: &str, qty: u64) -> (String, String, String, tradeterms::Priced) {
    let q = Query::new("northwind", "nina", sku, qty, at());
    let r = s.resolve(&q).unwrap();
    let Outcome::Priced(p) = r.outcome else {
        panic!("not priced: {sku} x {qty}");
    };
    match s.quote(&q).unwrap().outcome {
        QuoteOutcome::Priced { amount, .. } => assert_eq!(amount, p.price.amount),
        other => panic!("quote differs: {other:?}"),
    }
    (
        p.source.as_ref().unwrap().list.to_string(),
        p.price.amount.to_string(),
        p.price.unit_price().unwrap().to_string(),
        *p,
    )
}

fn with_adjustments(adjustments: serde_json::Value) -> Dataset {
    let mut v: serde_json::Value = serde_json::from_str(DATA).unwrap();
    v["price_lists"][1]["relative"]["adjustments"] = adjustments;
    serde_json::from_value(v).unwrap()
}

fn problems(ds: &Dataset) -> Vec<BuildProblem> {
    Snapshot::from_dataset(ds)
        .expect_err("the build must refuse")
        .problems()
        .to_vec()
}

#[test]
fn a_one_sku_adjustment_beats_the_category_adjustment() {
    let s = Snapshot::from_dataset(&data()).unwrap();
    // DRILL-18V: its own fixed price, not the power tools' 10 % off (90.00).
    let (list, amount, unit, p) = priced(&s, "DRILL-18V", 1);
    assert_eq!(list, "northwind-contract");
    assert_eq!((amount.as_str(), unit.as_str()), ("89.00", "89.00"));
    let adj = &p.price.adjustments[0];
    assert_eq!(adj.sku.as_ref().map(|s| s.as_str()), Some("DRILL-18V"));
    assert_eq!(adj.price, Some(d("89.00")));
    let text = s
        .resolve(&Query::new("northwind", "nina", "DRILL-18V", 1, at()))
        .unwrap()
        .to_string();
    assert!(
        text.contains("price 89.00 on `public` for SKU `DRILL-18V`"),
        "{text}"
    );
    // DRILL-12V below its SKU adjustment's 10 units: the category adjustment decides.
    let (_, amount, _, p) = priced(&s, "DRILL-12V", 1);
    assert_eq!(amount, "72.00");
    assert_eq!(
        p.price.adjustments[0].category.as_deref(),
        Some("tools/power")
    );
}

#[test]
fn an_adjustment_from_10_units_applies_from_10_not_9() {
    let s = Snapshot::from_dataset(&data()).unwrap();
    // 9 units: the category's 10 % off, 80.00 -> 72.00.
    let (_, amount, unit, p) = priced(&s, "DRILL-12V", 9);
    assert_eq!((amount.as_str(), unit.as_str()), ("648.00", "72.00"));
    assert_eq!(p.price.adjustments[0].min_qty, None);
    // 10 units: the SKU's 15 % off from 10, 80.00 -> 68.00.
    let (_, amount, unit, p) = priced(&s, "DRILL-12V", 10);
    assert_eq!((amount.as_str(), unit.as_str()), ("680.00", "68.00"));
    assert_eq!(p.price.adjustments[0].min_qty, Some(10u64.into()));
    // The base tier at the line's quantity, then the adjustment: 20 units reach the 70.00 tier.
    let (_, _, unit, _) = priced(&s, "DRILL-12V", 20);
    assert_eq!(unit, "59.50");
    // GLOVES: only an adjustment from 10; below it the list has no price for the line and the
    // public list decides.
    let (list, amount, ..) = priced(&s, "GLOVES", 9);
    assert_eq!((list.as_str(), amount.as_str()), ("public", "36.00"));
    let r = s
        .resolve(&Query::new("northwind", "nina", "GLOVES", 9, at()))
        .unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!()
    };
    let contract = p
        .candidates
        .iter()
        .find(|c| c.assignment.as_str() == "northwind")
        .unwrap();
    assert_eq!(contract.status, CandidateStatus::NoEntry);
    // 10 gloves: 4.00 x 0.80 = 3.20, rounded to 0.05: 3.20.
    let (list, amount, unit, _) = priced(&s, "GLOVES", 10);
    assert_eq!(
        (list.as_str(), amount.as_str(), unit.as_str()),
        ("northwind-contract", "32.00", "3.20")
    );
}

#[test]
fn a_fixed_amount_off() {
    let s = Snapshot::from_dataset(&data()).unwrap();
    // 25.00 - 2.00 = 23.00, with no percent given.
    let (_, amount, unit, p) = priced(&s, "SAW", 3);
    assert_eq!((amount.as_str(), unit.as_str()), ("69.00", "23.00"));
    assert_eq!(p.price.adjustments[0].amount, Some(d("-2.00")));
    assert!(p.price.adjustments[0].percent.is_zero());
    assert_eq!(
        p.price.adjustments[0].to_string(),
        "`northwind-contract`: -2.00 per unit on `public` for SKU `SAW`"
    );
}

#[test]
fn twelve_percent_up_rounded_to_a_99_price_point() {
    let s = Snapshot::from_dataset(&data()).unwrap();
    // 12.34 x 1.12 = 13.8208 -> 14 (multiple of 1) -> 13.99 (ending -0.01).
    let (_, amount, unit, p) = priced(&s, "LAMP", 2);
    assert_eq!((amount.as_str(), unit.as_str()), ("27.98", "13.99"));
    let adj = &p.price.adjustments[0];
    assert_eq!((adj.round_to, adj.ending), (Some(d("1")), Some(d("-0.01"))));
    assert_eq!(
        adj.to_string(),
        "`northwind-contract`: 12 %, rounded to 1 ending -0.01 on `public` for category `lighting`"
    );
}

#[test]
fn two_adjustments_with_the_same_target_are_refused_at_build() {
    for (adjustments, target, positions) in [
        (
            serde_json::json!([{ "sku": "SAW", "percent": "-5" }, { "category": "tools" },
                               { "sku": "SAW", "min_qty": 10, "amount": "-1.00" }]),
            "SKU `SAW`",
            (0, 2),
        ),
        (
            serde_json::json!([{ "percent": "-5" }, { "category": "tools" }, { "percent": "-50" }]),
            "every SKU",
            (0, 2),
        ),
        (
            serde_json::json!([{ "category": "tools/" }, { "category": "tools", "percent": "-1" }]),
            "category `tools`",
            (0, 1),
        ),
    ] {
        let p = problems(&with_adjustments(adjustments));
        assert_eq!(p.len(), 1, "{p:?}");
        let BuildProblem::DuplicateAdjustment {
            list,
            target: t,
            first,
            second,
        } = &p[0]
        else {
            panic!("{p:?}")
        };
        assert_eq!(list.as_str(), "northwind-contract");
        assert_eq!(t, target);
        assert_eq!((*first, *second), positions);
        assert!(p[0].to_string().contains("keep one adjustment per target"));
    }
    // Two different categories of equal depth are not the same target: the first listed
    // decides for a SKU in both (SEMANTICS P6a).
    let mut v: serde_json::Value = serde_json::from_str(DATA).unwrap();
    v["catalog"][3]["categories"] = serde_json::json!(["lighting", "garden"]);
    v["price_lists"][1]["relative"]["adjustments"] = serde_json::json!([
        { "category": "garden", "percent": "-50" }, { "category": "lighting", "percent": "-10" }]);
    let s = Snapshot::from_dataset(&serde_json::from_value(v).unwrap()).unwrap();
    let (_, _, unit, _) = priced(&s, "LAMP", 1);
    assert_eq!(unit, "6.17");
}

#[test]
fn what_can_be_refused_statically_is_refused_at_build_naming_the_list() {
    for (adj, needle) in [
        (
            serde_json::json!({ "sku": "SAW", "category": "tools" }),
            "both a SKU and a category",
        ),
        (serde_json::json!({ "min_qty": 0 }), "`min_qty` 0"),
        (
            serde_json::json!({ "price": "9.00", "percent": "-5" }),
            "fixed `price`",
        ),
        (serde_json::json!({ "price": "-1.00" }), "negative `price`"),
        (serde_json::json!({ "round_to": "0" }), "`round_to` must be"),
        (
            serde_json::json!({ "round_to": "-0.05" }),
            "`round_to` must be",
        ),
        (
            serde_json::json!({ "ending": "-0.01" }),
            "without `round_to`",
        ),
        (
            serde_json::json!({ "round_to": "0.05", "ending": "-0.10" }),
            "not smaller than",
        ),
    ] {
        let p = problems(&with_adjustments(serde_json::json!([adj])));
        assert_eq!(p.len(), 1, "{p:?}");
        let BuildProblem::InvalidAdjustment { list, detail } = &p[0] else {
            panic!("{p:?}")
        };
        assert_eq!(list.as_str(), "northwind-contract");
        assert!(detail.contains(needle), "{detail}");
    }
    // An unknown SKU is a dangling reference from the list.
    let p = problems(&with_adjustments(
        serde_json::json!([{ "sku": "NOPE", "percent": "-5" }]),
    ));
    assert!(
        matches!(&p[..], [BuildProblem::DanglingReference { from, to, .. }]
            if from == "northwind-contract" && to == "NOPE"),
        "{p:?}"
    );
}

#[test]
fn a_negative_result_is_a_typed_error_never_a_negative_price() {
    // 4.00 - 5.00 = -1.00 for GLOVES.
    let s = Snapshot::from_dataset(&with_adjustments(serde_json::json!([
        { "category": "safety", "amount": "-5.00" }, { "percent": "-10" }
    ])))
    .unwrap();
    let q = Query::new("northwind", "nina", "GLOVES", 1, at());
    let err = s.resolve(&q).unwrap_err();
    assert_eq!(
        err,
        ResolveError::NegativePrice {
            sku: "GLOVES".into(),
            list: Some("northwind-contract".into()),
        }
    );
    assert!(err.to_string().contains("northwind-contract"), "{err}");
    assert_eq!(s.quote(&q).unwrap_err(), err);
    // A buyer is not told which list.
    let buyer = s
        .resolve(&q.clone().with_audience(Audience::Buyer))
        .unwrap_err();
    assert_eq!(
        buyer,
        ResolveError::NegativePrice {
            sku: "GLOVES".into(),
            list: None,
        }
    );
    assert!(!buyer.to_string().contains("northwind"), "{buyer}");
    // Rounding a small price to 0 and then adding a negative ending is negative too.
    let s = Snapshot::from_dataset(&with_adjustments(serde_json::json!([
        { "category": "safety", "percent": "-90", "round_to": "1", "ending": "-0.01" }
    ])))
    .unwrap();
    assert!(matches!(
        s.resolve(&q).unwrap_err(),
        ResolveError::NegativePrice { .. }
    ));
    // The other SKUs still price.
    priced(&s, "SAW", 1);
}

#[test]
fn adjustments_written_today_answer_as_before_and_round_trip() {
    // Only `percent` and `category`: unchanged, and the data serialises as it was written.
    let ds = with_adjustments(serde_json::json!([{ "category": "tools/power", "percent": "-20" }]));
    let s = Snapshot::from_dataset(&ds).unwrap();
    let (_, amount, ..) = priced(&s, "DRILL-18V", 1);
    assert_eq!(amount, "80.00");
    let json = serde_json::to_value(&ds.price_lists[1].relative).unwrap();
    assert_eq!(
        json["adjustments"],
        serde_json::json!([{ "category": "tools/power", "percent": "-20" }])
    );
    // Every new field survives a round trip.
    let ds = data();
    let back: Dataset = serde_json::from_str(&serde_json::to_string(&ds).unwrap()).unwrap();
    assert_eq!(back.price_lists, ds.price_lists);
}

#[test]
fn a_derived_price_counts_the_adjustments_min_qty_in_base_units() {
    // A box holds 10 screws; the adjustment applies from 20 screws, so from 2 boxes (U3).
    let mut v: serde_json::Value = serde_json::from_str(DATA).unwrap();
    v["catalog"].as_array_mut().unwrap().push(
        serde_json::json!({ "sku": "SCREW", "name": "Screw", "categories": ["fasteners"],
            "units": [{ "unit": "box", "contains": 10 }] }),
    );
    v["price_lists"][0]["derive_units"] = serde_json::json!(true);
    v["price_lists"][0]["entries"].as_array_mut().unwrap().push(
        serde_json::json!({ "sku": "SCREW", "tiers": [{ "min_qty": 1, "unit_price": "0.10" }] }),
    );
    v["price_lists"][1]["relative"]["adjustments"] =
        serde_json::json!([{ "sku": "SCREW", "min_qty": 20, "percent": "-50" }]);
    let s = Snapshot::from_dataset(&serde_json::from_value(v).unwrap()).unwrap();
    let ask = |boxes: u64| {
        let q = Query::new("northwind", "nina", "SCREW", boxes, at()).in_unit("box");
        let r = s.resolve(&q).unwrap();
        let Outcome::Priced(p) = r.outcome else {
            panic!("not priced")
        };
        match s.quote(&q).unwrap().outcome {
            QuoteOutcome::Priced { amount, .. } => assert_eq!(amount, p.price.amount),
            other => panic!("quote differs: {other:?}"),
        }
        (
            p.source.unwrap().list.to_string(),
            p.price.amount.to_string(),
        )
    };
    // 1 box = 10 screws: below 20, the contract has no price; the public list's 1.00.
    assert_eq!(ask(1), ("public".to_string(), "1.00".to_string()));
    // 2 boxes = 20 screws: 0.10 x 0.50 x 10 per box x 2 = 1.00.
    assert_eq!(
        ask(2),
        ("northwind-contract".to_string(), "1.00".to_string())
    );
}

#[test]
fn the_demo_contract_takes_20_percent_off_gloves_from_120_rounded_to_5_cents() {
    let demo = Dataset::from_json(include_str!("../examples/data/demo.json")).unwrap();
    let s = Snapshot::from_dataset(&demo).unwrap();
    let unit = |qty: u64| {
        let r = s
            .resolve(&Query::new("abb-north", "john", "GLOVES-12", qty, at()))
            .unwrap();
        let Outcome::Priced(p) = r.outcome else {
            panic!("not priced: {r}")
        };
        (
            p.source.unwrap().list.to_string(),
            p.price.unit_price().unwrap().to_string(),
        )
    };
    // 108: the holding's 10 % off list; 120: 3.90 x 0.80 = 3.12 -> 3.10.
    assert_eq!(unit(108), ("abb-contract".to_string(), "3.51".to_string()));
    assert_eq!(unit(120), ("abb-contract".to_string(), "3.10".to_string()));
}
