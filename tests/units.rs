//! Units of measure (issue 12, SEMANTICS U1-U4): Austin Hardware buys screws by the each, the
//! box of 100 and the pallet of 4,000. A price entry is for one unit; a list with no entry in
//! the asked unit derives it from its base-unit entry only when it says `derive_units`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap is a failed test"
)]

use tradeterms::{
    BuildProblem, CandidateStatus, Changeset, Dataset, EntityRef, EntryData, Op, Order, OrderLine,
    Outcome, Query, QuoteOutcome, ResolveError, Snapshot, TierData, Timestamp,
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
  "catalog": [
    { "sku": "SCREW-4", "name": "Wood screw 4 mm", "categories": ["fasteners"],
      "quantity": { "increment": 100 },
      "units": [
        { "unit": "box", "contains": 100 },
        { "unit": "pallet", "contains": 4000, "quantity": { "max": 10 } }
      ] },
    { "sku": "CABLE", "name": "Cable", "categories": ["electrical"], "base_unit": "m",
      "units": [{ "unit": "reel", "contains": 50 }] },
    { "sku": "SECRET", "name": "Prototype", "categories": ["lab"],
      "units": [{ "unit": "box", "contains": 10 }] }
  ],
  "price_lists": [
    { "id": "public", "name": "Public", "owner": "pricing@seller.example", "currency": "USD",
      "entries": [
        { "sku": "SCREW-4", "tiers": [{ "min_qty": 1, "unit_price": "0.12" }] },
        { "sku": "CABLE", "tiers": [{ "min_qty": 1, "unit_price": "2.00" }, { "min_qty": 100, "unit_price": "1.50" }] },
        { "sku": "SECRET", "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] }
      ] },
    { "id": "austin-contract", "name": "Austin contract", "owner": "sales-tx@seller.example",
      "currency": "USD", "derive_units": true,
      "entries": [
        { "sku": "SCREW-4", "tiers": [{ "min_qty": 1, "unit_price": "0.10" }, { "min_qty": 1000, "unit_price": "0.08" }] },
        { "sku": "SCREW-4", "unit": "box", "tiers": [{ "min_qty": 1, "unit_price": "9.00" }, { "min_qty": 10, "unit_price": "8.00" }] },
        { "sku": "CABLE", "tiers": [{ "min_qty": 1, "unit_price": "1.80" }, { "min_qty": 100, "unit_price": "1.20" }] }
      ] },
    { "id": "graduated", "name": "Graduated", "owner": "pricing@seller.example", "currency": "USD",
      "tier_mode": "graduated", "derive_units": true,
      "entries": [{ "sku": "CABLE", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }, { "min_qty": 100, "unit_price": "0.50" }] }] }
  ],
  "assignments": [
    { "id": "everyone", "price_list": "public", "scope": "everyone" },
    { "id": "austin", "price_list": "austin-contract", "scope": { "account": "austin" }, "priority": 10 },
    { "id": "bob-graduated", "price_list": "graduated", "scope": { "account": "bob-shop" }, "priority": 10 }
  ],
  "visibility_rules": [
    { "id": "lab-hidden", "owner": "lab@seller.example", "scope": "everyone",
      "target": { "category": "lab" }, "effect": "exclude" }
  ]
}"#;

fn data() -> Dataset {
    Dataset::from_json(DATA).unwrap()
}

fn snapshot() -> Snapshot {
    Snapshot::from_dataset(&data()).unwrap()
}

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn query(account: &str, user: &str, sku: &str, qty: u64, unit: Option<&str>) -> Query {
    let q = Query::new(account, user, sku, qty, at());
    match unit {
        Some(u) => q.in_unit(u),
        None => q,
    }
}

/// The rounded amount, the unit price and the derived conversion of a priced answer.
fn priced(s: &Snapshot, q: &Query) -> (String, Option<String>, Option<u64>, String) {
    let r = s.resolve(q).unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!("not priced: {r}");
    };
    // quote agrees with resolve, units included.
    match s.quote(q).unwrap().outcome {
        QuoteOutcome::Priced { amount, .. } => assert_eq!(amount, p.price.amount),
        other => panic!("quote differs: {other:?}"),
    }
    (
        p.price.amount.to_string(),
        p.price.unit_price().map(|u| u.to_string()),
        p.derived_units,
        p.source.as_ref().unwrap().list.to_string(),
    )
}

#[test]
fn a_box_is_priced_by_its_own_entry_with_tiers_counted_in_boxes() {
    let s = snapshot();
    // 5 boxes: below the 10-box tier.
    let (amount, unit, derived, list) =
        priced(&s, &query("austin", "ann", "SCREW-4", 5, Some("box")));
    assert_eq!(
        (amount.as_str(), unit.as_deref(), derived),
        ("45.00", Some("9.00"), None)
    );
    assert_eq!(list, "austin-contract");
    // 10 boxes reach the box tier at 10, not the each tier at 1,000.
    let (amount, unit, ..) = priced(&s, &query("austin", "ann", "SCREW-4", 10, Some("box")));
    assert_eq!((amount.as_str(), unit.as_deref()), ("80.00", Some("8.00")));
    // The base unit, named or not, is the each entry.
    let (amount, ..) = priced(&s, &query("austin", "ann", "SCREW-4", 1000, None));
    assert_eq!(amount, "80.00");
    let (amount, ..) = priced(&s, &query("austin", "ann", "SCREW-4", 1000, Some("each")));
    assert_eq!(amount, "80.00");
}

#[test]
fn a_pallet_is_derived_from_the_base_entry_when_the_list_says_so() {
    let s = snapshot();
    // 2 pallets = 8,000 each: the each tier from 1,000 (0.08), times 4,000 per pallet.
    let (amount, unit, derived, list) =
        priced(&s, &query("austin", "ann", "SCREW-4", 2, Some("pallet")));
    assert_eq!(amount, "640.00");
    assert_eq!(unit.as_deref(), Some("320.00"));
    assert_eq!(derived, Some(4000));
    assert_eq!(list, "austin-contract");
    let text = s
        .resolve(&query("austin", "ann", "SCREW-4", 2, Some("pallet")))
        .unwrap()
        .to_string();
    assert!(
        text.contains("derived from the base-unit entry: 1 pallet = 4000 base units"),
        "{text}"
    );
}

#[test]
fn without_derive_units_a_list_has_no_price_in_a_unit_it_does_not_list() {
    let s = snapshot();
    // Bob's graduated list derives; the public list does not. A box for a buyer whom only the
    // public list reaches needs a quote, and the public candidate says it has no entry.
    let mut d = data();
    d.assignments.retain(|a| a.id.as_str() == "everyone");
    let s2 = Snapshot::from_dataset(&d).unwrap();
    let r = s2
        .resolve(&query("austin", "ann", "SCREW-4", 3, Some("box")))
        .unwrap();
    let Outcome::QuoteRequired(q) = &r.outcome else {
        panic!("{r}");
    };
    assert!(
        matches!(q.candidates[0].status, CandidateStatus::NoEntry),
        "{r}"
    );
    // The same list prices the base unit.
    assert!(matches!(
        s2.resolve(&query("austin", "ann", "SCREW-4", 300, None))
            .unwrap()
            .outcome,
        Outcome::Priced(_)
    ));
    drop(s);
}

#[test]
fn a_derived_graduated_line_is_split_in_base_units() {
    let s = snapshot();
    // 3 reels of 50 m = 150 m: 99 m at 1.00 and 51 m at 0.50.
    let r = s
        .resolve(&query("bob-shop", "bob", "CABLE", 3, Some("reel")))
        .unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!("{r}");
    };
    assert_eq!(p.price.amount.to_string(), "124.50");
    assert_eq!(p.derived_units, Some(50));
    let units: Vec<u64> = p
        .price
        .slices
        .iter()
        .map(|s| s.units.to_u64().unwrap())
        .collect();
    assert_eq!(units, [99, 51]);
    // A SKU whose base unit is the metre is asked for in metres by name or by default.
    let (amount, ..) = priced(&s, &query("bob-shop", "bob", "CABLE", 2, Some("m")));
    assert_eq!(amount, "2.00");
}

#[test]
fn a_unit_the_sku_is_not_sold_in_is_a_typed_error_but_only_for_a_visible_sku() {
    let s = snapshot();
    let err = s
        .resolve(&query("austin", "ann", "SCREW-4", 1, Some("crate")))
        .unwrap_err();
    assert_eq!(
        err,
        ResolveError::UnknownUnit {
            sku: "SCREW-4".into(),
            unit: "crate".into()
        }
    );
    assert!(
        err.to_string()
            .contains("`SCREW-4` is not sold in unit `crate`"),
        "{err}"
    );
    assert_eq!(
        s.quote(&query("austin", "ann", "SCREW-4", 1, Some("crate")))
            .unwrap_err(),
        err
    );
    // A hidden SKU and a missing SKU answer alike, whatever the unit (R3): nothing to probe.
    for sku in ["SECRET", "NO-SUCH-SKU"] {
        for unit in [Some("box"), Some("crate"), None] {
            let r = s.resolve(&query("austin", "ann", sku, 1, unit)).unwrap();
            assert_eq!(r.outcome, Outcome::NotVisible, "{sku} {unit:?}");
            assert_eq!(
                s.quote(&query("austin", "ann", sku, 1, unit))
                    .unwrap()
                    .outcome,
                QuoteOutcome::NotVisible
            );
        }
    }
}

fn build_problems(json: &str) -> Vec<BuildProblem> {
    let d = Dataset::from_json(json).unwrap();
    Snapshot::from_dataset(&d).unwrap_err().problems().to_vec()
}

#[test]
fn zero_negative_fractional_and_duplicate_units_are_build_errors_naming_sku_and_unit() {
    for (contains, fault) in [("0", "0"), ("-4", "-4"), ("2.5", "2.5")] {
        let json = DATA.replace(r#""contains": 100"#, &format!(r#""contains": {contains}"#));
        let problems = build_problems(&json);
        assert!(
            problems.iter().any(|p| matches!(p,
                BuildProblem::InvalidUnit { sku, unit, problem }
                    if sku.as_str() == "SCREW-4" && unit.as_str() == "box" && problem.contains(fault))),
            "{contains}: {problems:?}"
        );
    }
    // The base unit's name counts: a SKU may not declare `each` again.
    let json = DATA.replace(
        r#"{ "unit": "box", "contains": 100 }"#,
        r#"{ "unit": "each", "contains": 100 }"#,
    );
    let problems = build_problems(&json);
    assert!(problems.iter().any(|p| matches!(p,
        BuildProblem::InvalidUnit { unit, problem, .. } if unit.as_str() == "each" && problem.contains("twice"))),
        "{problems:?}");
    // An entry in a unit its SKU does not declare.
    let json = DATA.replace(r#""unit": "box", "tiers""#, r#""unit": "crate", "tiers""#);
    let problems = build_problems(&json);
    assert!(problems.iter().any(|p| matches!(p,
        BuildProblem::UnknownEntryUnit { list, sku, unit }
            if list.as_str() == "austin-contract" && sku.as_str() == "SCREW-4" && unit.as_str() == "crate")),
        "{problems:?}");
    // Two entries for one SKU in one unit.
    let json = DATA.replace(
        r#"{ "sku": "CABLE", "tiers": [{ "min_qty": 1, "unit_price": "1.80" }"#,
        r#"{ "sku": "SCREW-4", "unit": "box", "tiers": [{ "min_qty": 1, "unit_price": "1" }] }, { "sku": "CABLE", "tiers": [{ "min_qty": 1, "unit_price": "1.80" }"#,
    );
    let problems = build_problems(&json);
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("austin-contract/SCREW-4 (box)")),
        "{problems:?}"
    );
    // A conversion given as text is refused when read, naming the field.
    let json = DATA.replace(r#""contains": 100"#, r#""contains": "100""#);
    let err = Dataset::from_json(&json).unwrap_err();
    assert_eq!(err.path(), "catalog[0].units[0].contains");
}

#[test]
fn quantity_rules_count_in_the_lines_unit() {
    let s = snapshot();
    let order = |qty: u64, unit: Option<&str>| {
        let line = OrderLine::new("SCREW-4", qty);
        Order::new(
            "austin",
            "ann",
            at(),
            vec![match unit {
                Some(unit) => line.in_unit(unit),
                None => line,
            }],
        )
    };
    // 150 each breaks the SKU's increment of 100; 3 boxes do not (the rule counts each).
    let a = s.resolve_order(&order(150, None)).unwrap();
    assert_eq!(a.lines[0].quantity_violations.len(), 1, "{a:?}");
    let a = s.resolve_order(&order(3, Some("box"))).unwrap();
    assert!(a.lines[0].quantity_violations.is_empty(), "{a:?}");
    assert_eq!(a.subtotal.unwrap().amount.to_string(), "27.00");
    assert_eq!(
        a.lines[0].resolution.query.unit.as_ref().unwrap().as_str(),
        "box"
    );
    // The pallet's own rule: at most 10 pallets.
    let a = s.resolve_order(&order(11, Some("pallet"))).unwrap();
    assert_eq!(a.lines[0].quantity_violations.len(), 1, "{a:?}");
    let a = s.resolve_order(&order(10, Some("pallet"))).unwrap();
    assert!(a.lines[0].quantity_violations.is_empty(), "{a:?}");
}

fn cs(id: &str, base: u64, ops: Vec<Op>) -> Changeset {
    Changeset::new(id, "maria@seller.example", "test", at(), base).with_ops(ops)
}

#[test]
fn unit_entries_change_by_changeset_and_survive_a_round_trip() {
    let s = snapshot();
    let set = Op::SetEntry {
        list: "austin-contract".into(),
        entry: EntryData::new(
            "SCREW-4",
            vec![TierData::new(1u64, "300.00".parse().unwrap())],
        )
        .with_unit("pallet"),
    };
    let change = cs("pallet-price", s.version(), vec![set]);
    let s2 = s.apply(&change).unwrap();
    let (amount, _, derived, _) =
        priced(&s2, &query("austin", "ann", "SCREW-4", 2, Some("pallet")));
    assert_eq!((amount.as_str(), derived), ("600.00", None));
    // The box entry is untouched, and the old snapshot still derives.
    assert_eq!(
        priced(&s2, &query("austin", "ann", "SCREW-4", 5, Some("box"))).0,
        "45.00"
    );
    assert_eq!(
        priced(&s, &query("austin", "ann", "SCREW-4", 2, Some("pallet"))).0,
        "640.00"
    );
    // Written out and read back, the unit entries and units are the same.
    let again = Snapshot::from_dataset(&s2.to_dataset()).unwrap();
    for (qty, unit) in [(2, Some("pallet")), (5, Some("box")), (1000, None)] {
        assert_eq!(
            priced(&again, &query("austin", "ann", "SCREW-4", qty, unit)).0,
            priced(&s2, &query("austin", "ann", "SCREW-4", qty, unit)).0
        );
    }
    // Removing the box entry by its key: boxes are then derived from the each entry.
    let remove = Op::Remove(EntityRef::Entry {
        list: "austin-contract".into(),
        sku: "SCREW-4".into(),
        unit: Some("box".into()),
    });
    let change = cs("no-box", s2.version(), vec![remove.clone()]);
    let s3 = s2.apply(&change).unwrap();
    let (amount, _, derived, _) = priced(&s3, &query("austin", "ann", "SCREW-4", 5, Some("box")));
    assert_eq!((amount.as_str(), derived), ("50.00", Some(100)));
    // Removing it again: it is not there.
    let change = cs("no-box-2", s3.version(), vec![remove]);
    assert!(s3.apply(&change).is_err());
}

#[test]
fn a_sku_without_units_answers_as_before() {
    let s = snapshot();
    // CABLE priced by Austin's contract in its base unit; a query naming no unit.
    let (amount, _, derived, _) = priced(&s, &query("austin", "ann", "CABLE", 100, None));
    assert_eq!((amount.as_str(), derived), ("120.00", None));
}

/// The shipped demo: Austin Hardware buys wood screws by the box (the base unit), the carton
/// of 10 boxes (derived from the box price) and the pallet of 400 boxes (its own price).
#[test]
fn austin_hardware_buys_cartons_and_pallets_in_the_demo() {
    let s = Snapshot::from_dataset(
        &Dataset::from_json(include_str!("../examples/data/demo.json")).unwrap(),
    )
    .unwrap();
    let ask = |qty, unit: Option<&str>| query("austin-hardware", "bob", "SCREW-100", qty, unit);
    let (amount, _, derived, list) = priced(&s, &ask(2, Some("carton")));
    assert_eq!(
        (amount.as_str(), derived, list.as_str()),
        ("104.00", Some(10), "austin-2026")
    );
    let (amount, unit, derived, _) = priced(&s, &ask(5, Some("pallet")));
    assert_eq!(
        (amount.as_str(), unit.as_deref(), derived),
        ("9500.00", Some("1900.00"), None)
    );
    let (amount, ..) = priced(&s, &ask(3, None));
    assert_eq!(amount, "15.60");
}

/// Issue 12 point 6: a sheet streamed per unit has one line per unit each visible SKU is sold
/// in, base unit first, each as `resolve` answers it in that unit; a plain sheet is unchanged.
#[test]
fn a_sheet_streams_per_unit_as_resolve_answers() {
    let s = snapshot();
    for (account, user) in [("austin", "ann"), ("bob-shop", "bob")] {
        let plain: Vec<_> = s
            .price_sheet(account, user, at(), 3)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(plain.iter().all(|l| l.unit.is_none()));
        let lines: Vec<_> = s
            .price_sheet(account, user, at(), 3)
            .unwrap()
            .per_unit()
            .collect::<Result<_, _>>()
            .unwrap();
        let keys: Vec<(String, Option<String>)> = lines
            .iter()
            .map(|l| (l.sku.to_string(), l.unit.as_ref().map(|u| u.to_string())))
            .collect();
        // SECRET is hidden: no line in any unit.
        assert_eq!(
            keys,
            [
                ("CABLE".to_string(), None),
                ("CABLE".to_string(), Some("reel".to_string())),
                ("SCREW-4".to_string(), None),
                ("SCREW-4".to_string(), Some("box".to_string())),
                ("SCREW-4".to_string(), Some("pallet".to_string())),
            ]
        );
        for line in &lines {
            let q = query(
                account,
                user,
                line.sku.as_str(),
                3,
                line.unit.as_ref().map(|u| u.as_str()),
            );
            let r = s.resolve(&q).unwrap();
            assert_eq!(
                line.outcome, r.outcome,
                "{account} {:?} {:?}",
                line.sku, line.unit
            );
        }
        // The base-unit lines are the plain sheet's.
        let base: Vec<_> = lines.into_iter().filter(|l| l.unit.is_none()).collect();
        assert_eq!(base, plain);
    }
}

/// A list with entries in the base unit and the SKU's second declared unit (the pallet) but
/// none in the first (the box): each unit's entries are found in that unit's table, and the
/// unit without entries prices nothing from that list (no `derive_units` on it).
#[test]
fn a_list_priced_in_a_later_unit_only_keeps_each_units_entries_apart() {
    let json = DATA.replace(
        r#"{ "sku": "SCREW-4", "tiers": [{ "min_qty": 1, "unit_price": "0.12" }] },"#,
        r#"{ "sku": "SCREW-4", "tiers": [{ "min_qty": 1, "unit_price": "0.12" }] },
        { "sku": "SCREW-4", "unit": "pallet", "tiers": [{ "min_qty": 1, "unit_price": "380.00" }] },"#,
    );
    let s = Snapshot::from_dataset(&Dataset::from_json(&json).unwrap()).unwrap();
    // Bob's account gets the public list only for screws.
    let (amount, _, derived, list) =
        priced(&s, &query("bob-shop", "bob", "SCREW-4", 2, Some("pallet")));
    assert_eq!(
        (amount.as_str(), derived, list.as_str()),
        ("760.00", None, "public")
    );
    let (amount, _, _, list) = priced(&s, &query("bob-shop", "bob", "SCREW-4", 100, None));
    assert_eq!((amount.as_str(), list.as_str()), ("12.00", "public"));
    assert!(!matches!(
        s.quote(&query("bob-shop", "bob", "SCREW-4", 1, Some("box")))
            .unwrap()
            .outcome,
        QuoteOutcome::Priced { .. }
    ));
}
