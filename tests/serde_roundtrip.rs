//! Serde both ways (issue 14, point 4): every answer the engine gives, for the operator and for
//! the buyer, written to JSON and read back, is the same answer; inputs refuse unknown fields.
//! Clients, golden tests and caches can keep answers as JSON and read them again.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    reason = "test code: a panic is a failed test, and its arithmetic runs on small generated values"
)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::fmt::Debug;
use tradeterms::{
    Audience, Changeset, Context, Dataset, ImpactOptions, LogEntry, Order, OrderLine, Outcome,
    Payment, Query, QuoteOutcome, Snapshot, Timestamp,
};

const ACCOUNTS: [&str; 7] = [
    "abb-corp",
    "abb-north",
    "abb-east",
    "abb-west",
    "abb-west-depot",
    "austin-hardware",
    "no-such-account",
];
const USERS: [&str; 6] = ["john", "ann", "fay", "mia", "bob", "eve"];
const SKUS: [&str; 7] = [
    "DRILL-18V",
    "SAW-CIRC",
    "HAMMER-16",
    "SCREW-100",
    "LASER-LVL",
    "GLOVES-12",
    "NO-SUCH-SKU",
];
const AUDIENCES: [Audience; 2] = [Audience::Operator, Audience::Buyer];

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

/// The demo data, and the same data with a reference list and an experiment tagging a payment
/// rule and a visibility rule, so that answers carry savings and experiment arms too.
fn datasets() -> Vec<(&'static str, Snapshot)> {
    let text = include_str!("../examples/data/demo.json");
    let plain = Dataset::from_json(text).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["reference_lists"] = serde_json::json!([{ "list": "public-usd" }]);
    value["experiments"] = serde_json::json!([
        { "id": "promo", "owner": "growth@seller.example", "salt": "s1", "holdout_bp": 0 }
    ]);
    for (kind, id) in [
        ("payment_rules", "wholesale-card"),
        ("visibility_rules", "abb-north-saws"),
    ] {
        for rule in value[kind].as_array_mut().unwrap() {
            if rule["id"] == id {
                rule["experiment"] = "promo".into();
            }
        }
    }
    let rich = Dataset::from_json(&value.to_string()).unwrap();
    vec![
        ("demo", Snapshot::from_dataset(&plain).unwrap()),
        (
            "demo with references and an experiment",
            Snapshot::from_dataset(&rich).unwrap(),
        ),
    ]
}

/// `value` written to JSON and read back is `value`; returns the JSON.
fn round_trip<T>(value: &T) -> serde_json::Value
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value).unwrap();
    let back: T =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot read back {text}: {e}"));
    assert_eq!(&back, value, "read back differently from {text}");
    // Through a `serde_json::Value` too (what a host that edits or stores JSON holds).
    let json = serde_json::to_value(value).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, value, "read back differently from the value {json}");
    json
}

/// The variant names met, as the JSON tags them, to check the test covers what it claims.
fn tag(json: &serde_json::Value) -> String {
    match json {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(m) => m.keys().next().cloned().unwrap_or_default(),
        other => other.to_string(),
    }
}

#[test]
fn resolutions_and_quotes_read_back_equal_for_both_audiences() {
    let mut outcomes = BTreeSet::new();
    let mut quotes = BTreeSet::new();
    let mut with_experiments = 0;
    let mut with_reference = 0;
    for (_, snapshot) in datasets() {
        for account in ACCOUNTS {
            for user in USERS {
                for sku in SKUS {
                    for qty in [1, 10, 100, 1000] {
                        for audience in AUDIENCES {
                            let q =
                                Query::new(account, user, sku, qty, at()).with_audience(audience);
                            round_trip(&q);
                            let r = snapshot.resolve(&q).unwrap();
                            let json = round_trip(&r);
                            outcomes.insert(format!("{audience:?} {}", tag(&json["outcome"])));
                            with_experiments += usize::from(!r.experiments.is_empty());
                            if let Outcome::Priced(p) = &r.outcome {
                                with_reference += usize::from(p.reference.saving().is_some());
                            }
                            let quote = snapshot.quote(&q).unwrap();
                            let json = round_trip(&quote);
                            quotes.insert(tag(&json["outcome"]));
                        }
                    }
                }
            }
        }
    }
    for expected in [
        "denied",
        "not_visible",
        "price_hidden",
        "priced",
        "quote_required",
    ] {
        for audience in ["Operator", "Buyer"] {
            assert!(
                outcomes.contains(&format!("{audience} {expected}")),
                "no {audience} {expected} outcome among {outcomes:?}"
            );
        }
        assert!(
            quotes.contains(expected),
            "no {expected} quote among {quotes:?}"
        );
    }
    assert!(with_experiments > 0, "no resolution names an experiment");
    assert!(with_reference > 0, "no price is compared with a reference");
}

#[test]
fn a_query_in_a_context_reads_back_equal() {
    let q = Query::new("abb-north", "john", "DRILL-18V", 2, at())
        .with_context(
            Context::default()
                .channel("edi")
                .ship_to("CA".parse().unwrap())
                .currency(tradeterms::Currency::from_code("CAD").unwrap()),
        )
        .with_audience(Audience::Buyer);
    let json = round_trip(&q);
    assert_eq!(json["context"]["ship_to"], "CA");
    assert_eq!(json["audience"], "buyer");
}

#[test]
fn orders_sheets_and_payments_read_back_equal_for_both_audiences() {
    let order: Order = serde_json::from_str(include_str!("../examples/data/order.json")).unwrap();
    let mut blockers = BTreeSet::new();
    let mut approvals = BTreeSet::new();
    let mut payments = BTreeSet::new();
    for (_, snapshot) in datasets() {
        for account in ACCOUNTS {
            for user in USERS {
                for audience in AUDIENCES {
                    let mut lines = order.lines.clone();
                    lines.extend(
                        serde_json::from_value::<Vec<OrderLine>>(serde_json::json!([
                            { "sku": "SCREW-100", "qty": 7, "lead_time_days": 90 },
                            { "sku": "DRILL-18V", "qty": 400 }
                        ]))
                        .unwrap(),
                    );
                    let o = Order::new(account, user, at(), lines).with_audience(audience);
                    round_trip(&o);
                    let answer = snapshot.resolve_order(&o).unwrap();
                    let json = round_trip(&answer);
                    for b in json["blockers"].as_array().unwrap() {
                        blockers.insert(b["blocker"].as_str().unwrap().to_string());
                    }
                    approvals.insert(json["approval"]["status"].as_str().unwrap().to_string());

                    let payment = snapshot
                        .payment_in(account, user, &Context::default(), audience)
                        .unwrap();
                    let json = round_trip(&payment);
                    payments.insert(format!("{audience:?} {}", tag(&json)));
                    if let Payment::Options(o) = &payment
                        && audience == Audience::Buyer
                    {
                        assert!(o.experiments.is_empty());
                    }

                    let sheet = snapshot
                        .price_sheet(account, user, at(), 10)
                        .unwrap()
                        .audience(audience);
                    for line in sheet {
                        round_trip(&line.unwrap());
                    }
                    let sheet = snapshot
                        .quote_sheet(account, user, at(), 10)
                        .unwrap()
                        .audience(audience);
                    for line in sheet {
                        round_trip(&line.unwrap());
                    }
                }
            }
        }
    }
    for expected in ["may_not_buy", "not_visible", "quantity", "quote_required"] {
        assert!(
            blockers.contains(expected),
            "no {expected} blocker among {blockers:?}"
        );
    }
    for expected in ["auto_approved", "required", "not_evaluated"] {
        assert!(
            approvals.contains(expected),
            "no {expected} approval among {approvals:?}"
        );
    }
    for expected in [
        "Operator options",
        "Buyer options",
        "Operator denied",
        "Buyer denied",
    ] {
        assert!(
            payments.contains(expected),
            "no {expected} payment among {payments:?}"
        );
    }
}

#[test]
fn lint_warnings_impact_change_log_and_cohorts_read_back_equal() {
    for (name, snapshot) in datasets() {
        for when in ["2026-06-01T00:00:00Z", "2031-01-01T00:00:00Z"] {
            for w in snapshot.lint(when.parse().unwrap()) {
                round_trip(&w);
            }
        }

        let change = Changeset::from_json(include_str!("../examples/data/changeset.json")).unwrap();
        let mut options = ImpactOptions::at(at());
        options.qty = 100u64.into();
        options.reference_order_total = Some("2000.00".parse().unwrap());
        let prepared = snapshot.preview(&change, &options).unwrap();
        let json = round_trip(prepared.impact());
        assert!(
            !json["changes"].as_array().unwrap().is_empty(),
            "{name}: the demo change moves no price"
        );
        // A summary (the limit reached) reads back too.
        options.max_changes = 1;
        round_trip(snapshot.preview(&change, &options).unwrap().impact());

        let after = prepared.into_snapshot();
        let inverse = change.inverse(&snapshot);
        let restored = after.apply(&inverse).unwrap();
        let log = restored.change_log();
        assert_eq!(log.len(), 2);
        for entry in &log {
            let json = round_trip(entry);
            assert!(json["changeset"]["ops"].is_array());
        }
        let stored: Vec<LogEntry> =
            serde_json::from_str(&serde_json::to_string(&log).unwrap()).unwrap();
        assert_eq!(stored, log);

        if let Some(cohorts) = snapshot.cohorts("promo") {
            round_trip(&cohorts);
        }
    }
    let lints: Vec<_> = datasets()
        .iter()
        .flat_map(|(_, s)| s.lint("2031-01-01T00:00:00Z".parse().unwrap()))
        .collect();
    assert!(
        !lints.is_empty(),
        "the demo data gives no lint warning to read back"
    );
}

#[test]
fn a_quote_outcome_keeps_its_shape() {
    // The lean answer's JSON is what clients match on: pin one.
    let (_, snapshot) = datasets().remove(0);
    let q = snapshot
        .quote(
            &Query::new("abb-north", "john", "DRILL-18V", 2, at()).with_audience(Audience::Buyer),
        )
        .unwrap();
    let json = round_trip(&q);
    assert_eq!(json["outcome"]["priced"]["amount"], "218.00");
    assert!(matches!(q.outcome, QuoteOutcome::Priced { .. }));
}

#[test]
fn inputs_refuse_unknown_fields() {
    let query = r#"{ "account": "abb-north", "user": "john", "sku": "DRILL-18V", "qty": 2,
        "at": "2026-06-01T00:00:00Z", "quantity": 3 }"#;
    let err = serde_json::from_str::<Query>(query).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `quantity`"),
        "{err}"
    );

    let order = r#"{ "account": "abb-north", "user": "john", "at": "2026-06-01T00:00:00Z",
        "lines": [{ "sku": "DRILL-18V", "qty": 2, "price": "1.00" }] }"#;
    let err = serde_json::from_str::<Order>(order).unwrap_err();
    assert!(err.to_string().contains("unknown field `price`"), "{err}");

    let context = r#"{ "channel": "edi", "country": "CA" }"#;
    let err = serde_json::from_str::<Context>(context).unwrap_err();
    assert!(err.to_string().contains("unknown field `country`"), "{err}");

    // The minimal query: audience and context default.
    let q: Query = serde_json::from_str(
        r#"{ "account": "abb-north", "user": "john", "sku": "DRILL-18V", "qty": 2, "at": "2026-06-01T00:00:00Z" }"#,
    )
    .unwrap();
    assert_eq!(q, Query::new("abb-north", "john", "DRILL-18V", 2, at()));
}

#[test]
fn amounts_in_answers_read_back_only_as_decimal_strings() {
    // As in the data: an amount never passes through a float, and means what it shows.
    let money: tradeterms::Money =
        serde_json::from_str(r#"{ "currency": "USD", "amount": "12.50" }"#).unwrap();
    assert_eq!(money.amount.to_string(), "12.50");
    let err = serde_json::from_str::<tradeterms::Money>(r#"{ "currency": "USD", "amount": 12.5 }"#)
        .unwrap_err();
    assert!(err.to_string().contains("decimal strings"), "{err}");
    let (_, snapshot) = datasets().remove(0);
    let quote = snapshot
        .quote(&Query::new("abb-north", "john", "DRILL-18V", 2, at()))
        .unwrap();
    let mut json = serde_json::to_value(&quote).unwrap();
    json["outcome"]["priced"]["amount"] = "2.18e2".into();
    let err = serde_json::from_value::<tradeterms::Quote>(json).unwrap_err();
    assert!(err.to_string().contains("not a plain decimal"), "{err}");
}
