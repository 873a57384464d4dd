//! What a buyer can learn (issue 13, point 3; SEMANTICS A1-A3): a `Buyer` answer carries the
//! decision, the price, the tier and the deciding list's public name, and never the id or owner
//! of any other rule: no losing contract, no hiding rule, no payment or approval rule, no
//! experiment, no segment. Checked on the demo data and, as a property, on generated data with
//! every rule kind: each string in a buyer answer's JSON is compared with every rule id and owner
//! of the dataset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    reason = "test code: a panic is a failed test, and its arithmetic runs on small generated values"
)]

mod common;

use common::Switches;
use proptest::prelude::*;
use std::collections::BTreeSet;
use tradeterms::{
    Audience, Dataset, Order, OrderLine, Outcome, Query, QuoteOutcome, Snapshot, Timestamp,
};

fn demo() -> (Dataset, Snapshot) {
    let dataset: Dataset =
        serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap();
    let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    (dataset, snapshot)
}

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

/// Every rule id and owner in the dataset except the price lists', with what it is.
fn secrets(ds: &Dataset) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for a in &ds.assignments {
        out.push((a.id.to_string(), "assignment"));
        if let Some(o) = &a.owner {
            out.push((o.clone(), "assignment owner"));
        }
    }
    for l in &ds.price_lists {
        out.push((l.owner.clone(), "list owner"));
    }
    for r in &ds.visibility_rules {
        out.push((r.id.clone(), "visibility rule"));
        out.push((r.owner.clone(), "visibility rule owner"));
    }
    for r in &ds.payment_rules {
        out.push((r.id.clone(), "payment rule"));
        out.push((r.owner.clone(), "payment rule owner"));
    }
    for p in &ds.approval_policies {
        out.push((p.id.clone(), "approval policy"));
        out.push((p.owner.clone(), "approval policy owner"));
    }
    for e in &ds.experiments {
        out.push((e.id.clone(), "experiment"));
        out.push((e.owner.clone(), "experiment owner"));
    }
    for s in &ds.segments {
        out.push((s.id.to_string(), "segment"));
    }
    out
}

/// Every string value and key in a JSON document.
fn strings(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                out.insert(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

/// Fails when the JSON of a buyer answer names a rule or owner, or a price list other than
/// `deciding` (the one list a buyer's price may name).
fn assert_tells_nothing(ds: &Dataset, answer: &impl serde::Serialize, deciding: &[String]) {
    let mut seen = BTreeSet::new();
    strings(&serde_json::to_value(answer).unwrap(), &mut seen);
    for (secret, what) in secrets(ds) {
        assert!(
            !seen.contains(&secret),
            "a buyer answer names {what} `{secret}`:\n{}",
            serde_json::to_string_pretty(answer).unwrap()
        );
    }
    for l in &ds.price_lists {
        let id = l.id.to_string();
        assert!(
            !seen.contains(&id) || deciding.contains(&id),
            "a buyer answer names list `{id}`, which did not decide:\n{}",
            serde_json::to_string_pretty(answer).unwrap()
        );
    }
}

/// The list that decided an operator answer, if any: the only list a buyer may see named.
fn deciding_list(r: &tradeterms::Resolution) -> Vec<String> {
    match &r.outcome {
        Outcome::Priced(p) => vec![p.source.as_ref().unwrap().list.to_string()],
        Outcome::QuoteRequired(q) => match &q.reason {
            tradeterms::QuoteReason::ListQuoteOnly { list, .. }
            | tradeterms::QuoteReason::AboveQuantity { list, .. } => vec![list.to_string()],
            _ => vec![],
        },
        _ => vec![],
    }
}

#[test]
fn the_demo_buyer_sees_the_price_and_the_list_name_only() {
    let (ds, s) = demo();
    // Abb North's price comes from its regional list, over the holding's and the public one.
    let q = Query::new("abb-north", "john", "DRILL-18V", 2, at());
    let operator = s.resolve(&q).unwrap();
    let buyer = s
        .resolve(&q.clone().with_audience(Audience::Buyer))
        .unwrap();
    let (Outcome::Priced(op), Outcome::Priced(by)) = (&operator.outcome, &buyer.outcome) else {
        panic!("{operator}");
    };
    assert!(
        op.candidates.len() > 1,
        "the operator sees the losing contracts"
    );
    assert_eq!(by.price.amount, op.price.amount);
    assert_eq!(by.price.slices, op.price.slices);
    assert_eq!(by.list_name, "Abb North regional list");
    assert!(by.source.is_none() && by.candidates.is_empty());
    assert!(buyer.visibility.is_none() && buyer.experiments.is_empty());
    assert_tells_nothing(&ds, &buyer, &[]);
    let text = buyer.to_string();
    assert!(
        !text.contains("north-sales@seller.example") && !text.contains("abb-contract"),
        "{text}"
    );

    // A hidden saw: the operator sees the hiding rule and its owner; the buyer only that it is
    // not for sale to them.
    let q = Query::new("abb-east", "john", "SAW-CIRC", 1, at());
    let operator = s.resolve(&q).unwrap();
    assert!(operator.visibility.as_ref().unwrap().decided_by.is_some());
    let buyer = s.resolve(&q.with_audience(Audience::Buyer)).unwrap();
    assert!(matches!(buyer.outcome, Outcome::NotVisible));
    assert_tells_nothing(&ds, &buyer, &[]);
    assert!(!buyer.to_string().contains("safety@abb-corp.example"));
}

#[test]
fn a_demo_buyer_order_names_no_policy_and_no_payment_rule() {
    let (ds, s) = demo();
    let order = Order::new(
        "abb-north",
        "john",
        at(),
        vec![
            OrderLine::new("DRILL-18V", 40u64),
            OrderLine::new("SAW-CIRC", 1u64),
        ],
    );
    let operator = s.resolve_order(&order).unwrap();
    assert!(!operator.approval.steps.is_empty(), "{operator}");
    let buyer = s
        .resolve_order(&order.with_audience(Audience::Buyer))
        .unwrap();
    // The same decision: status, approvers, amounts, blockers.
    assert_eq!(buyer.approval.status, operator.approval.status);
    assert_eq!(
        buyer
            .approval
            .steps
            .iter()
            .map(|s| &s.eligible)
            .collect::<Vec<_>>(),
        operator
            .approval
            .steps
            .iter()
            .map(|s| &s.eligible)
            .collect::<Vec<_>>()
    );
    assert_eq!(buyer.subtotal, operator.subtotal);
    assert_eq!(buyer.orderable, operator.orderable);
    assert!(buyer.approval.steps.iter().all(|s| s.policy.is_none()));
    let deciding: Vec<String> = operator
        .lines
        .iter()
        .flat_map(|l| deciding_list(&l.resolution))
        .collect();
    assert_tells_nothing(&ds, &buyer, &deciding);
    let text = buyer.to_string();
    assert!(
        !text.contains("@"),
        "no owner in the rendered buyer answer:\n{text}"
    );
}

#[test]
fn a_demo_buyer_sheet_and_quote_name_no_assignment() {
    let (ds, s) = demo();
    let lines: Vec<_> = s
        .price_sheet("abb-north", "john", at(), 1)
        .unwrap()
        .audience(Audience::Buyer)
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|l| l.visibility.is_none() && l.outcome.candidates().is_empty())
    );
    let operator: Vec<_> = s
        .price_sheet("abb-north", "john", at(), 1)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let deciding: Vec<String> = operator
        .iter()
        .filter_map(|l| match &l.outcome {
            Outcome::Priced(p) => Some(p.source.as_ref().unwrap().list.to_string()),
            _ => None,
        })
        .collect();
    assert_tells_nothing(&ds, &lines, &deciding);
    let quotes: Vec<_> = s
        .quote_sheet("abb-north", "john", at(), 1)
        .unwrap()
        .audience(Audience::Buyer)
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(quotes.iter().all(|(_, q)| !matches!(
        q,
        QuoteOutcome::Priced {
            assignment: Some(_),
            ..
        }
    )));
    assert_tells_nothing(&ds, &quotes, &deciding);
}

fn generated() -> impl Strategy<Value = Dataset> {
    common::dataset_with(Switches::all())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// On generated data with every rule kind, a buyer's answer (`resolve`, `quote`,
    /// `resolve_order`, `payment`, both sheets) names no rule id or owner and no list but the
    /// deciding one, and decides exactly as the operator's answer.
    #[test]
    fn a_buyer_answer_names_no_other_rule(
        ds in generated(),
        queries in prop::collection::vec(common::raw_query(), 1..12),
        orders in prop::collection::vec(common::raw_order(), 1..4),
    ) {
        let s = common::build(&ds);
        for raw in &queries {
            let q = raw.query(&ds);
            let operator = s.resolve(&q).unwrap();
            let buyer = s.resolve(&q.clone().with_audience(Audience::Buyer)).unwrap();
            let deciding = deciding_list(&operator);
            assert_tells_nothing(&ds, &buyer, &deciding);
            let expected = operator.outcome.price().map(|p| {
                let mut p = p.clone();
                p.adjustments.clear();
                p.margins.clear();
                p
            });
            prop_assert_eq!(buyer.outcome.price(), expected.as_ref());
            prop_assert_eq!(
                std::mem::discriminant(&buyer.outcome),
                std::mem::discriminant(&operator.outcome)
            );
            prop_assert_eq!(&buyer.access, &operator.access);
            let quote = s.quote(&q.clone().with_audience(Audience::Buyer)).unwrap();
            assert_tells_nothing(&ds, &quote, &deciding);
            let payment = s
                .payment_in(&q.account, &q.user, &q.context, Audience::Buyer)
                .unwrap();
            assert_tells_nothing(&ds, &payment, &[]);
        }
        for raw in &orders {
            let o = raw.order(&ds);
            let operator = s.resolve_order(&o).unwrap();
            let buyer = s.resolve_order(&o.clone().with_audience(Audience::Buyer)).unwrap();
            let deciding: Vec<String> =
                operator.lines.iter().flat_map(|l| deciding_list(&l.resolution)).collect();
            assert_tells_nothing(&ds, &buyer, &deciding);
            prop_assert_eq!(buyer.subtotal, operator.subtotal);
            prop_assert_eq!(buyer.approval.status, operator.approval.status);
            prop_assert_eq!(buyer.blockers.len(), operator.blockers.len());
        }
        let q = queries[0].query(&ds);
        let sheet: Vec<_> = s.price_sheet(&q.account, &q.user, q.at, 1).unwrap()
            .audience(Audience::Buyer).collect::<Result<_, _>>().unwrap();
        let operator: Vec<_> = s.price_sheet(&q.account, &q.user, q.at, 1).unwrap()
            .collect::<Result<_, _>>().unwrap();
        let deciding: Vec<String> = operator.iter().filter_map(|l| match &l.outcome {
            Outcome::Priced(p) => Some(p.source.as_ref().unwrap().list.to_string()),
            Outcome::QuoteRequired(q) => match &q.reason {
                tradeterms::QuoteReason::ListQuoteOnly { list, .. }
                | tradeterms::QuoteReason::AboveQuantity { list, .. } => Some(list.to_string()),
                _ => None,
            },
            _ => None,
        }).collect();
        assert_tells_nothing(&ds, &sheet, &deciding);
    }
}

/// An overflow a buyer can cause with an absurd quantity names no list (under `lowest_price`
/// it may be a competing contract's) for a `Buyer`; the operator still sees which list.
#[test]
fn a_buyers_overflow_error_names_no_list() {
    let data = r#"{
      "accounts": [{ "id": "a", "name": "A", "currency": "USD", "price_policy": "lowest_price" }],
      "users": [{ "id": "u", "name": "U", "memberships": [{ "account": "a", "roles": ["buyer"] }] }],
      "catalog": [{ "sku": "X", "name": "X" }],
      "price_lists": [
        { "id": "public", "name": "Public", "owner": "o", "currency": "USD",
          "entries": [{ "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] },
        { "id": "secret-competitor-contract", "name": "Other", "owner": "o", "currency": "USD",
          "entries": [{ "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": "70000000000000000000000000000" }] }] }
      ],
      "assignments": [
        { "id": "all", "price_list": "public", "scope": "everyone" },
        { "id": "other", "price_list": "secret-competitor-contract", "scope": "everyone", "priority": 1 }
      ]
    }"#;
    let s = Snapshot::from_dataset(&Dataset::from_json(data).unwrap()).unwrap();
    let q = Query::new("a", "u", "X", 2, at());
    let operator = s.resolve(&q).unwrap_err();
    assert!(
        operator.to_string().contains("secret-competitor-contract"),
        "{operator}"
    );
    let buyer = s
        .resolve(&q.clone().with_audience(Audience::Buyer))
        .unwrap_err();
    assert!(
        !buyer.to_string().contains("secret-competitor-contract"),
        "{buyer}"
    );
    let lean = s.quote(&q.with_audience(Audience::Buyer)).unwrap_err();
    assert!(
        !lean.to_string().contains("secret-competitor-contract"),
        "{lean}"
    );
}
