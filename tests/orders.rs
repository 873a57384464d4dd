//! Whole-order scenarios: approval thresholds, separation of duties, escalation, case packs,
//! quotes, margin floors and contract lead times.
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
    ApprovalStatus, Approvers, Blocker, Dataset, Order, OrderLine, Outcome, QuantitySource,
    QuoteReason, Snapshot, Timestamp,
};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

const DATA: &str = r#"{
  "accounts": [
    { "id": "holding", "name": "Holding", "currency": "USD", "max_lead_time_days": 14 },
    { "id": "branch", "name": "Branch", "parent": "holding", "currency": "USD" },
    { "id": "solo", "name": "Solo Ltd", "currency": "USD" }
  ],
  "roles": [{ "name": "finance", "permissions": ["view_catalog", "view_prices", "approve"] }],
  "users": [
    { "id": "bea", "name": "Bea (buyer)", "memberships": [{ "account": "holding", "roles": ["buyer"], "spending_limit": "2500" }] },
    { "id": "al", "name": "Al (approver)", "memberships": [{ "account": "holding", "roles": ["approver"] }] },
    { "id": "fin", "name": "Fin (finance officer)", "memberships": [{ "account": "holding", "roles": ["finance"] }] },
    { "id": "bo", "name": "Bo (branch buyer)", "memberships": [{ "account": "branch", "roles": ["buyer"] }] },
    { "id": "sam", "name": "Sam (buyer and only approver)", "memberships": [{ "account": "solo", "roles": ["buyer", "approver"] }] }
  ],
  "catalog": [
    { "sku": "PUMP", "name": "Pump", "categories": ["plant/pumps"], "cost": "70.00", "lead_time_days": 5 },
    { "sku": "VALVE", "name": "Valve", "categories": ["plant/valves"], "lead_time_days": 21 },
    { "sku": "GLOVES", "name": "Gloves, case of 12", "categories": ["safety"], "quantity": { "increment": 12 } },
    { "sku": "CUSTOM-RIG", "name": "Custom rig", "categories": ["plant/rigs"], "quote_only": true },
    { "sku": "CRANE", "name": "Crane hire", "categories": ["plant/cranes"] },
    { "sku": "BOLT", "name": "Bolt", "categories": ["fasteners"] }
  ],
  "price_lists": [
    { "id": "list", "name": "List", "owner": "pricing", "currency": "USD",
      "entries": [
        { "sku": "PUMP", "tiers": [{ "min_qty": 1, "unit_price": "100.00" }, { "min_qty": 10, "unit_price": "80.00" }] },
        { "sku": "VALVE", "tiers": [{ "min_qty": 1, "unit_price": "50.00" }] },
        { "sku": "GLOVES", "tiers": [{ "min_qty": 1, "unit_price": "2.00" }] },
        { "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "0.50" }], "quote_above": 1000,
          "quantity": { "min": 10 } }
      ] },
    { "id": "cranes-on-request", "name": "Crane hire on request", "owner": "plant-hire", "currency": "USD",
      "quote_only": true, "entries": [{ "sku": "CRANE", "tiers": [{ "min_qty": 1, "unit_price": "0" }] }] }
  ],
  "assignments": [
    { "id": "all", "price_list": "list", "scope": "everyone" },
    { "id": "cranes", "price_list": "cranes-on-request", "scope": "everyone", "priority": 1 }
  ],
  "approval_policies": [
    { "id": "over-1000", "owner": "procurement@holding", "scope": { "subtree": "holding" },
      "when": { "total_above": "1000" }, "steps": [{ "role_escalating": "approver" }] },
    { "id": "over-5000", "owner": "finance@holding", "scope": { "subtree": "holding" },
      "when": { "total_above": "5000" }, "steps": [{ "role": "finance" }] },
    { "id": "margin-floor", "owner": "sales-ops", "scope": "everyone",
      "when": { "margin_below_percent": "25" }, "steps": [{ "users": ["fin"] }] },
    { "id": "solo-any", "owner": "solo-owner", "scope": { "account": "solo" },
      "when": { "lines_above": 0 }, "steps": [{ "role": "approver" }] }
  ],
  "payment_rules": [{ "id": "net30", "owner": "credit", "scope": "everyone", "terms": { "net_days": 30 } }]
}"#;

fn snapshot() -> Snapshot {
    let d: Dataset = serde_json::from_str(DATA).unwrap();
    Snapshot::from_dataset(&d).unwrap_or_else(|e| panic!("{e}"))
}

fn order(account: &str, user: &str, lines: &[(&str, u64)]) -> Order {
    Order::new(
        account,
        user,
        at(),
        lines
            .iter()
            .map(|&(sku, qty)| OrderLine::new(sku, qty))
            .collect(),
    )
    .with_audience(tradeterms::Audience::Operator)
    .with_context(Default::default())
}

#[test]
fn buyer_approver_and_finance_officer_with_two_thresholds() {
    let s = snapshot();
    // 5 valves = 250.00: under both thresholds.
    let small = s
        .resolve_order(&order("holding", "bea", &[("VALVE", 5)]))
        .unwrap();
    assert_eq!(small.subtotal.unwrap().amount.to_string(), "250.00");
    assert_eq!(small.approval.status, ApprovalStatus::AutoApproved);
    assert!(small.approval.steps.is_empty());
    assert!(small.orderable, "{small}");
    assert!(small.to_string().contains("auto-approved"));

    // 30 valves = 1500.00: the approver.
    let mid = s
        .resolve_order(&order("holding", "bea", &[("VALVE", 30)]))
        .unwrap();
    assert_eq!(mid.approval.status, ApprovalStatus::Required);
    assert_eq!(mid.approval.steps.len(), 1);
    assert_eq!(
        mid.approval.steps[0].policy.as_ref().unwrap().id,
        "over-1000"
    );
    assert_eq!(mid.approval.steps[0].eligible, ["al".into()]);
    assert!(mid.approval.steps[0].condition.contains("1500.00"));

    // 120 valves = 6000.00: the approver, then the finance officer.
    let big = s
        .resolve_order(&order("holding", "bea", &[("VALVE", 120)]))
        .unwrap();
    let ids: Vec<_> = big
        .approval
        .steps
        .iter()
        .map(|s| (s.policy.as_ref().unwrap().id.as_str(), s.eligible.clone()))
        .collect();
    assert_eq!(
        ids,
        [
            ("over-1000", vec!["al".into()]),
            ("over-5000", vec!["fin".into()])
        ]
    );
    assert!(matches!(
        big.approval.steps[1].approvers,
        Approvers::Role(_)
    ));
}

#[test]
fn a_requester_who_is_the_only_approver_makes_the_order_unapprovable() {
    let s = snapshot();
    let a = s
        .resolve_order(&order("solo", "sam", &[("VALVE", 1)]))
        .unwrap();
    assert_eq!(a.approval.status, ApprovalStatus::Unapprovable);
    assert!(a.approval.steps[0].eligible.is_empty());
    assert!(!a.orderable);
    assert!(
        a.blockers.iter().any(
            |b| matches!(b, Blocker::Unapprovable { policy, step: 1 } if policy.as_deref() == Some("solo-any"))
        )
    );
    let text = a.to_string();
    assert!(
        text.contains("unapprovable") && text.contains("nobody but the requester"),
        "{text}"
    );
}

#[test]
fn escalation_from_a_branch_to_its_holdings_approver() {
    let s = snapshot();
    let a = s
        .resolve_order(&order("branch", "bo", &[("VALVE", 30)]))
        .unwrap();
    let step = &a.approval.steps[0];
    assert_eq!(step.eligible, ["al".into()]);
    assert_eq!(step.escalated_to.as_ref().unwrap().as_str(), "holding");
    assert!(matches!(
        step.policy.as_ref().unwrap().specificity,
        tradeterms::Specificity::Ancestor { distance: 1, .. }
    ));
}

#[test]
fn a_case_pack_of_12_reports_the_nearest_valid_quantities() {
    let s = snapshot();
    let a = s
        .resolve_order(&order("holding", "bea", &[("GLOVES", 30)]))
        .unwrap();
    let v = &a.lines[0].quantity_violations[0];
    assert_eq!(v.source, QuantitySource::Sku);
    assert_eq!((v.below, v.above), (Some(24u64.into()), Some(36u64.into())));
    assert!(!a.orderable);
    // Not silently rounded: the line is priced at the quantity asked.
    assert_eq!(
        a.lines[0]
            .resolution
            .outcome
            .price()
            .unwrap()
            .amount
            .to_string(),
        "60.00"
    );
    let ok = s
        .resolve_order(&order("holding", "bea", &[("GLOVES", 36)]))
        .unwrap();
    assert!(ok.orderable, "{ok}");
    // An entry-level rule (min 10 bolts) is checked too, and named as such.
    let bolts = s
        .resolve_order(&order("holding", "bea", &[("BOLT", 4)]))
        .unwrap();
    let v = &bolts.lines[0].quantity_violations[0];
    assert_eq!(v.source, QuantitySource::Entry("list".into()));
    assert_eq!((v.below, v.above), (None, Some(10u64.into())));
}

#[test]
fn quote_only_skus_in_a_mixed_order() {
    let s = snapshot();
    let a = s
        .resolve_order(&order(
            "holding",
            "bea",
            &[
                ("VALVE", 2),
                ("CUSTOM-RIG", 1),
                ("CRANE", 1),
                ("BOLT", 5000),
            ],
        ))
        .unwrap();
    let reasons: Vec<_> = a
        .blockers
        .iter()
        .filter_map(|b| match b {
            Blocker::QuoteRequired {
                line,
                reason,
                may_request_quote,
                ..
            } => {
                assert!(may_request_quote);
                Some((*line, reason.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (1, QuoteReason::SkuQuoteOnly),
            (
                2,
                QuoteReason::ListQuoteOnly {
                    assignment: Some("cranes".into()),
                    list: "cranes-on-request".into()
                }
            ),
            (
                3,
                QuoteReason::AboveQuantity {
                    list: "list".into(),
                    quote_above: 1000u64.into()
                }
            ),
        ]
    );
    // The priced line still counts; the quoted ones do not.
    assert_eq!(a.subtotal.unwrap().amount.to_string(), "100.00");
    assert!(!a.orderable);
    // The single-line answer agrees: a quote-only list decides, it does not fall through.
    let crane = s
        .resolve(&tradeterms::Query::new("holding", "bea", "CRANE", 1, at()))
        .unwrap();
    assert!(matches!(crane.outcome, Outcome::QuoteRequired(_)));
}

#[test]
fn a_line_under_the_margin_floor_needs_the_finance_officer() {
    let s = snapshot();
    // 5 pumps at 100.00 against a cost of 70.00: 30 % margin, above the 25 % floor.
    let ok = s
        .resolve_order(&order("holding", "bea", &[("PUMP", 5)]))
        .unwrap();
    assert!(
        ok.approval
            .steps
            .iter()
            .all(|s| s.policy.as_ref().unwrap().id != "margin-floor")
    );
    // 10 pumps reach the 80.00 tier: 12.5 % margin, below the floor.
    let low = s
        .resolve_order(&order("holding", "bea", &[("PUMP", 10)]))
        .unwrap();
    let step = low
        .approval
        .steps
        .iter()
        .find(|s| s.policy.as_ref().unwrap().id == "margin-floor")
        .unwrap();
    assert_eq!(step.eligible, ["fin".into()]);
    assert!(step.condition.contains("margin"));
}

#[test]
fn a_lead_time_beyond_the_contract_is_flagged() {
    let s = snapshot();
    let a = s
        .resolve_order(&order("branch", "bo", &[("VALVE", 1), ("PUMP", 1)]))
        .unwrap();
    let breach = a.lines[0].lead_time_breach.as_ref().unwrap();
    assert_eq!((breach.lead_time_days, breach.max_lead_time_days), (21, 14));
    assert!(a.lines[1].lead_time_breach.is_none());
    // A supplier's lead time given with the line replaces the catalogue's.
    let mut o = order("branch", "bo", &[("PUMP", 1)]);
    o.lines[0].lead_time_days = Some(30);
    assert!(
        s.resolve_order(&o).unwrap().lines[0]
            .lead_time_breach
            .is_some()
    );
    assert!(a.to_string().contains("does not meet the contract"));
}

#[test]
fn the_spending_limit_is_reported_and_usable_in_conditions() {
    let d: Dataset = serde_json::from_str(&DATA.replace(
        r#""when": { "total_above": "1000" }"#,
        r#""when": "spending_limit_exceeded""#,
    ))
    .unwrap();
    let s = Snapshot::from_dataset(&d).unwrap();
    let under = s
        .resolve_order(&order("holding", "bea", &[("VALVE", 50)]))
        .unwrap();
    assert_eq!(under.access.spending_limit, Some("2500".parse().unwrap()));
    assert!(under.approval.steps.is_empty());
    let over = s
        .resolve_order(&order("holding", "bea", &[("VALVE", 51)]))
        .unwrap();
    assert!(over.approval.steps[0].condition.contains("spending limit"));
}

#[test]
fn a_user_without_buy_cannot_order_and_gets_every_reason() {
    let s = snapshot();
    let a = s
        .resolve_order(&order("holding", "al", &[("VALVE", 1)]))
        .unwrap();
    assert!(
        a.blockers
            .iter()
            .any(|b| matches!(b, Blocker::MayNotBuy { .. }))
    );
    assert!(matches!(a.payment, tradeterms::Payment::Denied(_)));
}

#[test]
fn policies_naming_unknown_roles_or_users_are_rejected() {
    let bad = DATA
        .replace(r#"{ "users": ["fin"] }"#, r#"{ "users": ["ghost"] }"#)
        .replace(r#"{ "role": "finance" }"#, r#"{ "role": "cfo" }"#);
    let d: Dataset = serde_json::from_str(&bad).unwrap();
    let err = Snapshot::from_dataset(&d).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`ghost`") && text.contains("`cfo`"), "{text}");
    assert_eq!(err.problems().len(), 2);
}

/// Issue 11, point 8: two threshold policies produced their steps in policy-id order, so
/// renaming one reordered the chain. With stages, "approver then finance" holds whatever the ids.
#[test]
fn approval_stages_order_the_chain_whatever_the_policy_ids() {
    let chain = |finance_id: &str, stages: Option<(u32, u32)>| {
        let mut d: Dataset = serde_json::from_str(DATA).unwrap();
        for p in &mut d.approval_policies {
            if p.id == "over-5000" {
                p.id = finance_id.to_string();
            }
            if let Some((approver, finance)) = stages {
                if p.id == "over-1000" {
                    p.stage = approver;
                } else if p.id == finance_id {
                    p.stage = finance;
                }
            }
        }
        let s = Snapshot::from_dataset(&d).unwrap();
        // 80 pumps = 6,400.00: over both thresholds.
        let a = s
            .resolve_order(&order("holding", "bea", &[("PUMP", 80)]))
            .unwrap();
        a.approval
            .steps
            .iter()
            .map(|s| s.policy.as_ref().unwrap().id.clone())
            // The margin floor (everyone, stage 0) also applies; the two thresholds are compared.
            .filter(|id| id != "margin-floor")
            .collect::<Vec<_>>()
    };
    // Without stages, the id order decides: renaming finance's policy moves it first.
    assert_eq!(chain("over-5000", None), ["over-1000", "over-5000"]);
    assert_eq!(chain("a-finance", None), ["a-finance", "over-1000"]);
    // With stages the chain is approver (stage 1) then finance (stage 2), whatever the ids.
    assert_eq!(chain("a-finance", Some((1, 2))), ["over-1000", "a-finance"]);
    assert_eq!(chain("z-finance", Some((1, 2))), ["over-1000", "z-finance"]);
    // And stages can put finance first on purpose.
    assert_eq!(chain("z-finance", Some((2, 1))), ["z-finance", "over-1000"]);
}

/// Issue 13, point 2: an order showed a requester who may not act for the account its
/// approval policies, owners and approvers, and showed anyone ordering a hidden SKU its case
/// pack, lead time and the account's contracted maximum (SEMANTICS O12).
#[test]
fn an_order_shows_nothing_of_the_account_to_a_non_member_and_nothing_of_a_hidden_sku() {
    let s = snapshot();
    // Sam is a member of Solo only; ordering for the holding, valves (lead time 21 > 14) and
    // gloves (a case pack of 12) in a quantity that breaks the case pack.
    let a = s
        .resolve_order(&order("holding", "sam", &[("VALVE", 500), ("GLOVES", 5)]))
        .unwrap();
    assert_eq!(a.approval.status, ApprovalStatus::NotEvaluated);
    assert!(a.approval.steps.is_empty() && a.approval.overridden.is_empty());
    let json = serde_json::to_string(&a).unwrap();
    for secret in [
        "over-1000",
        "over-5000",
        "procurement@holding",
        "finance@holding",
        "\"al\"",
        "\"fin\"",
        "max_lead_time_days",
        "increment",
    ] {
        assert!(!json.contains(secret), "`{secret}` leaked: {json}");
    }
    assert!(
        a.lines
            .iter()
            .all(|l| l.quantity_violations.is_empty() && l.lead_time_breach.is_none())
    );

    // A member ordering a SKU hidden from them learns nothing of it either.
    let mut d: Dataset = serde_json::from_str(DATA).unwrap();
    d.visibility_rules.push(
        serde_json::from_value(serde_json::json!({
            "id": "no-gloves", "owner": "assortment", "scope": { "subtree": "holding" },
            "target": { "sku": "GLOVES" }, "effect": "exclude" }))
        .unwrap(),
    );
    let s = Snapshot::from_dataset(&d).unwrap();
    let a = s
        .resolve_order(&order("holding", "bea", &[("GLOVES", 5)]))
        .unwrap();
    let line = &a.lines[0];
    assert_eq!(line.resolution.outcome, Outcome::NotVisible);
    assert!(line.quantity_violations.is_empty() && line.lead_time_breach.is_none());
    assert!(
        a.blockers
            .iter()
            .all(|b| matches!(b, Blocker::NotVisible { .. })),
        "{:?}",
        a.blockers
    );
}

/// Issue 13, point 10: an order without lines was answered as an empty, orderable order.
#[test]
fn an_order_without_lines_is_an_input_error() {
    let s = snapshot();
    assert_eq!(
        s.resolve_order(&order("holding", "bea", &[])).unwrap_err(),
        tradeterms::ResolveError::EmptyOrder
    );
}
