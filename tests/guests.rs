//! Guests (issue 16, point 7; SEMANTICS G1-G8): a visitor not signed in, asking with a context
//! alone. A guest is reached by `everyone` and `guests` rules only, sees prices only on a
//! channel that shows guests prices (`SignInForPrice` elsewhere), and every answer is redacted
//! for a buyer. Scenarios on a small storefront, then properties on generated data: a guest
//! answer names no rule id or owner, and removing every account, subtree and segment rule
//! changes no guest answer.
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

mod common;
mod reference;

use common::Switches;
use proptest::prelude::*;
use std::collections::BTreeSet;
use tradeterms::{
    BuildProblem, Context, Currency, Dataset, Engine, GuestQuery, Outcome, Query, QuoteOutcome,
    QuoteReason, ResolveError, Scope, Snapshot, Timestamp,
};

/// A storefront: public prices for everyone, a cheaper guests' price for the saw, a contract
/// for Acme, a subtree list for Holding's branches and a segment list for wholesalers; a
/// prototype hidden from guests; a web channel showing guests prices and an EDI one not.
const DATA: &str = r#"{
  "channels": [
    { "id": "web", "name": "Web shop", "guest_prices": true },
    { "id": "edi", "name": "EDI" }
  ],
  "accounts": [
    { "id": "acme", "name": "Acme", "currency": "USD", "attributes": { "type": "wholesale" } },
    { "id": "holding", "name": "Holding", "currency": "USD" },
    { "id": "branch", "name": "Branch", "parent": "holding", "currency": "USD" }
  ],
  "segments": [{ "id": "wholesale", "name": "Wholesale", "accounts": ["acme"] }],
  "users": [
    { "id": "ann", "name": "Ann", "memberships": [{ "account": "acme", "roles": ["buyer"] }] },
    { "id": "bob", "name": "Bob", "memberships": [{ "account": "branch", "roles": ["buyer"] }] }
  ],
  "catalog": [
    { "sku": "DRILL", "name": "Drill", "categories": ["tools"],
      "units": [{ "unit": "box", "contains": 4 }] },
    { "sku": "SAW", "name": "Saw", "categories": ["tools"] },
    { "sku": "PROTO", "name": "Prototype", "categories": ["tools"] },
    { "sku": "PART", "name": "Spare part", "quote_only": true }
  ],
  "price_lists": [
    { "id": "public", "name": "Public prices", "owner": "pricing@seller.example", "currency": "USD",
      "derive_units": true,
      "entries": [
        { "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "129.00" }, { "min_qty": 10, "unit_price": "119.00" }] },
        { "sku": "SAW", "tiers": [{ "min_qty": 1, "unit_price": "189.00" }] },
        { "sku": "PROTO", "tiers": [{ "min_qty": 1, "unit_price": "999.00" }] },
        { "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "5.00" }] }
      ] },
    { "id": "web-guests", "name": "Web offers", "owner": "web@seller.example", "currency": "USD",
      "entries": [{ "sku": "SAW", "tiers": [{ "min_qty": 1, "unit_price": "179.00" }] }] },
    { "id": "acme-contract", "name": "Acme contract", "owner": "kam@seller.example", "currency": "USD",
      "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "99.00" }] }] },
    { "id": "holding-contract", "name": "Holding contract", "owner": "kam@seller.example", "currency": "USD",
      "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "101.00" }] }] },
    { "id": "wholesale", "name": "Wholesale", "owner": "kam@seller.example", "currency": "USD",
      "entries": [{ "sku": "SAW", "tiers": [{ "min_qty": 1, "unit_price": "150.00" }] }] }
  ],
  "assignments": [
    { "id": "all-public", "price_list": "public", "scope": "everyone" },
    { "id": "guests-web", "price_list": "web-guests", "scope": "guests" },
    { "id": "acme-own", "price_list": "acme-contract", "scope": { "account": "acme" } },
    { "id": "holding-tree", "price_list": "holding-contract", "scope": { "subtree": "holding" } },
    { "id": "wholesale-seg", "price_list": "wholesale", "scope": { "segment": "wholesale" } }
  ],
  "visibility_rules": [
    { "id": "no-proto-for-guests", "owner": "web@seller.example", "scope": "guests",
      "target": { "sku": "PROTO" }, "effect": "exclude" },
    { "id": "acme-no-saws", "owner": "kam@seller.example", "scope": { "account": "acme" },
      "target": { "sku": "SAW" }, "effect": "exclude" }
  ]
}"#;

fn storefront() -> Snapshot {
    Snapshot::from_dataset(&Dataset::from_json(DATA).unwrap()).unwrap()
}

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn usd() -> Currency {
    Currency::from_code("USD").unwrap()
}

fn on(channel: &str) -> Context {
    Context::default().channel(channel).currency(usd())
}

fn guest(sku: &str, qty: u64, context: Context) -> GuestQuery {
    GuestQuery::new(sku, qty, at()).context(context)
}

fn amount(outcome: &Outcome) -> Option<String> {
    outcome.price().map(|p| p.amount.to_string())
}

#[test]
fn a_guest_on_the_web_channel_sees_public_prices() {
    let s = storefront();
    let answer = s.resolve_guest(&guest("DRILL", 1, on("web"))).unwrap();
    assert_eq!(amount(&answer.outcome).as_deref(), Some("129.00"));
    let Outcome::Priced(p) = &answer.outcome else {
        panic!("{answer}");
    };
    assert_eq!(p.list_name, "Public prices");
    // Tiers apply as for anyone, and units too (3 boxes of 4 are 12 drills at 119.00).
    let ten = s.resolve_guest(&guest("DRILL", 10, on("web"))).unwrap();
    assert_eq!(amount(&ten.outcome).as_deref(), Some("1190.00"));
    let boxes = s
        .resolve_guest(&guest("DRILL", 3, on("web")).unit("box"))
        .unwrap();
    assert_eq!(amount(&boxes.outcome).as_deref(), Some("1428.00"));
    // The lean answer agrees, and names no assignment.
    let quote = s.quote_guest(&guest("DRILL", 1, on("web"))).unwrap();
    match quote.outcome {
        QuoteOutcome::Priced {
            amount, assignment, ..
        } => {
            assert_eq!(amount.to_string(), "129.00");
            assert_eq!(assignment, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_guest_on_another_channel_or_none_is_asked_to_sign_in() {
    let s = storefront();
    for context in [on("edi"), Context::default().currency(usd())] {
        let answer = s
            .resolve_guest(&guest("DRILL", 1, context.clone()))
            .unwrap();
        assert_eq!(answer.outcome, Outcome::SignInForPrice, "{context:?}");
        assert!(answer.to_string().contains("SIGN IN FOR PRICE"), "{answer}");
        let quote = s.quote_guest(&guest("DRILL", 1, context)).unwrap();
        assert_eq!(quote.outcome, QuoteOutcome::SignInForPrice);
    }
    // Before the quote-only SKU (R5): the guest cannot tell a quote-only SKU from another.
    let part = s.resolve_guest(&guest("PART", 1, on("edi"))).unwrap();
    assert_eq!(part.outcome, Outcome::SignInForPrice);
    // On the web a quote-only SKU needs a quote, as for anyone.
    let part = s.resolve_guest(&guest("PART", 1, on("web"))).unwrap();
    assert!(
        matches!(&part.outcome, Outcome::QuoteRequired(q) if q.reason == QuoteReason::SkuQuoteOnly),
        "{part}"
    );
}

#[test]
fn a_guest_never_sees_an_account_subtree_or_segment_price() {
    let s = storefront();
    // Members see their contracts...
    let ann = s
        .resolve(&Query::new("acme", "ann", "DRILL", 1, at()))
        .unwrap();
    assert_eq!(amount(&ann.outcome).as_deref(), Some("99.00"));
    let bob = s
        .resolve(&Query::new("branch", "bob", "DRILL", 1, at()))
        .unwrap();
    assert_eq!(amount(&bob.outcome).as_deref(), Some("101.00"));
    // ...and no guests' rule reaches them: Bob pays the public price for the saw.
    let bob_saw = s
        .resolve(&Query::new("branch", "bob", "SAW", 1, at()))
        .unwrap();
    assert_eq!(amount(&bob_saw.outcome).as_deref(), Some("189.00"));
    // A guest sees the public price, and the guests' offer beats it (G3: guests above everyone).
    let drill = s.resolve_guest(&guest("DRILL", 1, on("web"))).unwrap();
    assert_eq!(amount(&drill.outcome).as_deref(), Some("129.00"));
    let saw = s.resolve_guest(&guest("SAW", 1, on("web"))).unwrap();
    assert_eq!(amount(&saw.outcome).as_deref(), Some("179.00"));
    // An account's visibility rule does not hide the saw from guests either.
    let json = serde_json::to_string(&saw).unwrap();
    for secret in [
        "wholesale",
        "acme",
        "holding",
        "guests-web",
        "web@seller",
        "kam@",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
}

#[test]
fn a_guests_visibility_rule_hides_a_sku_from_guests_only() {
    let s = storefront();
    let proto = s.resolve_guest(&guest("PROTO", 1, on("web"))).unwrap();
    assert_eq!(proto.outcome, Outcome::NotVisible);
    assert!(!serde_json::to_string(&proto).unwrap().contains("no-proto"));
    // A member still sees it.
    let ann = s
        .resolve(&Query::new("acme", "ann", "PROTO", 1, at()))
        .unwrap();
    assert_eq!(amount(&ann.outcome).as_deref(), Some("999.00"));
    // The guests' sheet leaves it out and agrees with each answer.
    let lines: Vec<_> = s
        .guest_sheet(&on("web"), at(), 1)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let skus: Vec<_> = lines.iter().map(|l| l.sku.to_string()).collect();
    assert_eq!(skus, ["DRILL", "PART", "SAW"]);
    for line in &lines {
        assert!(line.visibility.is_none());
        let alone = s
            .resolve_guest(&guest(line.sku.as_str(), 1, on("web")))
            .unwrap();
        assert_eq!(alone.outcome, line.outcome);
    }
    // On EDI every line asks the guest to sign in.
    let edi: Vec<_> = s
        .guest_sheet(&on("edi"), at(), 1)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(edi.len(), 3);
    assert!(edi.iter().all(|l| l.outcome == Outcome::SignInForPrice));
}

#[test]
fn a_missing_sku_is_not_visible_to_a_guest_like_a_hidden_one() {
    let s = storefront();
    for context in [on("web"), on("edi")] {
        let missing = s
            .resolve_guest(&guest("NO-SUCH", 1, context.clone()))
            .unwrap();
        let hidden = s
            .resolve_guest(&guest("PROTO", 1, context.clone()))
            .unwrap();
        assert_eq!(missing.outcome, Outcome::NotVisible);
        assert_eq!(hidden.outcome, Outcome::NotVisible);
        // A unit is checked only for a visible SKU: no error tells a hidden SKU apart.
        let hidden_unit = s
            .resolve_guest(&guest("PROTO", 1, context.clone()).unit("crate"))
            .unwrap();
        assert_eq!(hidden_unit.outcome, Outcome::NotVisible);
        let missing_quote = s.quote_guest(&guest("NO-SUCH", 1, context)).unwrap();
        assert_eq!(missing_quote.outcome, QuoteOutcome::NotVisible);
    }
    assert!(matches!(
        s.resolve_guest(&guest("DRILL", 1, on("web")).unit("crate")),
        Err(ResolveError::UnknownUnit { .. })
    ));
}

#[test]
fn a_guests_inputs_are_checked_first() {
    let s = storefront();
    assert_eq!(
        s.resolve_guest(&guest("DRILL", 0, on("web"))).unwrap_err(),
        ResolveError::ZeroQuantity("DRILL".into())
    );
    assert!(matches!(
        s.resolve_guest(&guest("DRILL", 1, on("pos"))),
        Err(ResolveError::UnknownChannel(_))
    ));
    // G4: no account stands in for the currency; a guest must name one.
    let none = s
        .resolve_guest(&guest("DRILL", 1, Context::default().channel("web")))
        .unwrap_err();
    assert_eq!(none, ResolveError::GuestCurrencyRequired);
    assert!(none.to_string().contains("currency"), "{none}");
    assert_eq!(
        s.guest_sheet(&Context::default(), at(), 1).unwrap_err(),
        ResolveError::GuestCurrencyRequired
    );
    assert_eq!(
        s.guest_sheet(&on("web"), at(), 0).unwrap_err(),
        ResolveError::ZeroSheetQuantity
    );
    // A currency no list is in: lists in another currency cannot price the line.
    let eur = Context::default()
        .channel("web")
        .currency(Currency::from_code("EUR").unwrap());
    let answer = s.resolve_guest(&guest("DRILL", 1, eur)).unwrap();
    assert!(
        matches!(&answer.outcome, Outcome::QuoteRequired(q) if q.reason == QuoteReason::NoPrice && q.candidates.is_empty()),
        "{answer}"
    );
}

#[test]
fn role_limited_and_experiment_rules_do_not_reach_guests() {
    let mut ds = Dataset::from_json(DATA).unwrap();
    let extra: Dataset = Dataset::from_json(
        r#"{
      "experiments": [{ "id": "x", "owner": "growth@seller.example", "salt": "s", "holdout_bp": 0 }],
      "visibility_rules": [
        { "id": "buyers-only-saw", "owner": "o", "scope": "everyone", "roles": ["buyer"],
          "target": { "sku": "SAW" }, "effect": "exclude" },
        { "id": "tested-drill", "owner": "o", "scope": "guests", "experiment": "x",
          "target": { "sku": "DRILL" }, "effect": "exclude" }
      ]
    }"#,
    )
    .unwrap();
    ds.experiments = extra.experiments;
    ds.visibility_rules.extend(extra.visibility_rules);
    let s = Snapshot::from_dataset(&ds).unwrap();
    let saw = s.resolve_guest(&guest("SAW", 1, on("web"))).unwrap();
    assert_eq!(amount(&saw.outcome).as_deref(), Some("179.00"));
    let drill = s.resolve_guest(&guest("DRILL", 1, on("web"))).unwrap();
    assert_eq!(amount(&drill.outcome).as_deref(), Some("129.00"));
}

#[test]
fn only_prices_and_visibility_may_be_scoped_to_guests() {
    let mut ds = Dataset::from_json(DATA).unwrap();
    let extra = Dataset::from_json(
        r#"{ "payment_rules": [{ "id": "guest-card", "owner": "o", "scope": "guests", "methods": ["card"] }] }"#,
    )
    .unwrap();
    ds.payment_rules = extra.payment_rules;
    let err = Snapshot::from_dataset(&ds).unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| matches!(p, BuildProblem::GuestScope { id, .. } if id == "guest-card")),
        "{err}"
    );
    assert!(err.to_string().contains("guests"), "{err}");
}

#[test]
fn guests_assignments_tie_only_when_guests_see_prices() {
    let two_guest_lists = |guest_prices: bool| {
        let mut ds = Dataset::from_json(DATA).unwrap();
        ds.channels[0].guest_prices = guest_prices;
        let mut twin = ds.assignments[1].clone();
        twin.id = "guests-web-2".into();
        twin.price_list = "public".into();
        ds.assignments.push(twin);
        Snapshot::from_dataset(&ds)
    };
    // Nobody is priced at the guests' level: as today, nothing to tie.
    assert!(two_guest_lists(false).is_ok());
    let err = two_guest_lists(true).unwrap_err();
    assert!(
        err.problems().iter().any(|p| matches!(
            p,
            BuildProblem::AmbiguousAssignments { scope, .. } if scope == "guests"
        )),
        "{err}"
    );
}

#[test]
fn the_engine_answers_guests_from_the_current_snapshot() {
    let engine = Engine::new(storefront());
    let q = guest("SAW", 1, on("web"));
    assert_eq!(
        engine.resolve_guest(&q).unwrap(),
        storefront().resolve_guest(&q).unwrap()
    );
    assert_eq!(
        engine.quote_guest(&q).unwrap(),
        storefront().quote_guest(&q).unwrap()
    );
    assert_eq!(engine.guest_sheet(&on("web"), at(), 1).unwrap().count(), 3);
}

#[test]
fn the_guests_scope_and_the_channel_flag_round_trip() {
    let ds = Dataset::from_json(DATA).unwrap();
    assert_eq!(ds.assignments[1].scope, Scope::Guests);
    let back = serde_json::to_string(&ds).unwrap();
    assert!(back.contains(r#""scope":"guests""#), "{back}");
    assert_eq!(back.matches("guest_prices").count(), 1, "{back}");
    assert_eq!(Dataset::from_json(&back).unwrap(), ds);
}

// ---------------------------------------------------------------------------------------------
// Properties on generated data
// ---------------------------------------------------------------------------------------------

fn generated() -> impl Strategy<Value = Dataset> {
    common::dataset_with(Switches {
        guests: true,
        contexts: true,
        units: true,
        ..Switches::all()
    })
}

/// Every rule id and owner of the dataset (the price lists' ids are checked apart).
fn secrets(ds: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    for a in &ds.assignments {
        out.push(a.id.to_string());
        out.extend(a.owner.clone());
    }
    out.extend(ds.price_lists.iter().map(|l| l.owner.clone()));
    for r in &ds.visibility_rules {
        out.extend([r.id.clone(), r.owner.clone()]);
    }
    for r in &ds.payment_rules {
        out.extend([r.id.clone(), r.owner.clone()]);
    }
    for p in &ds.approval_policies {
        out.extend([p.id.clone(), p.owner.clone()]);
    }
    for e in &ds.experiments {
        out.extend([e.id.clone(), e.owner.clone()]);
    }
    out.extend(ds.segments.iter().map(|s| s.id.to_string()));
    out.extend(ds.accounts.iter().map(|a| a.id.to_string()));
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

/// The list a buyer may see named in an answer: the one that decided it (by the reference's
/// literal rules), in a quote reason or a price's quantity rule.
fn deciding(ds: &Dataset, q: &GuestQuery) -> Vec<String> {
    match reference::resolve_guest(ds, q) {
        Ok(a) => a
            .source
            .map(|s| s.0)
            .into_iter()
            .chain(a.quote_reason.and_then(|r| match r {
                reference::QuoteWhy::ListQuoteOnly { list, .. }
                | reference::QuoteWhy::AboveQuantity { list, .. } => Some(list),
                _ => None,
            }))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Fails when a guest answer's JSON names a rule id, an owner, an account, or a list other
/// than `deciding`.
fn tells_nothing(
    ds: &Dataset,
    answer: &impl serde::Serialize,
    deciding: &[String],
) -> Result<(), TestCaseError> {
    let mut seen = BTreeSet::new();
    strings(&serde_json::to_value(answer).unwrap(), &mut seen);
    let json = serde_json::to_string(answer).unwrap();
    for secret in secrets(ds) {
        prop_assert!(
            !seen.contains(&secret),
            "a guest answer names `{}`: {}",
            secret,
            json
        );
    }
    for l in &ds.price_lists {
        let id = l.id.to_string();
        prop_assert!(
            !seen.contains(&id) || deciding.contains(&id),
            "a guest answer names list `{}`, which did not decide: {}",
            id,
            json
        );
    }
    Ok(())
}

/// The dataset without a rule scoped to an account, a subtree or a segment.
fn without_member_rules(ds: &Dataset) -> Dataset {
    let for_anyone = |s: &Scope| matches!(s, Scope::Everyone | Scope::Guests);
    let mut out = ds.clone();
    out.assignments.retain(|a| for_anyone(&a.scope));
    out.visibility_rules.retain(|r| for_anyone(&r.scope));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// G7: a guest's answer (`resolve_guest`, `quote_guest`, the guests' sheet) names no rule
    /// id, owner or account, and no list but the deciding one, on data with every rule kind.
    #[test]
    fn a_guest_answer_names_no_rule_or_owner(
        ds in generated(),
        queries in prop::collection::vec(common::raw_query(), 1..16),
    ) {
        let s = common::build(&ds);
        for raw in &queries {
            let q = common::guest_query(&ds, raw);
            let decided = deciding(&ds, &q);
            if let Ok(answer) = s.resolve_guest(&q) {
                tells_nothing(&ds, &answer, &decided)?;
            }
            if let Ok(quote) = s.quote_guest(&q) {
                tells_nothing(&ds, &quote, &decided)?;
            }
            if let Ok(sheet) = s.guest_sheet(&q.context, q.at, q.qty.max(1u64.into())) {
                for line in sheet.flatten() {
                    let mut one = q.clone().with_sku(line.sku.clone()).with_qty(q.qty.max(1u64.into()));
                    one.unit = None;
                    tells_nothing(&ds, &line, &deciding(&ds, &one))?;
                }
            }
        }
    }

    /// G2: a guest never gets a price (or a hidden SKU) from a rule scoped to an account, a
    /// subtree or a segment: without every such rule, each guest answer is the same.
    #[test]
    fn member_rules_never_reach_a_guest(
        ds in generated(),
        queries in prop::collection::vec(common::raw_query(), 1..16),
    ) {
        let s = common::build(&ds);
        let bare = common::build(&without_member_rules(&ds));
        for raw in &queries {
            let q = common::guest_query(&ds, raw);
            prop_assert_eq!(s.resolve_guest(&q), bare.resolve_guest(&q), "{:?}", q);
            prop_assert_eq!(s.quote_guest(&q), bare.quote_guest(&q), "{:?}", q);
        }
    }
}
