//! Entitlement stories from the seeds: contractors buying for several companies, curated school
//! catalogues, view-only marketing staff, restaurant managers paying by card, holding contracts
//! reaching branches, accounts in several segments, and per-kind inheritance.
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
    BuildProblem, CatalogMode, Dataset, Effect, Grant, Outcome, Payment, PaymentTerms, Query,
    Refusal, Snapshot, Specificity, Timestamp,
};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn build(json: &str) -> Snapshot {
    let dataset: Dataset = serde_json::from_str(json).unwrap();
    Snapshot::from_dataset(&dataset).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(json: &str) -> Vec<BuildProblem> {
    let dataset: Dataset = serde_json::from_str(json).unwrap();
    Snapshot::from_dataset(&dataset)
        .unwrap_err()
        .problems()
        .to_vec()
}

fn q(account: &str, user: &str, sku: &str, qty: u64) -> Query {
    Query::new(account, user, sku, qty, at())
}

fn options(p: Payment) -> tradeterms::PaymentOptions {
    match p {
        Payment::Options(o) => *o,
        Payment::Denied(r) => panic!("expected payment options, got denied: {r}"),
        other => panic!("expected payment options, got {other:?}"),
    }
}

const HOTELS: &str = r#"{
  "accounts": [
    { "id": "harbor-hotels", "name": "Harbor Hotels", "currency": "USD" },
    { "id": "summit-inns", "name": "Summit Inns", "currency": "USD" }
  ],
  "users": [
    { "id": "carla", "name": "Carla (contractor)", "memberships": [
      { "account": "harbor-hotels", "roles": ["buyer"] },
      { "account": "summit-inns", "roles": ["viewer"] } ] }
  ],
  "catalog": [{ "sku": "TOWEL", "name": "Bath towel", "categories": ["linen"] }],
  "price_lists": [
    { "id": "public", "name": "Public", "owner": "pricing", "currency": "USD",
      "entries": [{ "sku": "TOWEL", "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] }] },
    { "id": "harbor", "name": "Harbor contract", "owner": "hospitality", "currency": "USD",
      "entries": [{ "sku": "TOWEL", "tiers": [{ "min_qty": 1, "unit_price": "7.50" }] }] }
  ],
  "assignments": [
    { "id": "all", "price_list": "public", "scope": "everyone" },
    { "id": "harbor-own", "price_list": "harbor", "scope": { "account": "harbor-hotels" } }
  ],
  "payment_rules": [
    { "id": "net30", "owner": "credit", "scope": "everyone", "terms": { "net_days": 30 }, "methods": ["invoice"] }
  ]
}"#;

#[test]
fn contractor_buys_for_one_hotel_company_and_only_views_for_another() {
    let s = build(HOTELS);
    let harbor = s
        .resolve(&q("harbor-hotels", "carla", "TOWEL", 10))
        .unwrap();
    assert_eq!(harbor.outcome.price().unwrap().amount.to_string(), "75.00");
    assert!(harbor.access.buy.is_allowed());

    let summit = s.resolve(&q("summit-inns", "carla", "TOWEL", 10)).unwrap();
    // A viewer sees the account's own price (the public one, not Harbor's contract)...
    assert_eq!(summit.outcome.price().unwrap().amount.to_string(), "90.00");
    // ...but may not order, and the answer says which roles lack the permission.
    match &summit.access.buy {
        Grant::Refused(Refusal::MissingPermission { permission, roles }) => {
            assert_eq!(permission.name(), "buy");
            assert_eq!(
                roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                ["viewer"]
            );
        }
        other => panic!("expected buy refused, got {other:?}"),
    }
    assert!(matches!(
        s.payment("summit-inns", "carla").unwrap(),
        Payment::Denied(Refusal::MissingPermission { .. })
    ));
    let terms = options(s.payment("harbor-hotels", "carla").unwrap());
    assert_eq!(terms.terms.unwrap().value, PaymentTerms::NetDays(30));
}

const SCHOOLS: &str = r#"{
  "accounts": [
    { "id": "district-9", "name": "District 9", "currency": "USD", "catalog_mode": "curated",
      "attributes": { "type": "district", "region": "midwest" } },
    { "id": "lincoln-high", "name": "Lincoln High", "parent": "district-9", "currency": "USD",
      "attributes": { "type": "school", "region": "midwest", "pupils": 1200 } },
    { "id": "jefferson-middle", "name": "Jefferson Middle", "parent": "district-9", "currency": "USD",
      "attributes": { "type": "school", "region": "midwest", "pupils": 600 } },
    { "id": "eastside-prep", "name": "Eastside Prep", "currency": "USD", "catalog_mode": "curated",
      "attributes": { "type": "school", "region": "east", "pupils": 300 } }
  ],
  "users": [
    { "id": "pat", "name": "Pat (Lincoln office)", "memberships": [{ "account": "lincoln-high", "roles": ["buyer"] }] },
    { "id": "jo", "name": "Jo (Jefferson office)", "memberships": [{ "account": "jefferson-middle", "roles": ["buyer"] }] },
    { "id": "eli", "name": "Eli (Eastside office)", "memberships": [{ "account": "eastside-prep", "roles": ["buyer"] }] }
  ],
  "segments": [
    { "id": "western-schools", "name": "Schools in the midwest and west",
      "rule": { "all": [ { "eq": { "attr": "type", "value": "school" } },
                         { "in": { "attr": "region", "values": ["midwest", "west"] } } ] } }
  ],
  "catalog": [
    { "sku": "LINCOLN-POLO", "name": "Lincoln polo", "categories": ["uniforms/lincoln"] },
    { "sku": "LINCOLN-SKIRT", "name": "Lincoln skirt", "categories": ["uniforms/lincoln"] },
    { "sku": "JEFF-POLO", "name": "Jefferson polo", "categories": ["uniforms/jefferson"] },
    { "sku": "PEN-BLUE", "name": "Blue pen", "categories": ["supplies/pens"], "attributes": { "colour": "blue" } }
  ],
  "price_lists": [
    { "id": "uniforms", "name": "Uniform programme", "owner": "school-programs", "currency": "USD",
      "entries": [
        { "sku": "LINCOLN-POLO", "tiers": [{ "min_qty": 1, "unit_price": "18.00" }] },
        { "sku": "LINCOLN-SKIRT", "tiers": [{ "min_qty": 1, "unit_price": "22.00" }] },
        { "sku": "JEFF-POLO", "tiers": [{ "min_qty": 1, "unit_price": "17.00" }] },
        { "sku": "PEN-BLUE", "tiers": [{ "min_qty": 1, "unit_price": "0.40" }] } ] }
  ],
  "assignments": [{ "id": "uniforms-all", "price_list": "uniforms", "scope": "everyone" }],
  "visibility_rules": [
    { "id": "lincoln-uniforms", "owner": "school-programs", "scope": { "account": "lincoln-high" },
      "target": { "category": "uniforms/lincoln" }, "effect": "include" },
    { "id": "jefferson-uniforms", "owner": "school-programs", "scope": { "account": "jefferson-middle" },
      "target": { "category": "uniforms/jefferson" }, "effect": "include" },
    { "id": "school-supplies", "owner": "school-programs", "scope": { "segment": "western-schools" },
      "target": { "attributes": { "eq": { "attr": "colour", "value": "blue" } } }, "effect": "include" }
  ]
}"#;

fn sheet_skus(s: &Snapshot, account: &str, user: &str) -> Vec<String> {
    s.price_sheet(account, user, at(), 1)
        .unwrap()
        .map(|l| l.unwrap().sku.to_string())
        .collect()
}

#[test]
fn curated_school_catalogues_show_each_school_only_its_uniforms() {
    let s = build(SCHOOLS);
    assert_eq!(
        sheet_skus(&s, "lincoln-high", "pat"),
        ["LINCOLN-POLO", "LINCOLN-SKIRT", "PEN-BLUE"]
    );
    assert_eq!(
        sheet_skus(&s, "jefferson-middle", "jo"),
        ["JEFF-POLO", "PEN-BLUE"]
    );
    // Eastside is a school but not in the midwest or west: no supplies, and no uniforms of its own.
    assert!(sheet_skus(&s, "eastside-prep", "eli").is_empty());

    let other = s
        .resolve(&q("lincoln-high", "pat", "JEFF-POLO", 1))
        .unwrap();
    assert!(matches!(other.outcome, Outcome::NotVisible));
    let vis = other.visibility.unwrap();
    assert_eq!(vis.mode, CatalogMode::Curated);
    assert!(vis.decided_by.is_none());
    // Nothing about the price of a SKU that is not visible leaks into the answer.
    let text = format!(
        "{}",
        s.resolve(&q("lincoln-high", "pat", "JEFF-POLO", 1))
            .unwrap()
    );
    assert!(
        !text.contains("17.00") && !text.contains("uniforms-all"),
        "{text}"
    );
    let json = serde_json::to_string(
        &s.resolve(&q("lincoln-high", "pat", "JEFF-POLO", 1))
            .unwrap(),
    )
    .unwrap();
    assert!(
        !json.contains("17.00") && !json.contains("uniforms-all"),
        "{json}"
    );

    let own = s
        .resolve(&q("lincoln-high", "pat", "LINCOLN-POLO", 2))
        .unwrap();
    assert_eq!(own.outcome.price().unwrap().amount.to_string(), "36.00");
    let rule = own.visibility.unwrap().decided_by.unwrap();
    assert_eq!(rule.id, "lincoln-uniforms");
    assert_eq!(rule.owner, "school-programs");
}

#[test]
fn marketing_staff_view_products_and_prices_but_cannot_order() {
    let json = HOTELS.replace(
        r#""users": ["#,
        r#""roles": [{ "name": "marketing", "permissions": ["view_catalog", "view_prices"] }],
           "users": [ { "id": "max", "name": "Max", "memberships": [{ "account": "harbor-hotels", "roles": ["marketing"] }] },"#,
    );
    let s = build(&json);
    let r = s.resolve(&q("harbor-hotels", "max", "TOWEL", 1)).unwrap();
    assert_eq!(r.outcome.price().unwrap().amount.to_string(), "7.50");
    assert!(!r.access.buy.is_allowed());
    assert!(!r.access.request_quote.is_allowed());
    assert!(matches!(
        s.payment("harbor-hotels", "max").unwrap(),
        Payment::Denied(_)
    ));
}

const RESTAURANTS: &str = r#"{
  "accounts": [
    { "id": "bistro-group", "name": "Bistro Group", "currency": "EUR" },
    { "id": "bistro-downtown", "name": "Bistro Downtown", "parent": "bistro-group", "currency": "EUR" },
    { "id": "bistro-harbour", "name": "Bistro Harbour", "parent": "bistro-group", "currency": "EUR" },
    { "id": "bistro-airport", "name": "Bistro Airport", "parent": "bistro-group", "currency": "EUR",
      "inherit": { "payment_terms": false } }
  ],
  "roles": [{ "name": "store_manager", "permissions": ["view_catalog", "view_prices", "buy", "request_quote"] }],
  "users": [
    { "id": "mgr", "name": "Store manager", "memberships": [{ "account": "bistro-group", "roles": ["store_manager"], "reach": "subtree" }] },
    { "id": "cook", "name": "Cook", "memberships": [{ "account": "bistro-group", "roles": ["buyer"], "reach": "subtree" }] }
  ],
  "catalog": [{ "sku": "OIL-5L", "name": "Olive oil 5 l", "categories": ["pantry/oil"] }],
  "visibility_rules": [
    { "id": "group-no-oil", "owner": "purchasing", "scope": { "subtree": "bistro-group" }, "target": { "sku": "OIL-5L" }, "effect": "exclude" }
  ],
  "payment_rules": [
    { "id": "group-net60", "owner": "credit", "scope": { "subtree": "bistro-group" }, "terms": { "net_days": 60 }, "methods": ["invoice"] },
    { "id": "managers-card", "owner": "credit", "scope": { "subtree": "bistro-group" }, "roles": ["store_manager"], "methods": ["invoice", "card"] },
    { "id": "downtown-net30", "owner": "credit", "scope": { "account": "bistro-downtown" }, "terms": { "net_days": 30 } }
  ]
}"#;

#[test]
fn restaurant_managers_may_also_pay_by_card_and_one_store_is_on_net_30() {
    let s = build(RESTAURANTS);
    let mgr = options(s.payment("bistro-downtown", "mgr").unwrap());
    let terms = mgr.terms.unwrap();
    assert_eq!(terms.value, PaymentTerms::NetDays(30));
    assert_eq!(terms.rule.as_ref().unwrap().id, "downtown-net30");
    assert_eq!(terms.overridden[0].id, "group-net60");
    let methods = mgr.methods.unwrap();
    assert_eq!(methods.value, ["invoice", "card"]);
    assert_eq!(methods.rule.as_ref().unwrap().id, "managers-card");

    let cook = options(s.payment("bistro-downtown", "cook").unwrap());
    assert_eq!(cook.methods.unwrap().value, ["invoice"]);
    let harbour = options(s.payment("bistro-harbour", "mgr").unwrap());
    assert_eq!(harbour.terms.unwrap().value, PaymentTerms::NetDays(60));
}

#[test]
fn a_subsidiary_inherits_the_assortment_but_not_the_payment_terms() {
    let s = build(RESTAURANTS);
    // The airport store opted out of inherited payment terms: no terms reach it.
    let airport = options(s.payment("bistro-airport", "mgr").unwrap());
    assert!(airport.terms.is_none() && airport.methods.is_none());
    // It still inherits the group's assortment: the oil is hidden there too.
    let r = s
        .resolve(&q("bistro-airport", "cook", "OIL-5L", 1))
        .unwrap();
    assert!(matches!(r.outcome, Outcome::NotVisible));
    let rule = r.visibility.unwrap().decided_by.unwrap();
    assert_eq!(rule.id, "group-no-oil");
    assert!(matches!(
        rule.specificity,
        Specificity::Ancestor { distance: 1, .. }
    ));
}

#[test]
fn a_holding_contract_reaches_a_branch_through_the_tree() {
    let s = build(
        r#"{
      "accounts": [
        { "id": "holding", "name": "Holding", "currency": "USD" },
        { "id": "sub", "name": "Subsidiary", "parent": "holding", "currency": "USD" },
        { "id": "branch", "name": "Branch", "parent": "sub", "currency": "USD" }
      ],
      "users": [{ "id": "u", "name": "U", "memberships": [{ "account": "branch", "roles": ["buyer"] }] }],
      "catalog": [{ "sku": "A", "name": "A" }],
      "price_lists": [{ "id": "holding-contract", "name": "Holding", "owner": "kam", "currency": "USD",
        "entries": [{ "sku": "A", "tiers": [{ "min_qty": 1, "unit_price": "3.00" }] }] }],
      "assignments": [{ "id": "h", "price_list": "holding-contract", "scope": { "subtree": "holding" } }]
    }"#,
    );
    let r = s.resolve(&q("branch", "u", "A", 2)).unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!("{r}")
    };
    assert_eq!(p.price.amount.to_string(), "6.00");
    assert_eq!(
        p.source.as_ref().unwrap().from_account().unwrap().as_str(),
        "holding"
    );
    assert!(matches!(
        p.source.as_ref().unwrap().specificity,
        Specificity::Ancestor { distance: 2, .. }
    ));
}

const TWO_SEGMENTS: &str = r#"{
  "accounts": [{ "id": "acme", "name": "Acme", "currency": "USD", "attributes": { "tier": 2, "type": "reseller" } }],
  "users": [{ "id": "u", "name": "U", "memberships": [{ "account": "acme", "roles": ["buyer"] }] }],
  "segments": [
    { "id": "resellers", "name": "Resellers", "rule": { "eq": { "attr": "type", "value": "reseller" } } },
    { "id": "gold", "name": "Tier 2 and up", "rule": { "gte": { "attr": "tier", "value": 2 } } }
  ],
  "catalog": [
    { "sku": "X", "name": "X", "categories": ["c"] },
    { "sku": "Y", "name": "Y", "categories": ["c"] }
  ],
  "price_lists": [
    { "id": "reseller-list", "name": "Resellers", "owner": "channel", "currency": "USD",
      "entries": [{ "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": "10.00" }] },
                  { "sku": "Y", "tiers": [{ "min_qty": 1, "unit_price": "20.00" }] }] },
    { "id": "gold-list", "name": "Gold", "owner": "loyalty", "currency": "USD",
      "entries": [{ "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] }] }
  ],
  "assignments": [
    { "id": "to-resellers", "price_list": "reseller-list", "scope": { "segment": "resellers" }, "priority": 1 },
    { "id": "to-gold", "price_list": "gold-list", "scope": { "segment": "gold" }, "priority": 2 }
  ],
  "visibility_rules": [
    { "id": "resellers-see-y", "owner": "channel", "scope": { "segment": "resellers" }, "target": { "sku": "Y" }, "effect": "include" },
    { "id": "gold-hide-y", "owner": "loyalty", "scope": { "segment": "gold" }, "target": { "sku": "Y" }, "effect": "exclude" }
  ]
}"#;

#[test]
fn an_account_in_two_segments_gets_the_rules_of_both_in_documented_order() {
    let s = build(TWO_SEGMENTS);
    let r = s.resolve(&q("acme", "u", "X", 1)).unwrap();
    let Outcome::Priced(p) = &r.outcome else {
        panic!("{r}")
    };
    // Both segments' lists are candidates; the higher priority decides.
    assert_eq!(p.source.as_ref().unwrap().assignment.as_str(), "to-gold");
    assert_eq!(p.candidates.len(), 2);
    assert_eq!(p.candidates[1].assignment.as_str(), "to-resellers");

    // At equal specificity (two segments, both targeting the SKU) an exclusion beats an
    // inclusion, and the explanation names both, with why the inclusion lost.
    let y = s.resolve(&q("acme", "u", "Y", 1)).unwrap();
    assert!(matches!(y.outcome, Outcome::NotVisible));
    let vis = y.visibility.unwrap();
    assert_eq!(vis.decided_by.unwrap().id, "gold-hide-y");
    assert_eq!(vis.effect, Some(Effect::Exclude));
    assert_eq!(vis.overridden[0].rule.id, "resellers-see-y");
    assert_eq!(vis.overridden[0].effect, Effect::Include);
    assert_eq!(
        vis.overridden[0].reason,
        tradeterms::OverrideReason::ExclusionWins
    );
}

#[test]
fn price_sheet_is_empty_for_a_denied_user() {
    let s = build(HOTELS);
    let sheet = s
        .price_sheet("summit-inns", "nobody-here", at(), 1)
        .err()
        .unwrap();
    assert!(sheet.to_string().contains("nobody-here"));
    let json = HOTELS.replace(
        r#""users": ["#,
        r#""users": [ { "id": "stranger", "name": "S", "memberships": [] },"#,
    );
    let s = build(&json);
    let sheet = s.price_sheet("harbor-hotels", "stranger", at(), 1).unwrap();
    assert!(matches!(
        sheet.access().view_catalog,
        Grant::Refused(Refusal::NotEntitled)
    ));
    assert_eq!(sheet.count(), 0);
}

// ---- build errors of the entitlement rules ----

fn with_rules(extra: &str) -> String {
    SCHOOLS.replacen(
        r#""visibility_rules": ["#,
        &format!(r#""visibility_rules": [ {extra},"#),
        1,
    )
}

#[test]
fn a_rule_limited_to_an_unknown_role_is_rejected() {
    let p = problems(&with_rules(
        r#"{ "id": "r1", "owner": "o", "scope": "everyone", "roles": ["principal"], "target": "all", "effect": "include" }"#,
    ));
    assert!(p.iter().any(|p| matches!(p, BuildProblem::UnknownRuleRole { id, role, .. } if id == "r1" && role == "principal")), "{p:?}");
}

#[test]
fn a_rule_scoped_to_an_unknown_segment_is_rejected() {
    let p = problems(&with_rules(
        r#"{ "id": "r1", "owner": "o", "scope": { "segment": "nope" }, "target": "all", "effect": "include" }"#,
    ));
    assert!(p.iter().any(|p| matches!(p, BuildProblem::DanglingReference { from, to, .. } if from == "r1" && to == "nope")), "{p:?}");
}

#[test]
fn a_rule_without_owner_is_rejected() {
    let p = problems(&with_rules(
        r#"{ "id": "r1", "owner": " ", "scope": "everyone", "target": "all", "effect": "include" }"#,
    ));
    assert!(
        p.iter()
            .any(|p| matches!(p, BuildProblem::MissingOwner { id, .. } if id == "r1")),
        "{p:?}"
    );
    assert!(p[0].to_string().contains("`r1`"));
}

#[test]
fn predicates_on_unknown_attributes_or_with_the_wrong_type_are_rejected() {
    let unknown = SCHOOLS.replace(r#""attr": "region""#, r#""attr": "regoin""#);
    let p = problems(&unknown);
    assert!(p.iter().any(|p| matches!(p, BuildProblem::UnknownAttribute { id, attr, .. } if id == "western-schools" && attr == "regoin")), "{p:?}");

    let mismatch = SCHOOLS.replace(r#""value": "school""#, r#""value": 7"#);
    let p = problems(&mismatch);
    assert!(
        p.iter().any(
            |p| matches!(p, BuildProblem::PredicateTypeMismatch { attr, .. } if attr == "type")
        ),
        "{p:?}"
    );

    let numeric_on_text = SCHOOLS.replace(
        r#"{ "eq": { "attr": "type", "value": "school" } }"#,
        r#"{ "gt": { "attr": "type", "value": "school" } }"#,
    );
    let p = problems(&numeric_on_text);
    assert!(p.iter().any(|p| matches!(p, BuildProblem::PredicateTypeMismatch { found, .. } if found.contains("numeric"))), "{p:?}");

    let sku_attr = with_rules(
        r#"{ "id": "r1", "owner": "o", "scope": "everyone", "target": { "attributes": { "eq": { "attr": "size", "value": "L" } } }, "effect": "include" }"#,
    );
    let p = problems(&sku_attr);
    assert!(p.iter().any(|p| matches!(p, BuildProblem::UnknownAttribute { id, attr, .. } if id == "r1" && attr == "size")), "{p:?}");
}

#[test]
fn two_payment_rules_setting_the_same_terms_for_the_same_scope_are_rejected() {
    let json = RESTAURANTS.replace(
        r#""payment_rules": ["#,
        r#""payment_rules": [ { "id": "group-net45", "owner": "credit", "scope": { "subtree": "bistro-group" }, "terms": { "net_days": 45 } },"#,
    );
    let p = problems(&json);
    assert!(
        p.iter().any(
            |p| matches!(p, BuildProblem::ConflictingRules { first, second, what, .. }
        if first == "group-net45" && second == "group-net60" && what == "terms")
        ),
        "{p:?}"
    );
}

/// Attribute rules on a SKU's values (`eq`, `in`, `eq` within `all`) are looked up by value
/// for a sheet: a number matches however it is written, a repeated `in` value counts once, and
/// the more specific rule still decides, as `resolve` decides.
#[test]
fn a_sheet_meets_attribute_rules_by_value_in_precedence_order() {
    let s = build(
        r#"{
  "accounts": [{ "id": "shop", "name": "Shop", "currency": "USD", "catalog_mode": "curated" }],
  "users": [{ "id": "bo", "name": "Bo", "memberships": [{ "account": "shop", "roles": ["buyer"] }] }],
  "catalog": [
    { "sku": "A", "name": "A", "attributes": { "weight": 2 } },
    { "sku": "B", "name": "B", "attributes": { "weight": 2.5 } },
    { "sku": "C", "name": "C", "attributes": { "colour": "red", "weight": 1 } },
    { "sku": "D", "name": "D", "attributes": { "colour": "blue" } }
  ],
  "price_lists": [{ "id": "p", "name": "P", "owner": "o", "currency": "USD", "entries": [
    { "sku": "A", "tiers": [{ "min_qty": 1, "unit_price": "1" }] },
    { "sku": "B", "tiers": [{ "min_qty": 1, "unit_price": "1" }] },
    { "sku": "C", "tiers": [{ "min_qty": 1, "unit_price": "1" }] },
    { "sku": "D", "tiers": [{ "min_qty": 1, "unit_price": "1" }] } ] }],
  "assignments": [{ "id": "all", "price_list": "p", "scope": "everyone" }],
  "visibility_rules": [
    { "id": "two", "owner": "m", "scope": "everyone",
      "target": { "attributes": { "eq": { "attr": "weight", "value": 2.0 } } }, "effect": "include" },
    { "id": "blue-here", "owner": "m", "scope": { "account": "shop" },
      "target": { "attributes": { "in": { "attr": "colour", "values": ["blue", "blue"] } } }, "effect": "exclude" },
    { "id": "blue", "owner": "m", "scope": "everyone",
      "target": { "attributes": { "eq": { "attr": "colour", "value": "blue" } } }, "effect": "include" },
    { "id": "red-light", "owner": "m", "scope": "everyone",
      "target": { "attributes": { "all": [ { "eq": { "attr": "colour", "value": "red" } },
                                           { "not": { "eq": { "attr": "weight", "value": 3 } } } ] } },
      "effect": "include" }
  ]
}"#,
    );
    let mut skus = sheet_skus(&s, "shop", "bo");
    skus.sort();
    assert_eq!(skus, ["A", "C"]);
    for (sku, visible) in [("A", true), ("B", false), ("C", true), ("D", false)] {
        let r = s.resolve(&q("shop", "bo", sku, 1)).unwrap();
        assert_eq!(
            matches!(r.outcome, tradeterms::Outcome::Priced(_)),
            visible,
            "{sku}: {r:?}"
        );
    }
}
