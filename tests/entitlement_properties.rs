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

use proptest::prelude::*;
use std::collections::BTreeMap;
use tradeterms::{
    AccountData, AssignmentData, CatalogMode, Dataset, Effect, EntryData, Inheritance,
    MembershipData, Outcome, PriceListData, Query, Reach, RoleData, RoleName, Scope, SegmentData,
    SkuData, Snapshot, Target, TierData, TierMode, Timestamp, UserData, VisibilityRuleData,
};

const CATEGORIES: [&str; 4] = ["a", "a/b", "a/b/c", "d"];

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

#[derive(Debug, Clone)]
struct Gen {
    parents: Vec<Option<usize>>,
    modes: Vec<Option<bool>>,
    inherit_vis: Vec<bool>,
    memberships: Vec<Vec<(usize, usize, bool)>>, // (account, role index, subtree)
    skus: Vec<usize>,                            // category index per SKU
    rules: Vec<(usize, usize, usize, bool, bool)>, // (scope kind, scope target, target kind/value, include, role-limited)
    segment: Vec<bool>,
    prices: Vec<Option<u32>>,
}

fn generated() -> impl Strategy<Value = Gen> {
    (1usize..8, 1usize..6, 1usize..4).prop_flat_map(|(n, skus, users)| {
        (
            proptest::collection::vec(proptest::option::of(0usize..n), n),
            proptest::collection::vec(proptest::option::of(any::<bool>()), n),
            proptest::collection::vec(prop::bool::weighted(0.8), n),
            proptest::collection::vec(
                proptest::collection::vec((0usize..n, 0usize..3, any::<bool>()), 0..3),
                users,
            ),
            proptest::collection::vec(0usize..CATEGORIES.len(), skus),
            proptest::collection::vec(
                (
                    0usize..4,
                    0usize..n,
                    0usize..(skus + CATEGORIES.len() + 1),
                    any::<bool>(),
                    prop::bool::weighted(0.2),
                ),
                0..8,
            ),
            proptest::collection::vec(any::<bool>(), n),
            proptest::collection::vec(proptest::option::of(0u32..10_000), skus),
        )
            .prop_map(
                |(parents, modes, inherit_vis, memberships, skus, rules, segment, prices)| {
                    // Parents only point to earlier accounts: a forest, never a cycle.
                    let parents = parents
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| p.filter(|&p| p < i))
                        .collect();
                    Gen {
                        parents,
                        modes,
                        inherit_vis,
                        memberships,
                        skus,
                        rules,
                        segment,
                        prices,
                    }
                },
            )
    })
}

fn dataset(g: &Gen) -> Dataset {
    let acc = |i: usize| format!("acc{i}");
    let accounts = g
        .parents
        .iter()
        .enumerate()
        .map(|(i, p)| AccountData {
            id: acc(i).into(),
            name: acc(i),
            parent: p.map(|p| acc(p).into()),
            currency: "USD".into(),
            attributes: BTreeMap::new(),
            price_policy: None,
            catalog_mode: g.modes.get(i).copied().flatten().map(|c| {
                if c {
                    CatalogMode::Curated
                } else {
                    CatalogMode::Open
                }
            }),
            inherit: Inheritance {
                visibility: g.inherit_vis[i],
                ..Inheritance::default()
            },
            ..AccountData::default()
        })
        .collect();
    let roles = ["buyer", "viewer", "browser"];
    let users = g
        .memberships
        .iter()
        .enumerate()
        .map(|(u, ms)| UserData {
            id: format!("user{u}").into(),
            name: format!("user{u}"),
            disabled: false,
            memberships: ms
                .iter()
                .map(|&(a, r, subtree)| MembershipData {
                    account: acc(a).into(),
                    roles: vec![roles[r].into()],
                    reach: if subtree {
                        Reach::Subtree
                    } else {
                        Reach::Account
                    },
                    disabled: false,
                    spending_limit: None,
                })
                .collect(),
        })
        .collect();
    let catalog = g
        .skus
        .iter()
        .enumerate()
        .map(|(i, &c)| SkuData {
            sku: format!("sku{i}").into(),
            name: format!("sku{i}"),
            categories: vec![CATEGORIES[c].to_string()],
            attributes: BTreeMap::new(),
            ..SkuData::default()
        })
        .collect();
    let entries = g
        .prices
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.map(|cents| EntryData {
                sku: format!("sku{i}").into(),
                tiers: vec![TierData {
                    min_qty: 1,
                    unit_price: rust_decimal::Decimal::new(i64::from(cents), 2),
                }],
                valid: None,
                ..EntryData::default()
            })
        })
        .collect();
    let members: Vec<_> = g
        .segment
        .iter()
        .enumerate()
        .filter(|(_, m)| **m)
        .map(|(i, _)| acc(i).into())
        .collect();
    let visibility_rules = g
        .rules
        .iter()
        .enumerate()
        .map(
            |(i, &(kind, target_acc, target, include, role_limited))| VisibilityRuleData {
                id: format!("rule{i}"),
                owner: "owner".into(),
                scope: match kind {
                    0 => Scope::Everyone,
                    1 => Scope::Segment("seg".into()),
                    2 => Scope::Account(acc(target_acc).into()),
                    _ => Scope::Subtree(acc(target_acc).into()),
                },
                roles: if role_limited {
                    vec![RoleName::new("buyer")]
                } else {
                    vec![]
                },
                target: if target < g.skus.len() {
                    Target::Sku(format!("sku{target}").into())
                } else if target < g.skus.len() + CATEGORIES.len() {
                    Target::Category(CATEGORIES[target - g.skus.len()].to_string())
                } else {
                    Target::All
                },
                effect: if include {
                    Effect::Include
                } else {
                    Effect::Exclude
                },
                ..VisibilityRuleData::default()
            },
        )
        .collect();
    Dataset {
        accounts,
        roles: vec![RoleData {
            name: "browser".into(),
            permissions: vec![tradeterms::Permission::ViewCatalog],
        }],
        users,
        segments: vec![SegmentData {
            id: "seg".into(),
            name: "seg".into(),
            accounts: members,
            rule: None,
        }],
        catalog,
        price_lists: vec![PriceListData {
            id: "secret-list".into(),
            name: "list".into(),
            owner: "pricing".into(),
            currency: "USD".into(),
            tier_mode: TierMode::Volume,
            valid: None,
            entries,
            relative: None,
            ..PriceListData::default()
        }],
        assignments: vec![AssignmentData {
            id: "secret-assignment".into(),
            price_list: "secret-list".into(),
            scope: Scope::Everyone,
            priority: 0,
            valid: None,
            ..AssignmentData::default()
        }],
        visibility_rules,
        ..Dataset::default()
    }
}

/// What `quote` must say, derived from an explained resolution.
fn common_quote(r: &tradeterms::Resolution) -> tradeterms::Quote {
    use tradeterms::QuoteOutcome;
    tradeterms::Quote {
        version: r.version,
        outcome: match &r.outcome {
            Outcome::Denied(_) => QuoteOutcome::Denied,
            Outcome::NotVisible => QuoteOutcome::NotVisible,
            Outcome::PriceHidden(_) => QuoteOutcome::PriceHidden,
            Outcome::QuoteRequired(_) => QuoteOutcome::QuoteRequired,
            Outcome::Priced(p) => QuoteOutcome::Priced {
                amount: p.price.amount,
                exact_amount: p.price.exact_amount,
                currency: p.price.currency,
                assignment: p.source.assignment.clone(),
            },
        },
    }
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
    fn visibility_and_entitlement_invariants(g in generated()) {
        let ds = dataset(&g);
        let snapshot = Snapshot::from_dataset(&ds).unwrap_or_else(|e| panic!("{e}"));
        let effects: BTreeMap<String, Effect> =
            ds.visibility_rules.iter().map(|r| (r.id.clone(), r.effect)).collect();
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
                        prop_assert!(!json.contains("secret-") && !json.contains("rule"), "{json}");
                        continue;
                    }
                    let vis = r.visibility.clone();
                    if let Some(v) = &vis {
                        if v.visible {
                            visible_skus.push(sku.sku.clone());
                        } else {
                            // A SKU that is not visible is never priced, and no price data leaks.
                            prop_assert!(matches!(r.outcome, Outcome::NotVisible));
                            prop_assert!(!json.contains("secret-"), "{json}");
                        }
                        // At equal specificity an exclusion always wins.
                        if let Some(d) = &v.decided_by
                            && effects[&d.id] == Effect::Include {
                                for o in &v.overridden {
                                    let same = o.specificity == d.specificity
                                        && o.roles.is_empty() == d.roles.is_empty();
                                    prop_assert!(!(same && effects[&o.id] == Effect::Exclude),
                                        "include {} beat exclude {} at equal specificity", d.id, o.id);
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
                    prop_assert_eq!(r.visibility.as_ref(), Some(&line.visibility));
                }
            }
        }
    }

    #[test]
    fn a_curated_catalogue_without_includes_shows_nothing(g in generated()) {
        let mut ds = dataset(&g);
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
}
