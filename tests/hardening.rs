//! Extreme inputs return errors, never panics or wrong prices.
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

use tradeterms::{
    AccountData, BuildProblem, Dataset, EntryData, Order, OrderLine, PriceListData, Query,
    ResolveError, Snapshot, TierData, TierMode, Timestamp,
};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn one_price(price: &str, mode: TierMode) -> Dataset {
    let mut d: Dataset = serde_json::from_str(
        r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD" }],
             "users": [{ "id": "u", "name": "U", "memberships": [{ "account": "a", "roles": ["buyer"] }] }],
             "catalog": [{ "sku": "X", "name": "X" }, { "sku": "Y", "name": "Y" }],
             "assignments": [{ "id": "all", "price_list": "l", "scope": "everyone" }] }"#,
    )
    .unwrap();
    d.price_lists.push(
        PriceListData::new("l", "L", "o", "USD")
            .with_tier_mode(mode)
            .with_entries(
                ["X", "Y"]
                    .iter()
                    .map(|s| EntryData::new(*s, vec![TierData::new(1u64, price.parse().unwrap())]))
                    .collect(),
            ),
    );
    d
}

#[test]
fn a_price_near_decimal_max_times_a_quantity_is_an_overflow_error() {
    for mode in [TierMode::Volume, TierMode::Graduated] {
        let s = Snapshot::from_dataset(&one_price("79228162514264337593543950335", mode)).unwrap();
        assert_eq!(
            s.resolve(&Query::new("a", "u", "X", 2, at())).unwrap_err(),
            ResolveError::Overflow {
                sku: "X".into(),
                list: Some("l".into()),
                qty: 2u64.into()
            }
        );
        // One unit fits exactly.
        let one = s.resolve(&Query::new("a", "u", "X", 1, at())).unwrap();
        assert_eq!(
            one.outcome.price().unwrap().exact_amount,
            rust_decimal::Decimal::MAX
        );
    }
}

#[test]
fn an_order_whose_subtotal_overflows_is_an_error() {
    let s = Snapshot::from_dataset(&one_price(
        "50000000000000000000000000000",
        TierMode::Volume,
    ))
    .unwrap();
    let order = Order::new(
        "a",
        "u",
        at(),
        vec![OrderLine::new("X", 1u64), OrderLine::new("Y", 1u64)],
    )
    .with_audience(tradeterms::Audience::Operator)
    .with_context(Default::default());
    assert!(matches!(
        s.resolve_order(&order).unwrap_err(),
        ResolveError::SubtotalOverflow { .. }
    ));
}

#[test]
fn quantities_near_u64_max_are_priced_exactly_or_refused() {
    let s = Snapshot::from_dataset(&one_price("0.01", TierMode::Graduated)).unwrap();
    let r = s
        .resolve(&Query::new("a", "u", "X", u64::MAX, at()))
        .unwrap();
    // 18446744073709551615 x 0.01, exactly.
    assert_eq!(
        r.outcome.price().unwrap().amount.to_string(),
        "184467440737095516.15"
    );
    let s = Snapshot::from_dataset(&one_price("10000000000", TierMode::Volume)).unwrap();
    assert!(matches!(
        s.resolve(&Query::new("a", "u", "X", u64::MAX, at()))
            .unwrap_err(),
        ResolveError::Overflow { .. }
    ));
}

#[test]
fn twenty_eight_digit_scales_round_once_to_the_currency() {
    let s = Snapshot::from_dataset(&one_price(
        "0.0000000000000000000000000001",
        TierMode::Volume,
    ))
    .unwrap();
    let r = s.resolve(&Query::new("a", "u", "X", 3, at())).unwrap();
    let p = r.outcome.price().unwrap();
    assert_eq!(p.exact_amount.to_string(), "0.0000000000000000000000000003");
    assert_eq!(p.amount.to_string(), "0.00");
    let s = Snapshot::from_dataset(&one_price(
        "1.005000000000000000000000000",
        TierMode::Volume,
    ))
    .unwrap();
    let r = s.resolve(&Query::new("a", "u", "X", 1, at())).unwrap();
    assert_eq!(r.outcome.price().unwrap().amount.to_string(), "1.01");
}

#[test]
fn a_tree_at_the_depth_limit_builds_and_resolves_and_one_deeper_is_refused() {
    let chain = |depth: usize| {
        let mut d = one_price("1.00", TierMode::Volume);
        d.accounts.clear();
        for i in 0..depth {
            d.accounts.push({
                let mut v = AccountData::new(format!("d{i}"), format!("D{i}"), "USD");
                v.parent = (i > 0).then(|| format!("d{}", i - 1).into());
                v
            });
        }
        d.users[0].memberships[0].account = "d0".into();
        d.users[0].memberships[0].reach = tradeterms::Reach::Subtree;
        d
    };
    let s = Snapshot::from_dataset(&chain(tradeterms::MAX_DEPTH)).unwrap();
    let deepest = format!("d{}", tradeterms::MAX_DEPTH - 1);
    let r = s
        .resolve(&Query::new(deepest.as_str(), "u", "X", 1, at()))
        .unwrap();
    assert_eq!(r.outcome.price().unwrap().amount.to_string(), "1.00");
    let err = Snapshot::from_dataset(&chain(tradeterms::MAX_DEPTH + 1)).unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| matches!(p, BuildProblem::TooDeep { .. }))
    );
}

#[test]
fn malformed_json_is_a_serde_error_not_a_panic() {
    for text in [
        "",
        "{",
        r#"{ "accounts": 3 }"#,
        r#"{ "price_lists": [{ "id": "x" }] }"#,
        r#"{ "catalog": [{ "sku": "X", "name": "X", "colour": "red" }] }"#,
        r#"{ "price_lists": [{ "id": "l", "name": "L", "owner": "o", "currency": "USD",
                      "entries": [{ "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": 12.5 }] }] }] }"#,
    ] {
        assert!(serde_json::from_str::<Dataset>(text).is_err(), "{text}");
    }
}

#[test]
fn a_price_sheet_at_quantity_zero_is_an_error_that_names_no_made_up_sku() {
    let s = Snapshot::from_dataset(&one_price("1.00", TierMode::Volume)).unwrap();
    let (a, u) = ("a", "u");
    let explained = s.price_sheet(a, u, at(), 0).err().unwrap();
    let lean = s.quote_sheet(a, u, at(), 0).err().unwrap();
    assert_eq!(explained, ResolveError::ZeroSheetQuantity);
    assert_eq!(lean, ResolveError::ZeroSheetQuantity);
    assert!(!explained.to_string().contains('*'), "{explained}");
}

/// Issue 11, bug 5: money written as a JSON number named no field. `Dataset::from_json` names
/// it by its path and says that money is a decimal string.
#[test]
fn malformed_ids_in_a_query_are_unknown_and_shown_by_a_short_escaped_prefix() {
    let s = Snapshot::from_dataset(&one_price("1.00", TierMode::Volume)).unwrap();
    let long = format!("X\u{202e}{}", "y".repeat(100_000));
    for bad in ["", "  ", "X\u{0}", "X\u{200b}", "E\u{301}", long.as_str()] {
        // A malformed SKU or account is simply one the user may not see (R2, R3).
        let sku = s.resolve(&Query::new("a", "u", bad, 1, at())).unwrap();
        assert!(matches!(sku.outcome, tradeterms::Outcome::NotVisible));
        let account = s.resolve(&Query::new(bad, "u", "X", 1, at())).unwrap();
        assert!(matches!(account.outcome, tradeterms::Outcome::Denied(_)));
        let user_err = s.resolve(&Query::new("a", bad, "X", 1, at())).unwrap_err();
        assert_eq!(user_err, ResolveError::UnknownUser(bad.into()));
        let text = user_err.to_string();
        assert!(text.len() < 300, "{} bytes", text.len());
        assert!(
            !text.contains(['\u{0}', '\u{200b}', '\u{202e}', '\u{301}']),
            "{text:?}"
        );
    }
    // A valid id is still quoted as it always was.
    assert_eq!(
        ResolveError::UnknownUser("nobody".into()).to_string(),
        "unknown user `nobody`: it is not in the dataset"
    );
}

/// A dataset whose one account has `attributes` written as given.
fn with_attributes(attributes: &str) -> String {
    format!(
        r#"{{ "accounts": [{{ "id": "a", "name": "A", "currency": "USD", "attributes": {attributes} }}] }}"#
    )
}

#[test]
fn attribute_numbers_are_read_exactly_or_refused_naming_the_attribute() {
    use tradeterms::{AttrValue, Decimal};
    // Read exactly, never through f64 (which made the first 12345678901234567000000).
    for (text, exact) in [
        ("12345678901234567890123", "12345678901234567890123"),
        ("0.1", "0.1"),
        ("-2.50", "-2.5"),
        ("2.5E2", "250"),
        ("1e-3", "0.001"),
        ("0e999", "0"),
        (
            "79228162514264337593543950335",
            "79228162514264337593543950335",
        ),
        ("0.1000000000000000000000000000", "0.1"),
    ] {
        let d = Dataset::from_json(&with_attributes(&format!(r#"{{ "n": {text} }}"#)))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let expected: Decimal = exact.parse().unwrap();
        assert_eq!(
            d.accounts[0].attributes["n"],
            AttrValue::Number(expected),
            "{text}"
        );
        let AttrValue::Number(n) = &d.accounts[0].attributes["n"] else {
            unreachable!()
        };
        assert_eq!(n.to_string(), exact, "{text}");
    }
    // Refused when read, with a message naming the attribute, from `from_json` and from plain
    // serde_json alike.
    for (text, why) in [
        (
            "0.1000000000000000055511151231257827",
            "cannot be held exactly",
        ),
        ("1.00000000000000000000000000001", "cannot be held exactly"),
        ("1e-29", "cannot be held exactly"),
        ("79228162514264337593543950336", "out of range"),
        ("1e30", "out of range"),
        ("-123456789012345678901234567890123", "out of range"),
        ("1e99999999999999999999", "out of range"),
    ] {
        let json = with_attributes(&format!(r#"{{ "region": "x", "pupils": {text} }}"#));
        let err = Dataset::from_json(&json).unwrap_err();
        assert_eq!(err.path(), "accounts[0].attributes.pupils", "{text}");
        assert!(
            err.message()
                .starts_with("attribute `pupils`: the number `"),
            "{err}"
        );
        assert!(err.message().contains(why), "{text}: {err}");
        let plain = serde_json::from_str::<Dataset>(&json)
            .unwrap_err()
            .to_string();
        assert!(
            plain.contains("attribute `pupils`") && plain.contains(why),
            "{plain}"
        );
    }
    // A number of a million digits is not repeated whole.
    let huge = "9".repeat(1_000_000);
    let err = Dataset::from_json(&with_attributes(&format!(r#"{{ "n": {huge} }}"#))).unwrap_err();
    assert!(err.message().len() < 300, "{}", err.message().len());
    // The same rule for the numbers predicates compare with.
    let json = r#"{ "segments": [{ "id": "s", "name": "S",
        "rule": { "gte": { "attr": "pupils", "value": 0.1000000000000000055511151231257827 } } }] }"#;
    let err = Dataset::from_json(json).unwrap_err();
    assert_eq!(err.path(), "segments[0].rule.gte.value");
    assert!(err.message().contains("cannot be held exactly"), "{err}");
    // Flags and texts read as before.
    let d = Dataset::from_json(&with_attributes(r#"{ "f": true, "t": "sch\u00f6ol" }"#)).unwrap();
    assert_eq!(d.accounts[0].attributes["f"], AttrValue::Flag(true));
    assert_eq!(
        d.accounts[0].attributes["t"],
        AttrValue::Text("schöol".into())
    );
    assert!(Dataset::from_json(&with_attributes(r#"{ "l": [1] }"#)).is_err());
    assert!(Dataset::from_json(&with_attributes(r#"{ "l": null }"#)).is_err());
}

#[test]
fn json_errors_name_the_field_by_its_path() {
    let text = r#"{
      "catalog": [{ "sku": "X", "name": "X" }],
      "price_lists": [
        { "id": "a", "name": "A", "owner": "o", "currency": "USD", "entries": [] },
        { "id": "l", "name": "L", "owner": "o", "currency": "USD", "entries": [
          { "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }, { "min_qty": 5, "unit_price": 100.5 }] }
        ] }
      ]
    }"#;
    let err = Dataset::from_json(text).unwrap_err();
    assert_eq!(err.path(), "price_lists[1].entries[0].tiers[1].unit_price");
    assert_eq!(err.line(), 6);
    assert!(
        err.message()
            .starts_with("amounts (money and percents) are written as decimal strings"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("price_lists[1].entries[0].tiers[1].unit_price")
    );

    // An unknown field is named by its path too; a changeset reads the same way.
    let err =
        Dataset::from_json(r#"{ "catalog": [{ "sku": "X", "name": "X", "colour": "red" }] }"#)
            .unwrap_err();
    assert_eq!(err.path(), "catalog[0].colour");
    assert!(err.message().contains("unknown field `colour`"), "{err}");
    let err = tradeterms::Changeset::from_json(
        r#"{ "id": "c", "author": "a", "reason": "r",
        "at": "2026-01-01T00:00:00Z", "base_version": "one", "ops": [] }"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), "base_version");
    // Characters after the document are refused.
    assert!(Dataset::from_json("{} {}").is_err());
    // Every case serde refuses, from_json refuses.
    for text in ["", "{", r#"{ "accounts": 3 }"#] {
        assert!(Dataset::from_json(text).is_err(), "{text}");
    }
}

/// Issue 13, point 9: a predicate or order condition nested 10,000 deep, built in Rust (JSON
/// parsing stops at 128 levels), aborted the process with a stack overflow. The build now
/// measures depth without recursion and refuses more than 64 levels, naming the rule.
#[test]
fn conditions_nested_deeper_than_the_limit_are_refused_not_a_stack_overflow() {
    use tradeterms::{
        ApprovalPolicyData, Approvers, AttrCmp, AttrValue, OrderCondition, Predicate, RoleName,
        Scope, SegmentData, Target, VisibilityRuleData,
    };
    let deep_predicate = |levels: usize| {
        let mut p = Predicate::Eq(AttrCmp {
            attr: "region".into(),
            value: AttrValue::Text("west".into()),
        });
        for i in 0..levels {
            p = if i % 2 == 0 {
                Predicate::Not(Box::new(p))
            } else {
                Predicate::All(vec![p])
            };
        }
        p
    };
    let deep_condition = |levels: usize| {
        let mut c = OrderCondition::LinesAbove(0);
        for _ in 0..levels {
            c = OrderCondition::Any(vec![c]);
        }
        c
    };
    let mut d = one_price("1.00", TierMode::Volume);
    d.accounts[0]
        .attributes
        .insert("region".into(), AttrValue::Text("west".into()));
    d.segments.push(
        SegmentData::new("deep-segment", "Deep")
            .with_accounts(Vec::new())
            .with_rule(deep_predicate(10_000)),
    );
    d.visibility_rules.push(
        VisibilityRuleData::default()
            .with_id("deep-rule")
            .with_owner("o")
            .with_scope(Scope::Everyone)
            .with_target(Target::Attributes(deep_predicate(10_000))),
    );
    d.approval_policies.push(
        ApprovalPolicyData::new(
            "deep-policy",
            "o",
            Scope::Everyone,
            deep_condition(10_000),
            vec![Approvers::Role(RoleName::new("approver"))],
        )
        .with_roles(Vec::new())
        .with_stage(0)
        .with_channels(Vec::new())
        .with_countries(Vec::new()),
    );
    let err = Snapshot::from_dataset(&d).unwrap_err();
    let mut deep: Vec<String> = err
        .problems()
        .iter()
        .filter_map(|p| match p {
            BuildProblem::ConditionTooDeep { id, max: 64, .. } => Some(id.clone()),
            _ => None,
        })
        .collect();
    deep.sort();
    assert_eq!(deep, ["deep-policy", "deep-rule", "deep-segment"], "{err}");
    // 64 levels are accepted and evaluated.
    d.segments[0].rule = Some(deep_predicate(63));
    d.visibility_rules[0].target = Target::Attributes(deep_predicate(63));
    d.approval_policies[0].when = deep_condition(63);
    let err = Snapshot::from_dataset(&d).err();
    assert!(
        err.iter()
            .flat_map(|e| e.problems())
            .all(|p| !matches!(p, BuildProblem::ConditionTooDeep { .. })),
        "{err:?}"
    );
}

/// Issue 13, point 10: `"1_000"`, `"+1"` and `"1e3"` were accepted as money. An amount a person
/// types into a contract must mean what it shows: only `-?digits(.digits)?` is read.
#[test]
fn money_strings_other_than_plain_decimals_are_refused() {
    let with_price = |p: &str| {
        format!(
            r#"{{ "price_lists": [{{ "id": "l", "name": "L", "owner": "o", "currency": "USD",
              "entries": [{{ "sku": "X", "tiers": [{{ "min_qty": 1, "unit_price": "{p}" }}] }}] }}] }}"#
        )
    };
    for bad in ["1_000", "+1", "1e3", ".5", "5.", " 1", "1,5"] {
        let err = Dataset::from_json(&with_price(bad)).unwrap_err();
        assert_eq!(
            err.path(),
            "price_lists[0].entries[0].tiers[0].unit_price",
            "{bad}"
        );
        assert!(
            err.message().contains("not a plain decimal"),
            "{bad}: {err}"
        );
        assert!(
            serde_json::from_str::<Dataset>(&with_price(bad)).is_err(),
            "{bad}"
        );
    }
    for good in ["1000", "1000.50", "-0.5", "0"] {
        assert!(Dataset::from_json(&with_price(good)).is_ok(), "{good}");
    }
    // Optional amounts too (a membership's spending limit, a SKU's cost).
    let err = Dataset::from_json(r#"{ "catalog": [{ "sku": "X", "name": "X", "cost": "1e2" }] }"#)
        .unwrap_err();
    assert_eq!(err.path(), "catalog[0].cost");
}

/// Issue 13, point 12: `Decimal::MAX` with a -40 % adjustment was reported as an overflow "at
/// quantity 1" although 0.6 x MAX fits.
#[test]
fn a_relative_list_reducing_a_huge_price_prices_it() {
    let mut d = one_price(&tradeterms::Decimal::MAX.to_string(), TierMode::Volume);
    d.price_lists.push(
        serde_json::from_str(
            r#"{ "id": "minus-40", "name": "-40 %", "owner": "o", "currency": "USD",
                 "relative": { "base": "l", "adjustments": [{ "percent": "-40" }] } }"#,
        )
        .unwrap(),
    );
    d.assignments[0].price_list = "minus-40".into();
    let s = Snapshot::from_dataset(&d).unwrap();
    let r = s.resolve(&Query::new("a", "u", "X", 1, at())).unwrap();
    let expected = tradeterms::Decimal::MAX * "0.6".parse::<tradeterms::Decimal>().unwrap();
    assert_eq!(r.outcome.price().unwrap().exact_amount, expected);
    // Two units of it do not fit: that is an overflow, naming the quantity.
    assert!(matches!(
        s.resolve(&Query::new("a", "u", "X", 2, at())),
        Err(ResolveError::Overflow { qty, .. }) if qty == 2
    ));
}

/// A numeric attribute survives `to_dataset`, JSON and back as a number (it was written as a
/// string, so a numeric predicate on it no longer built).
#[test]
fn numeric_attributes_round_trip_through_json_as_numbers() {
    let text = r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD",
        "attributes": { "pupils": 12345678901234567890123, "share": 0.125, "public": true, "kind": "school" } }],
      "segments": [{ "id": "big", "name": "Big", "rule": { "gt": { "attr": "pupils", "value": 1000 } } }] }"#;
    let s = Snapshot::from_dataset(&Dataset::from_json(text).unwrap()).unwrap();
    let written = serde_json::to_string(&s.to_dataset()).unwrap();
    assert!(
        written.contains(r#""pupils":12345678901234567890123"#),
        "{written}"
    );
    assert!(written.contains(r#""share":0.125"#), "{written}");
    let back = Dataset::from_json(&written).unwrap();
    assert_eq!(
        back.accounts[0].attributes,
        s.to_dataset().accounts[0].attributes
    );
    Snapshot::from_dataset(&back).unwrap();
}

/// An amount with more digits than a decimal holds is refused, not rounded to another amount.
#[test]
fn an_amount_a_decimal_cannot_hold_exactly_is_refused() {
    let text = r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD" }],
      "catalog": [{ "sku": "X", "name": "X" }],
      "price_lists": [{ "id": "l", "name": "L", "owner": "o", "currency": "USD",
        "entries": [{ "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": "1.00000000000000000000000000000009" }] }] }] }"#;
    let err = Dataset::from_json(text).unwrap_err();
    assert!(err.to_string().contains("can hold exactly"), "{err}");
    assert!(
        Dataset::from_json(&text.replace(
            "1.00000000000000000000000000000009",
            "1.0000000000000000000000000001"
        ))
        .is_ok()
    );
}
