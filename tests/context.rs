//! The pricing context (issue 12, SEMANTICS C1-C5): sales channels, ship-to countries, the
//! currency asked for, and net or gross lists. Scenarios from a distributor that sells through
//! a web portal and EDI, ships one customer's orders to the US and Canada, and lets a Canadian
//! branch buy in CAD.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap is a failed test"
)]

use tradeterms::{
    BuildProblem, CandidateStatus, Context, Country, Currency, Dataset, Order, OrderLine, Outcome,
    Payment, PaymentTerms, Query, QuoteOutcome, ResolveError, Snapshot, Timestamp,
};

const DATA: &str = r#"{
  "accounts": [
    { "id": "abb-corp", "name": "Abb Corp", "currency": "USD", "currencies": ["CAD"] },
    { "id": "bob-shop", "name": "Bob's shop", "currency": "USD" }
  ],
  "channels": [{ "id": "web", "name": "Web portal" }, { "id": "edi", "name": "EDI" }],
  "roles": [{ "name": "buyer", "permissions": ["view_catalog", "view_prices", "buy", "request_quote"] }],
  "users": [
    { "id": "john", "name": "John", "memberships": [{ "account": "abb-corp", "roles": ["buyer"] }] },
    { "id": "bob", "name": "Bob", "memberships": [{ "account": "bob-shop", "roles": ["buyer"] }] }
  ],
  "catalog": [
    { "sku": "DRILL", "name": "Drill", "categories": ["tools"] },
    { "sku": "SAW", "name": "Saw", "categories": ["tools"] }
  ],
  "price_lists": [
    { "id": "public-usd", "name": "Public", "owner": "pricing@seller.example", "currency": "USD",
      "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "100.00" }] },
                  { "sku": "SAW", "tiers": [{ "min_qty": 1, "unit_price": "50.00" }] }] },
    { "id": "public-cad", "name": "Public CAD", "owner": "pricing@seller.example", "currency": "CAD",
      "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "135.00" }] }] },
    { "id": "abb-edi", "name": "Abb EDI contract", "owner": "edi@seller.example", "currency": "USD",
      "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "90.00" }] }] },
    { "id": "abb-canada", "name": "Abb shipped to Canada", "owner": "ca@seller.example", "currency": "USD",
      "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "104.00" }] }] }
  ],
  "assignments": [
    { "id": "everyone-usd", "price_list": "public-usd", "scope": "everyone" },
    { "id": "everyone-cad", "price_list": "public-cad", "scope": "everyone" },
    { "id": "abb-edi", "price_list": "abb-edi", "scope": { "account": "abb-corp" }, "priority": 10, "channels": ["edi"] },
    { "id": "abb-canada", "price_list": "abb-canada", "scope": { "account": "abb-corp" }, "priority": 5, "countries": ["CA"] }
  ],
  "visibility_rules": [
    { "id": "no-saws-on-edi", "owner": "edi@seller.example", "scope": "everyone",
      "target": { "sku": "SAW" }, "effect": "exclude", "channels": ["edi"] }
  ],
  "payment_rules": [
    { "id": "net30", "owner": "credit@seller.example", "scope": "everyone", "terms": { "net_days": 30 } },
    { "id": "edi-net60", "owner": "credit@seller.example", "scope": { "account": "abb-corp" }, "terms": { "net_days": 60 }, "channels": ["edi"] }
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

fn ca() -> Country {
    Country::from_code("CA").unwrap()
}

fn price(s: &Snapshot, account: &str, user: &str, sku: &str, ctx: Context) -> (String, String) {
    let r = s
        .resolve(&Query::new(account, user, sku, 1, at()).with_context(ctx))
        .unwrap();
    match &r.outcome {
        Outcome::Priced(p) => (
            format!("{} {}", p.price.amount, p.price.currency),
            p.source.as_ref().unwrap().list.to_string(),
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_edi_contract_prices_edi_orders_only() {
    let s = snapshot();
    let edi = Context::default().channel("edi");
    assert_eq!(
        price(&s, "abb-corp", "john", "DRILL", edi.clone()),
        ("90.00 USD".into(), "abb-edi".into())
    );
    let web = Context::default().channel("web");
    assert_eq!(
        price(&s, "abb-corp", "john", "DRILL", web.clone()),
        ("100.00 USD".into(), "public-usd".into())
    );
    // A query that names no channel is not reached by a rule limited to channels (C2).
    assert_eq!(
        price(&s, "abb-corp", "john", "DRILL", Context::default()).1,
        "public-usd"
    );
    // The explanation says why the EDI contract lost on the web.
    let r = s
        .resolve(&Query::new("abb-corp", "john", "DRILL", 1, at()).with_context(web))
        .unwrap();
    let lost = r
        .outcome
        .candidates()
        .iter()
        .find(|c| c.assignment.as_str() == "abb-edi")
        .unwrap();
    assert_eq!(lost.status, CandidateStatus::OtherChannel);
    assert!(
        lost.to_string().contains("limited to other channels"),
        "{lost}"
    );
    // The lean answer agrees.
    let q = s
        .quote(&Query::new("abb-corp", "john", "DRILL", 1, at()).with_context(edi))
        .unwrap();
    assert!(
        matches!(q.outcome, QuoteOutcome::Priced { amount, .. } if amount.to_string() == "90.00")
    );
}

#[test]
fn a_country_scoped_list_prices_what_ships_there() {
    let s = snapshot();
    let to_ca = Context::default().ship_to(ca());
    let to_us = Context::default().ship_to(Country::from_code("US").unwrap());
    assert_eq!(
        price(&s, "abb-corp", "john", "DRILL", to_ca.clone()).1,
        "abb-canada"
    );
    assert_eq!(
        price(&s, "abb-corp", "john", "DRILL", to_us.clone()).1,
        "public-usd"
    );
    let r = s
        .resolve(&Query::new("abb-corp", "john", "DRILL", 1, at()).with_context(to_us))
        .unwrap();
    let lost = r
        .outcome
        .candidates()
        .iter()
        .find(|c| c.assignment.as_str() == "abb-canada")
        .unwrap();
    assert_eq!(lost.status, CandidateStatus::OtherCountry);
    // Both conditions: EDI to Canada takes the higher-priority EDI contract.
    let both = Context::default().channel("edi").ship_to(ca());
    assert_eq!(price(&s, "abb-corp", "john", "DRILL", both).1, "abb-edi");
}

#[test]
fn an_account_buys_in_each_currency_it_declares_and_no_other() {
    let s = snapshot();
    let cad = Currency::from_code("CAD").unwrap();
    let in_cad = Context::default().currency(cad);
    assert_eq!(
        price(&s, "abb-corp", "john", "DRILL", in_cad.clone()),
        ("135.00 CAD".into(), "public-cad".into())
    );
    assert_eq!(
        price(&s, "abb-corp", "john", "DRILL", Context::default()).0,
        "100.00 USD"
    );
    // A currency the account does not buy in is an error naming it, not a silent fallback.
    let eur = Context::default().currency(Currency::from_code("EUR").unwrap());
    let e = s
        .resolve(&Query::new("abb-corp", "john", "DRILL", 1, at()).with_context(eur.clone()))
        .unwrap_err();
    assert_eq!(
        e,
        ResolveError::CurrencyNotAccepted {
            account: "abb-corp".into(),
            currency: Currency::from_code("EUR").unwrap()
        }
    );
    // Bob's shop buys in USD only; asking it in CAD is refused the same way.
    let e = s
        .resolve(&Query::new("bob-shop", "bob", "DRILL", 1, at()).with_context(in_cad.clone()))
        .unwrap_err();
    assert!(matches!(e, ResolveError::CurrencyNotAccepted { .. }));
    // ...but a non-member learns nothing, whatever the currency: denied (R2).
    let r = s
        .resolve(&Query::new("abb-corp", "bob", "DRILL", 1, at()).with_context(eur))
        .unwrap();
    assert!(matches!(r.outcome, Outcome::Denied(_)));
    // An order in CAD: every line and the subtotal in CAD; a line without a CAD price needs a quote.
    let order = Order::new(
        "abb-corp",
        "john",
        at(),
        vec![OrderLine::new("DRILL", 2u64), OrderLine::new("SAW", 1u64)],
    )
    .with_context(in_cad);
    let a = s.resolve_order(&order).unwrap();
    let subtotal = a.subtotal.unwrap();
    assert_eq!(
        (subtotal.amount.to_string(), subtotal.currency),
        ("270.00".to_string(), cad)
    );
    assert!(matches!(
        a.lines[1].resolution.outcome,
        Outcome::QuoteRequired(_)
    ));
}

#[test]
fn channel_rules_reach_visibility_and_payment_too() {
    let s = snapshot();
    let edi = Context::default().channel("edi");
    let r = s
        .resolve(&Query::new("abb-corp", "john", "SAW", 1, at()).with_context(edi.clone()))
        .unwrap();
    assert!(matches!(r.outcome, Outcome::NotVisible));
    let r = s
        .resolve(&Query::new("abb-corp", "john", "SAW", 1, at()))
        .unwrap();
    assert!(matches!(r.outcome, Outcome::Priced(_)));
    let terms = |ctx: &Context| match s
        .payment_in("abb-corp", "john", ctx, tradeterms::Audience::Operator)
        .unwrap()
    {
        Payment::Options(o) => o.terms.unwrap().value,
        other => panic!("{other:?}"),
    };
    assert_eq!(terms(&edi), PaymentTerms::NetDays(60));
    assert_eq!(terms(&Context::default()), PaymentTerms::NetDays(30));
    // Sheets in a context: no saw on EDI.
    let skus: Vec<String> = s
        .price_sheet_in("abb-corp", "john", at(), 1, &edi)
        .unwrap()
        .map(|l| l.unwrap().sku.to_string())
        .collect();
    assert_eq!(skus, ["DRILL"]);
    let quotes = s
        .quote_sheet_in("abb-corp", "john", at(), 1, &edi)
        .unwrap()
        .count();
    assert_eq!(quotes, 1);
}

#[test]
fn an_undeclared_channel_or_a_country_that_is_not_iso_is_refused() {
    let s = snapshot();
    let e = s
        .resolve(
            &Query::new("abb-corp", "john", "DRILL", 1, at())
                .with_context(Context::default().channel("fax")),
        )
        .unwrap_err();
    assert_eq!(e, ResolveError::UnknownChannel("fax".into()));
    assert!(e.to_string().contains("`fax`"), "{e}");
    // In a rule: a build error naming the rule.
    let bad = DATA.replace(r#""channels": ["edi"] },"#, r#""channels": ["fax"] },"#);
    let err = Snapshot::from_dataset(&Dataset::from_json(&bad).unwrap()).unwrap_err();
    assert!(
        err.problems().iter().any(|p| matches!(p,
        BuildProblem::DanglingReference { from, to, .. } if from == "abb-edi" && to == "fax")),
        "{err}"
    );
    // A country code that is not ISO 3166-1 alpha-2, in a rule or an order, is refused when read.
    let bad = DATA.replace(r#""countries": ["CA"]"#, r#""countries": ["Canada"]"#);
    let err = Dataset::from_json(&bad).unwrap_err();
    assert!(
        err.to_string()
            .contains("`Canada` is not an ISO 3166-1 alpha-2 country code"),
        "{err}"
    );
    assert!("XX".parse::<Country>().is_err());
    let order: Result<Order, _> = serde_json::from_str(
        r#"{ "account": "a", "user": "u", "at": "2026-06-01T00:00:00Z", "lines": [], "context": { "ship_to": "ZZ" } }"#,
    );
    assert!(order.unwrap_err().to_string().contains("`ZZ`"));
}

#[test]
fn assignments_that_never_apply_together_do_not_tie() {
    let with = |a: &str, b: &str| {
        DATA.replace(
            r#"{ "id": "abb-canada", "price_list": "abb-canada", "scope": { "account": "abb-corp" }, "priority": 5, "countries": ["CA"] }"#,
            &format!(r#"{{ "id": "abb-canada", "price_list": "abb-canada", "scope": {{ "account": "abb-corp" }}, "priority": 10, {a} }},
                        {{ "id": "abb-web", "price_list": "public-usd", "scope": {{ "account": "abb-corp" }}, "priority": 10, {b} }}"#),
        )
    };
    // Equal priority, same account, both price DRILL in USD: EDI and web never meet.
    let apart = with(r#""channels": ["web"]"#, r#""channels": ["edi"]"#)
        .replace(r#"{ "id": "abb-edi", "price_list": "abb-edi", "scope": { "account": "abb-corp" }, "priority": 10, "channels": ["edi"] },"#, "");
    Snapshot::from_dataset(&Dataset::from_json(&apart).unwrap()).unwrap();
    // Web to Canada and web anywhere can meet: a tie.
    let meet = with(r#""channels": ["web"], "countries": ["CA"]"#, r#""channels": ["web"]"#)
        .replace(r#"{ "id": "abb-edi", "price_list": "abb-edi", "scope": { "account": "abb-corp" }, "priority": 10, "channels": ["edi"] },"#, "");
    let err = Snapshot::from_dataset(&Dataset::from_json(&meet).unwrap()).unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| matches!(p, BuildProblem::AmbiguousAssignments { .. })),
        "{err}"
    );
}

#[test]
fn a_gross_list_is_never_compared_with_a_net_one() {
    let gross = DATA
        .replace(r#""name": "Abb EDI contract", "owner""#, r#""name": "Abb EDI contract", "tax_included": true, "owner""#)
        .replace(r#"{ "id": "abb-corp", "name": "Abb Corp", "currency": "USD","#, r#"{ "id": "abb-corp", "name": "Abb Corp", "currency": "USD", "price_policy": "lowest_price","#);
    let err = Snapshot::from_dataset(&Dataset::from_json(&gross).unwrap()).unwrap_err();
    assert!(err.problems().iter().any(|p| matches!(p,
        BuildProblem::MixedTaxBasis { net, gross, account: Some(a) }
            if net.as_str() != "abb-edi" && gross.as_str() == "abb-edi" && a.as_str() == "abb-corp")), "{err}");
    assert!(err.to_string().contains("`abb-edi` includes tax"), "{err}");
    // Under precedence nothing is compared: the gross price is given, and says so.
    let precedence = DATA.replace(
        r#""name": "Abb EDI contract", "owner""#,
        r#""name": "Abb EDI contract", "tax_included": true, "owner""#,
    );
    let s = Snapshot::from_dataset(&Dataset::from_json(&precedence).unwrap()).unwrap();
    let r = s
        .resolve(
            &Query::new("abb-corp", "john", "DRILL", 1, at())
                .with_context(Context::default().channel("edi")),
        )
        .unwrap();
    let Outcome::Priced(p) = r.outcome else {
        panic!()
    };
    assert!(p.price.tax_included);
    let json = serde_json::to_string(&p.price).unwrap();
    assert!(json.contains(r#""tax_included":true"#), "{json}");
}

#[test]
fn datasets_and_queries_without_context_answer_as_before() {
    // A query without a context: its JSON does not even mention one. (The demo's contexts
    // reach only Abb Canada; the scenario tests pin the answers of every other account.)
    let q = Query::new("abb-corp", "john", "DRILL", 1, at());
    let json = serde_json::to_string(&q).unwrap();
    assert!(!json.contains("context"), "{json}");
    let plain = Dataset::from_json(
        r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD" }],
             "catalog": [{ "sku": "S", "name": "S" }],
             "price_lists": [{ "id": "l", "name": "L", "owner": "o", "currency": "USD",
               "entries": [{ "sku": "S", "tiers": [{ "min_qty": 1, "unit_price": "1" }] }] }] }"#,
    )
    .unwrap();
    let back = serde_json::to_string(&plain).unwrap();
    assert!(
        !back.contains("channels")
            && !back.contains("tax_included")
            && !back.contains("derive_units")
            && !back.contains("units"),
        "no new field is written when unused: {back}"
    );
}

#[test]
fn a_channel_id_is_checked_like_every_id() {
    let bad = DATA.replace(
        r#"{ "id": "edi", "name": "EDI" }"#,
        "{ \"id\": \"ed\u{200b}i\", \"name\": \"EDI\" }",
    );
    let err = Snapshot::from_dataset(&Dataset::from_json(&bad).unwrap()).unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| matches!(p, BuildProblem::InvalidId { .. })),
        "{err}"
    );
}

/// C3: approval thresholds and spending limits state their currency and apply only to orders
/// in it; `lint` names a threshold policy that states no amount in a currency an account it
/// reaches may buy in.
#[test]
fn approval_thresholds_and_spending_limits_apply_in_their_currency() {
    let json = DATA
        .replace(
            r#"{ "id": "john", "name": "John", "memberships": [{ "account": "abb-corp", "roles": ["buyer"] }] }"#,
            r#"{ "id": "john", "name": "John", "memberships": [{ "account": "abb-corp", "roles": ["buyer"],
                 "spending_limit": "500", "spending_limits": [{ "currency": "CAD", "amount": "700" }] }] },
               { "id": "ann", "name": "Ann", "memberships": [{ "account": "abb-corp", "roles": ["approver"] }] }"#,
        )
        .replace(
            r#""payment_rules": ["#,
            r#""approval_policies": [
                { "id": "big-usd", "owner": "finance@abb.example", "scope": { "account": "abb-corp" },
                  "when": { "total_above": "1000" }, "steps": [{ "role": "approver" }] },
                { "id": "big-cad", "owner": "finance@abb.example", "scope": { "account": "abb-corp" },
                  "when": { "total_above_in": { "currency": "CAD", "amount": "1300" } }, "steps": [{ "role": "approver" }] },
                { "id": "over-limit", "owner": "finance@abb.example", "scope": { "account": "abb-corp" },
                  "when": "spending_limit_exceeded", "steps": [{ "role": "approver" }] }
            ],
            "payment_rules": ["#,
        );
    let s = Snapshot::from_dataset(&Dataset::from_json(&json).unwrap()).unwrap();
    let order = |qty: u64, currency: Option<&str>| {
        let mut ctx = Context::default();
        if let Some(c) = currency {
            ctx = ctx.currency(Currency::from_code(c).unwrap());
        }
        let o = Order::new("abb-corp", "john", at(), vec![OrderLine::new("DRILL", qty)])
            .with_context(ctx);
        let a = s.resolve_order(&o).unwrap();
        let mut policies: Vec<String> = a
            .approval
            .steps
            .iter()
            .filter_map(|st| st.policy.as_ref().map(|p| p.id.clone()))
            .collect();
        policies.dedup();
        (a.subtotal.unwrap().to_string(), policies)
    };
    // 11 drills at 100 USD: above 1,000 USD and above the 500 USD limit.
    assert_eq!(
        order(11, None),
        (
            "1100.00 USD".into(),
            vec!["big-usd".to_string(), "over-limit".into()]
        )
    );
    // 10 drills at 135 CAD = 1,350 CAD: above the CAD threshold and the 700 CAD limit; the
    // USD threshold is not read as 1,000 CAD.
    assert_eq!(
        order(10, Some("CAD")),
        (
            "1350.00 CAD".into(),
            vec!["big-cad".to_string(), "over-limit".into()]
        )
    );
    // 5 drills at 135 CAD = 675 CAD: under the CAD threshold and limit, although 675 > 500.
    assert_eq!(
        order(5, Some("CAD")),
        ("675.00 CAD".into(), Vec::<String>::new())
    );
    // 9 drills = 900 USD: above the USD limit only.
    assert_eq!(
        order(9, None),
        ("900.00 USD".into(), vec!["over-limit".to_string()])
    );

    // lint: `big-usd` states no CAD amount, and Abb Corp buys in CAD.
    let warnings = s.lint(at());
    let missing: Vec<_> = warnings
        .iter()
        .filter(|w| w.kind == tradeterms::WarningKind::ThresholdWithoutCurrency)
        .collect();
    assert_eq!(missing.len(), 2, "{warnings:#?}");
    assert_eq!(missing[0].rules, ["big-cad"]); // no USD amount
    assert!(missing[0].detail.contains("USD"), "{}", missing[0]);
    assert_eq!(missing[1].rules, ["big-usd"]); // no CAD amount
    assert!(missing[1].detail.contains("CAD"), "{}", missing[1]);
}

/// Issue 12 point 6: `impact` compares answers per context given in its options, and each
/// change names its context; a currency an account does not buy in leaves it out.
#[test]
fn impact_compares_answers_per_context() {
    let s = snapshot();
    let change = tradeterms::Changeset::new(
        "edi-price",
        "maria@seller.example",
        "EDI contract price",
        at(),
        s.version(),
    )
    .with_ops(vec![tradeterms::Op::SetEntry {
        list: "abb-edi".into(),
        entry: tradeterms::EntryData::new(
            "DRILL",
            vec![tradeterms::TierData::new(1u64, "85.00".parse().unwrap())],
        ),
    }]);
    let after = s.apply(&change).unwrap();
    // Without contexts: the EDI assignment never applies, so nothing moves.
    let plain = s
        .impact(&after, &tradeterms::ImpactOptions::at(at()))
        .unwrap();
    assert_eq!(plain.total_changes, 0, "{plain:?}");
    // Per context: Abb Corp's drill moves on EDI only, and Bob's shop never.
    let contexts = vec![
        Context::default().channel("web"),
        Context::default().channel("edi"),
        Context::default()
            .channel("edi")
            .currency(Currency::from_code("CAD").unwrap()),
    ];
    let impact = s
        .impact(
            &after,
            &tradeterms::ImpactOptions::at(at()).with_contexts(contexts.clone()),
        )
        .unwrap();
    assert_eq!(impact.total_changes, 1, "{impact:?}");
    let c = &impact.changes[0];
    assert_eq!((c.account.as_str(), c.sku.as_str()), ("abb-corp", "DRILL"));
    assert_eq!(c.context.as_ref(), Some(&contexts[1]));
    assert_eq!(c.percent.unwrap().to_string(), "-5.56");
    // An undeclared channel is refused; so are too many contexts.
    let err = s
        .impact(
            &after,
            &tradeterms::ImpactOptions::at(at())
                .with_contexts(vec![Context::default().channel("fax")]),
        )
        .unwrap_err();
    assert_eq!(err, ResolveError::UnknownChannel("fax".into()));
    assert!(matches!(
        s.impact(
            &after,
            &tradeterms::ImpactOptions::at(at()).with_contexts(vec![Context::default(); 33])
        ),
        Err(ResolveError::TooManyContexts { count: 33, max: 32 })
    ));
}

/// Issue 12 point 6: `lint` names an assignment that can never apply because no account it
/// reaches buys in its list's currency.
#[test]
fn lint_names_an_assignment_no_account_it_reaches_can_buy_from() {
    // As shipped: CAD lists reach everyone, and Abb Corp buys in CAD.
    let s = snapshot();
    assert!(
        !s.lint(at())
            .iter()
            .any(|w| w.kind == tradeterms::WarningKind::AssignmentNeverApplies)
    );
    let json = DATA.replace(
        r#"{ "id": "everyone-usd","#,
        r#"{ "id": "bob-cad", "price_list": "public-cad", "scope": { "account": "bob-shop" } },
           { "id": "everyone-usd","#,
    );
    let s = Snapshot::from_dataset(&Dataset::from_json(&json).unwrap()).unwrap();
    let never: Vec<_> = s
        .lint(at())
        .into_iter()
        .filter(|w| w.kind == tradeterms::WarningKind::AssignmentNeverApplies)
        .collect();
    assert_eq!(never.len(), 1, "{never:#?}");
    assert_eq!(never[0].rules, ["bob-cad"]);
    assert!(never[0].detail.contains("CAD"), "{}", never[0]);
}

/// The shipped demo: Abb Corp's Canadian branch buys in CAD, at the public CAD price on the
/// web and at its EDI contract price through EDI.
#[test]
fn abb_canada_buys_in_cad_through_edi_in_the_demo() {
    let s = Snapshot::from_dataset(
        &Dataset::from_json(include_str!("../examples/data/demo.json")).unwrap(),
    )
    .unwrap();
    let ask = |channel: &str| {
        price(
            &s,
            "abb-canada",
            "claire",
            "DRILL-18V",
            Context::default().channel(channel),
        )
    };
    assert_eq!(
        ask("web"),
        ("179.00 CAD".to_string(), "public-cad".to_string())
    );
    assert_eq!(
        ask("edi"),
        ("159.00 CAD".to_string(), "abb-canada-edi".to_string())
    );
}
