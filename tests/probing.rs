//! Nothing to probe (issue 13, point 1; SEMANTICS R1-R3): the user and their access are checked
//! before the SKU, so an answer never tells which accounts or SKUs exist to someone who may not
//! see them. A non-member gets the same denial for an existing and a missing account or SKU; a
//! member gets the same `NotVisible` for a hidden and a missing SKU, from every call.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap is a failed test"
)]

use tradeterms::{
    Dataset, Order, OrderLine, Outcome, Payment, Query, QuoteOutcome, Snapshot, Timestamp,
};

fn demo() -> Snapshot {
    let dataset: Dataset =
        serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap();
    Snapshot::from_dataset(&dataset).unwrap()
}

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn order(account: &str, user: &str, skus: &[&str]) -> Order {
    Order::new(
        account,
        user,
        at(),
        skus.iter()
            .map(|s| OrderLine::new(*s, 1u64).with_lead_time(3))
            .collect(),
    )
    .with_audience(tradeterms::Audience::Operator)
    .with_context(Default::default())
}

/// The parts of an answer that could differ between two probes: everything but the ids the
/// asker typed themselves.
fn resolution_json(s: &Snapshot, account: &str, user: &str, sku: &str) -> serde_json::Value {
    let mut v =
        serde_json::to_value(s.resolve(&Query::new(account, user, sku, 1, at())).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("query");
    v
}

fn order_json(s: &Snapshot, account: &str, user: &str, skus: &[&str]) -> String {
    let a = s.resolve_order(&order(account, user, skus)).unwrap();
    let mut v = serde_json::to_value(&a).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("account");
    for line in o["lines"].as_array_mut().unwrap() {
        line["resolution"].as_object_mut().unwrap().remove("query");
    }
    for b in o["blockers"].as_array_mut().unwrap() {
        b.as_object_mut().unwrap().remove("sku");
    }
    v.to_string()
}

#[test]
fn a_non_member_cannot_tell_an_existing_sku_from_a_missing_one() {
    let s = demo();
    // bob buys for Austin Hardware only.
    let existing = resolution_json(&s, "abb-north", "bob", "DRILL-18V");
    let missing = resolution_json(&s, "abb-north", "bob", "NO-SUCH-SKU");
    assert_eq!(existing, missing);
    assert_eq!(existing["outcome"]["denied"]["reason"], "not_entitled");
    for sku in ["DRILL-18V", "NO-SUCH-SKU"] {
        let q = s
            .quote(&Query::new("abb-north", "bob", sku, 1, at()))
            .unwrap();
        assert_eq!(q.outcome, QuoteOutcome::Denied);
    }
}

#[test]
fn a_non_member_cannot_tell_an_existing_account_from_a_missing_one() {
    let s = demo();
    let existing = resolution_json(&s, "abb-north", "bob", "DRILL-18V");
    let missing = resolution_json(&s, "no-such-account", "bob", "DRILL-18V");
    assert_eq!(existing, missing);
    let q = s
        .quote(&Query::new("no-such-account", "bob", "DRILL-18V", 1, at()))
        .unwrap();
    assert_eq!(q.outcome, QuoteOutcome::Denied);
    assert_eq!(
        s.payment("no-such-account", "bob").unwrap(),
        s.payment("abb-north", "bob").unwrap()
    );
    assert!(matches!(
        s.payment("abb-north", "bob").unwrap(),
        Payment::Denied(_)
    ));
    // Sheets: empty, with the same access, for both.
    let sheet = |account: &str| {
        let sheet = s.price_sheet(account, "bob", at(), 1).unwrap();
        let access = sheet.access().clone();
        (access, sheet.count())
    };
    assert_eq!(sheet("abb-north"), sheet("no-such-account"));
    assert_eq!(sheet("abb-north").1, 0);
    let quotes = |account: &str| s.quote_sheet(account, "bob", at(), 1).unwrap().count();
    assert_eq!((quotes("abb-north"), quotes("no-such-account")), (0, 0));
    // Operators can still tell.
    assert!(s.account_exists("abb-north"));
    assert!(!s.account_exists("no-such-account"));
}

#[test]
fn a_member_cannot_tell_a_hidden_sku_from_a_missing_one() {
    let s = demo();
    // Saws are hidden from Abb East by the holding's exclusion.
    let hidden = resolution_json(&s, "abb-east", "john", "SAW-CIRC");
    let missing = resolution_json(&s, "abb-east", "john", "NO-SUCH-SKU");
    assert_eq!(hidden["outcome"], "not_visible");
    assert_eq!(hidden["outcome"], missing["outcome"]);
    assert_eq!(hidden["access"], missing["access"]);
    for sku in ["SAW-CIRC", "NO-SUCH-SKU"] {
        let q = s
            .quote(&Query::new("abb-east", "john", sku, 1, at()))
            .unwrap();
        assert_eq!(q.outcome, QuoteOutcome::NotVisible, "{sku}");
    }
    // The missing SKU is explained as decided by no rule.
    let r = s
        .resolve(&Query::new("abb-east", "john", "NO-SUCH-SKU", 1, at()))
        .unwrap();
    let v = r.visibility.unwrap();
    assert!(!v.visible && v.decided_by.is_none() && v.overridden.is_empty());
    assert!(matches!(r.outcome, Outcome::NotVisible));
    assert!(s.sku_exists("SAW-CIRC"));
    assert!(!s.sku_exists("NO-SUCH-SKU"));
}

#[test]
fn an_order_tells_a_member_nothing_more_about_a_hidden_sku_than_a_missing_one() {
    let s = demo();
    let a = s
        .resolve_order(&order("abb-east", "john", &["SAW-CIRC"]))
        .unwrap();
    let b = s
        .resolve_order(&order("abb-east", "john", &["NO-SUCH-SKU"]))
        .unwrap();
    assert!(a.lines[0].lead_time_breach.is_none());
    assert!(a.lines[0].quantity_violations.is_empty());
    assert_eq!(a.blockers.len(), b.blockers.len());
    assert!(!a.orderable && !b.orderable);
    assert!(matches!(a.lines[0].resolution.outcome, Outcome::NotVisible));
    assert!(matches!(b.lines[0].resolution.outcome, Outcome::NotVisible));
}

#[test]
fn an_order_tells_a_non_member_nothing_about_the_account_or_its_skus() {
    let s = demo();
    let known = order_json(&s, "abb-north", "bob", &["DRILL-18V", "SAW-CIRC"]);
    let unknown_skus = order_json(&s, "abb-north", "bob", &["NOPE-1", "NOPE-2"]);
    let unknown_account = order_json(&s, "no-such-account", "bob", &["DRILL-18V", "SAW-CIRC"]);
    assert_eq!(known, unknown_skus);
    assert_eq!(known, unknown_account);
    let a = s
        .resolve_order(&order("abb-north", "bob", &["DRILL-18V"]))
        .unwrap();
    assert!(
        a.subtotal.is_none(),
        "the account's currency is the account's"
    );
    assert!(a.approval.steps.is_empty() && a.approval.overridden.is_empty());
    assert!(matches!(a.payment, Payment::Denied(_)));
    assert!(a.experiments.is_empty());
}

#[test]
fn a_zero_quantity_is_refused_before_anything_is_looked_up() {
    let s = demo();
    for (account, user, sku) in [("abb-north", "john", "DRILL-18V"), ("nope", "bob", "NOPE")] {
        let e = s
            .resolve(&Query::new(account, user, sku, 0, at()))
            .unwrap_err();
        assert_eq!(e, tradeterms::ResolveError::ZeroQuantity(sku.into()));
    }
}

/// A member whose roles do not let them see the catalogue (here: approve only) gets every
/// order line denied before any SKU is looked up, so a missing SKU and an existing one answer
/// alike there too.
#[test]
fn a_member_who_may_not_see_the_catalogue_cannot_probe_it_through_an_order() {
    let mut dataset: Dataset =
        serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap();
    dataset.roles.push(tradeterms::RoleData::new(
        "approve-only",
        vec![tradeterms::Permission::Approve],
    ));
    dataset.users.push(
        tradeterms::UserData::new("amy", "Amy").with_memberships(vec![
            tradeterms::MembershipData::new("abb-north", vec!["approve-only".into()]),
        ]),
    );
    let s = Snapshot::from_dataset(&dataset).unwrap();
    let existing = order_json(&s, "abb-north", "amy", &["DRILL-18V", "SAW-CIRC"]);
    let missing = order_json(&s, "abb-north", "amy", &["NOPE-1", "NOPE-2"]);
    assert_eq!(existing, missing);
    let a = s
        .resolve_order(&order("abb-north", "amy", &["NOPE-1"]))
        .unwrap();
    assert!(matches!(a.lines[0].resolution.outcome, Outcome::Denied(_)));
    assert!(a.lines[0].resolution.visibility.is_none());
}
