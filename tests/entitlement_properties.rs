//! Properties of entitlements and visibility over generated account trees, catalogues and rules.
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

use common::Switches;
use proptest::prelude::*;
use std::collections::BTreeMap;
use tradeterms::{CatalogMode, Dataset, Effect, Outcome, Query, Reach, Snapshot, Timestamp};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

/// Every rule kind: visibility rules of every scope and target, catalogue modes, role-limited
/// rules, experiments, quote-only SKUs... (`tests/common`).
fn generated() -> impl Strategy<Value = Dataset> {
    common::dataset_with(Switches::all())
}

/// Whether a JSON answer names a price list or an assignment (every generated list and
/// assignment id carries a marker).
fn names_prices(json: &str) -> bool {
    json.contains(common::LIST_MARKER) || json.contains(common::ASSIGNMENT_MARKER)
}

/// What `quote` must say, derived from an explained resolution.
fn common_quote(r: &tradeterms::Resolution) -> tradeterms::Quote {
    use tradeterms::QuoteOutcome;
    let outcome = match &r.outcome {
        Outcome::Denied(_) => QuoteOutcome::Denied,
        Outcome::NotVisible => QuoteOutcome::NotVisible,
        Outcome::PriceHidden(_) => QuoteOutcome::PriceHidden,
        Outcome::SignInForPrice => QuoteOutcome::SignInForPrice,
        Outcome::QuoteRequired(_) => QuoteOutcome::QuoteRequired,
        Outcome::Priced(p) => QuoteOutcome::Priced {
            amount: p.price.amount,
            exact_amount: p.price.exact_amount,
            currency: p.price.currency,
            tax_included: p.price.tax_included,
            assignment: Some(p.source.as_ref().unwrap().assignment.clone()),
            reference: p.reference.clone(),
        },
        _ => unreachable!("a variant this test does not know yet"),
    };
    // `Quote` is `#[non_exhaustive]`: built from its JSON form, as a host's test would.
    serde_json::from_value(serde_json::json!({ "version": r.version, "outcome": outcome })).unwrap()
}

/// Whether `user` holds an enabled membership reaching `account` (the rule stated in the README,
/// computed on the raw data).
fn reaches(ds: &Dataset, user: usize, account: usize) -> bool {
    let parent = |i: usize| {
        ds.accounts[i]
            .parent
            .as_ref()
            .map(|p| ds.accounts.iter().position(|a| &a.id == p).unwrap())
    };
    ds.users[user].memberships.iter().any(|m| {
        let at = ds.accounts.iter().position(|a| a.id == m.account).unwrap();
        if at == account {
            return true;
        }
        if m.reach != Reach::Subtree {
            return false;
        }
        let mut cur = parent(account);
        while let Some(c) = cur {
            if c == at {
                return true;
            }
            cur = parent(c);
        }
        false
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn visibility_and_entitlement_invariants(ds in generated()) {
        let snapshot = Snapshot::from_dataset(&ds).unwrap_or_else(|e| panic!("{e}"));
        let effects: BTreeMap<String, Effect> =
            ds.visibility_rules.iter().map(|r| (r.id.clone(), r.effect)).collect();
        // How specific each rule's target is (SEMANTICS V8): a SKU, then a category by depth,
        // then every SKU or an attribute predicate.
        let ranks: BTreeMap<String, (u8, usize)> = ds
            .visibility_rules
            .iter()
            .map(|r| {
                let rank = match &r.target {
                    tradeterms::Target::Sku(_) => (2, 0),
                    tradeterms::Target::Category(c) => {
                        (1, c.split('/').filter(|s| !s.is_empty()).count())
                    }
                    _ => (0, 0),
                };
                (r.id.clone(), rank)
            })
            .collect();
        for (a, account) in ds.accounts.iter().enumerate() {
            for (u, user) in ds.users.iter().enumerate() {
                let mut visible_skus = Vec::new();
                for sku in &ds.catalog {
                    let r = snapshot
                        .resolve(&Query::new(account.id.clone(), user.id.clone(), sku.sku.clone(), 1, at()))
                        .unwrap();
                    let json = serde_json::to_string(&r).unwrap();
                    // The lean answer agrees with the explained one.
                    let lean = snapshot
                        .quote(&Query::new(account.id.clone(), user.id.clone(), sku.sku.clone(), 1, at()))
                        .unwrap();
                    prop_assert_eq!(lean, common_quote(&r));
                    if !reaches(&ds, u, a) {
                        // No reaching membership: always a denial, and nothing else.
                        prop_assert!(matches!(r.outcome, Outcome::Denied(_)));
                        prop_assert!(r.visibility.is_none());
                        prop_assert!(!names_prices(&json) && !json.contains(common::RULE_MARKER), "{json}");
                        continue;
                    }
                    let vis = r.visibility.clone();
                    if let Some(v) = &vis {
                        if v.visible {
                            visible_skus.push(sku.sku.clone());
                        } else {
                            // A SKU that is not visible is never priced, and no price data leaks.
                            prop_assert!(matches!(r.outcome, Outcome::NotVisible));
                            prop_assert!(!names_prices(&json), "{json}");
                        }
                        // At equal specificity (scope, role limitation and, since V8, target
                        // specificity) an exclusion always wins; an inclusion beats an exclusion
                        // at its own scope only with a more specific target, and says so.
                        if let Some(d) = &v.decided_by
                            && effects[&d.id] == Effect::Include {
                                for o in &v.overridden {
                                    let o_rule = &o.rule;
                                    let same_scope = o_rule.specificity == d.specificity
                                        && o_rule.roles.is_empty() == d.roles.is_empty();
                                    let same = same_scope && ranks[&o_rule.id] == ranks[&d.id];
                                    prop_assert!(!(same && effects[&o_rule.id] == Effect::Exclude),
                                        "include {} beat exclude {} at equal specificity", d.id, o_rule.id);
                                    if same_scope && effects[&o_rule.id] == Effect::Exclude {
                                        prop_assert!(ranks[&o_rule.id] < ranks[&d.id]);
                                        prop_assert_eq!(o.reason, tradeterms::OverrideReason::LessSpecificTarget);
                                    }
                                }
                            }
                    }
                }
                // The price sheet lists exactly the visible SKUs, in order, and agrees with resolve.
                let sheet: Vec<_> = snapshot
                    .price_sheet(&account.id, &user.id, at(), 1)
                    .unwrap()
                    .map(|l| l.unwrap())
                    .collect();
                let sheet_skus: Vec<_> = sheet.iter().map(|l| l.sku.clone()).collect();
                // The lean sheet lists the same SKUs with the verdicts `quote` gives.
                let lean: Vec<_> = snapshot
                    .quote_sheet(&account.id, &user.id, at(), 1)
                    .unwrap()
                    .map(|l| l.unwrap())
                    .collect();
                prop_assert_eq!(lean.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>(), sheet_skus.clone());
                for (sku, outcome) in &lean {
                    let q = snapshot
                        .quote(&Query::new(account.id.clone(), user.id.clone(), sku.clone(), 1, at()))
                        .unwrap();
                    prop_assert_eq!(&q.outcome, outcome);
                }
                prop_assert_eq!(&sheet_skus, &visible_skus);
                for line in &sheet {
                    let r = snapshot
                        .resolve(&Query::new(account.id.clone(), user.id.clone(), line.sku.clone(), 1, at()))
                        .unwrap();
                    prop_assert_eq!(&r.outcome, &line.outcome);
                    prop_assert_eq!(&r.visibility, &line.visibility);
                }
            }
        }
    }

    #[test]
    fn a_curated_catalogue_without_includes_shows_nothing(ds in generated()) {
        let mut ds = ds;
        for a in &mut ds.accounts {
            a.catalog_mode = Some(CatalogMode::Curated);
        }
        ds.visibility_rules.retain(|r| r.effect == Effect::Exclude);
        let snapshot = Snapshot::from_dataset(&ds).unwrap();
        for account in &ds.accounts {
            for user in &ds.users {
                let sheet = snapshot.price_sheet(&account.id, &user.id, at(), 1).unwrap();
                prop_assert_eq!(sheet.count(), 0);
            }
        }
    }

    /// SEMANTICS V8: at one scope, a category exclusion never hides a SKU included by its id at
    /// that scope. Whatever else the generated dataset says (rules at other scopes, role-limited
    /// rules, experiments, SKU exclusions), adding the exclusion changes no account's or user's
    /// visibility of that SKU: where the inclusion reaches, it comes first at that scope, and
    /// the exclusion reaches nowhere else. The exclusion's category is drawn from the SKU's own
    /// categories and the ones above them as often as from the others.
    #[test]
    fn a_category_exclusion_never_hides_a_sku_included_by_id_at_its_scope(
        ds in generated(),
        sku in any::<prop::sample::Index>(),
        scope in any::<prop::sample::Index>(),
        category in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!ds.catalog.is_empty());
        let k = sku.get(&ds.catalog).clone();
        let mut scopes = vec![tradeterms::Scope::Everyone];
        for a in &ds.accounts {
            scopes.push(tradeterms::Scope::Account(a.id.clone()));
            scopes.push(tradeterms::Scope::Subtree(a.id.clone()));
        }
        scopes.extend(ds.segments.iter().map(|s| tradeterms::Scope::Segment(s.id.clone())));
        let scope = scope.get(&scopes).clone();
        let mut categories: Vec<String> = Vec::new();
        for c in &k.categories {
            let parts: Vec<&str> = c.split('/').collect();
            categories.extend((1..=parts.len()).map(|n| parts[..n].join("/")));
        }
        let own = categories.len();
        categories.extend(common::CATEGORIES.iter().map(|c| c.to_string()));
        // Half the draws from the SKU's own categories (when it has any).
        let pick = category.index(2 * categories.len().max(1));
        let c = if own > 0 && pick < categories.len() { categories[pick % own].clone() } else {
            categories[pick % categories.len()].clone()
        };
        let rule = |id: &str, target: tradeterms::Target, effect: Effect| tradeterms::VisibilityRuleData::new(id, "merch@seller.example", scope.clone(), target, effect);
        let mut with = ds.clone();
        with.visibility_rules.push(rule("prop-drill", tradeterms::Target::Sku(k.sku.clone()), Effect::Include));
        let mut after = with.clone();
        after.visibility_rules.push(rule("prop-no-tools", tradeterms::Target::Category(c.clone()), Effect::Exclude));
        let before_s = Snapshot::from_dataset(&with).unwrap();
        let after_s = Snapshot::from_dataset(&after).unwrap();
        for account in &ds.accounts {
            for user in &ds.users {
                let q = Query::new(account.id.clone(), user.id.clone(), k.sku.clone(), 1, at());
                let b = before_s.resolve(&q).unwrap().visibility;
                let a = after_s.resolve(&q).unwrap().visibility;
                let (b_visible, a_visible) = (b.as_ref().map(|v| v.visible), a.as_ref().map(|v| v.visible));
                prop_assert!(b_visible != Some(true) || a_visible == Some(true),
                    "excluding `{}` at {:?} hid {} from {} / {}", c, scope, k.sku, account.id, user.id);
                prop_assert_eq!(b_visible, a_visible);
                // Where the inclusion decided, it still does, and names the exclusion it beat
                // when that exclusion targets the SKU.
                if let (Some(b), Some(a)) = (&b, &a)
                    && b.decided_by.as_ref().is_some_and(|d| d.id == "prop-drill") {
                    prop_assert_eq!(a.decided_by.as_ref().map(|d| d.id.as_str()), Some("prop-drill"));
                    for o in a.overridden.iter().filter(|o| o.rule.id == "prop-no-tools") {
                        prop_assert_eq!(o.reason, tradeterms::OverrideReason::LessSpecificTarget);
                    }
                }
            }
        }
    }
}
