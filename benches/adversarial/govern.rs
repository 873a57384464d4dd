//! Governance at adversarial sizes (issue 13, points 6 to 8): the lint, the impact preview,
//! apply and inverse of a large changeset, and a curated price sheet. Each dataset is built
//! through the public data types, outside the measured time.

use crate::harness::{Case, time};
use std::time::Duration;
use tradeterms::{
    AccountData, ApprovalPolicyData, Approvers, AssignmentData, AttrCmp, AttrValue, CatalogMode,
    Changeset, Dataset, Effect, Entity, EntryData, ImpactOptions, MembershipData, Op,
    OrderCondition, Predicate, PriceListData, ReferenceListData, Scope, SkuData, Snapshot, Target,
    TierData, Timestamp, UserData, VisibilityRuleData, WarningKind,
};

fn at() -> Timestamp {
    tradeterms::generate::AT
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "lint: shadowed assignments x accounts (13.6)",
            size: 10_000,
            unit: "assignments",
            budget: Duration::from_millis(1_000),
            run: lint_shadowed,
        },
        Case {
            name: "lint: lists sharing a SKU at distinct priorities (R2)",
            size: 20_000,
            unit: "assignments",
            budget: Duration::from_millis(1_000),
            run: lint_shared_sku,
        },
        Case {
            name: "lint: contracts vs per-account reference lists (R6)",
            size: 8_000,
            unit: "accounts",
            budget: Duration::from_millis(1_000),
            run: lint_references,
        },
        Case {
            name: "lint: approval policies, one per account (R5)",
            size: 80_000,
            unit: "policies",
            budget: Duration::from_millis(1_000),
            run: lint_policies,
        },
        Case {
            name: "lint: tiers priced under cost + margin (16.4)",
            size: 20_000,
            unit: "SKUs",
            budget: Duration::from_millis(1_000),
            run: lint_margins,
        },
        Case {
            name: "lint: moot inclusions (13.6)",
            size: 2_000,
            unit: "pairs",
            budget: Duration::from_millis(500),
            run: lint_moot,
        },
        // Every pair reached is still decided twice (the counts are exact): the limit bounds
        // memory, and the time grows linearly with the pairs.
        Case {
            name: "impact: everyone's prices move, over the limit (13.7)",
            size: IMPACT_PAIRS,
            unit: "pairs",
            budget: Duration::from_millis(4_000),
            run: impact_huge,
        },
        Case {
            name: "apply + inverse: SKU upserts (13.8)",
            size: 20_000,
            unit: "ops",
            budget: Duration::from_millis(1_000),
            run: apply_inverse,
        },
        Case {
            name: "price sheet: curated, SKUs x visibility rules (13.8)",
            size: 20_000,
            unit: "SKUs",
            budget: Duration::from_millis(500),
            run: curated_sheet,
        },
        Case {
            name: "price sheet: curated, SKUs x attribute rules (R3)",
            size: 20_000,
            unit: "SKUs",
            budget: Duration::from_millis(1_000),
            run: curated_attribute_sheet,
        },
    ]
}

fn price(p: &str) -> Vec<TierData> {
    vec![TierData::new(1u64, p.parse().unwrap())]
}

fn account(i: usize) -> AccountData {
    AccountData::new(format!("acc-{i:06}"), format!("Account {i}"), "USD")
}

fn sku(i: usize) -> SkuData {
    SkuData::new(format!("sku-{i:06}"), format!("SKU {i}"))
        .with_categories(vec![format!("cat-{i:06}")])
}

fn entry(i: usize, p: &str) -> EntryData {
    EntryData::new(format!("sku-{i:06}"), price(p))
}

fn list(id: String, entries: Vec<EntryData>) -> PriceListData {
    PriceListData::new(id, "List", "pricing", "USD").with_entries(entries)
}

fn assign(id: String, list: String, scope: Scope, priority: i32) -> AssignmentData {
    AssignmentData::new(id, list, scope).with_priority(priority)
}

fn build(d: &Dataset) -> Snapshot {
    Snapshot::from_dataset(d).unwrap_or_else(|e| panic!("{e}"))
}

/// `n` accounts and `n` SKUs; for each SKU, a one-SKU list assigned to everyone at priority 0
/// and another at priority 1: `n` shadowed assignments in one scope reaching `n` accounts.
fn lint_shadowed(n: usize) -> Duration {
    let mut d = Dataset::default()
        .with_accounts((0..n).map(account).collect())
        .with_catalog((0..n).map(sku).collect());
    for k in 0..n {
        for (p, name) in [(0, "low"), (1, "high")] {
            let id = format!("{name}-{k:06}");
            d.price_lists.push(list(
                id.clone(),
                vec![entry(k, if p == 0 { "2" } else { "1" })],
            ));
            d.assignments
                .push(assign(id.clone(), id, Scope::Everyone, p));
        }
    }
    let s = build(&d);
    let mut warnings = Vec::new();
    let took = time(|| warnings = s.lint(at()));
    let shadowed = warnings
        .iter()
        .filter(|w| w.kind == WarningKind::ShadowedAssignment)
        .count();
    assert_eq!(shadowed, n, "every low-priority assignment is shadowed");
    took
}

/// `n` SKUs, each in its own category; for each, an inclusion of the SKU, an exclusion of its
/// category and an inclusion of that category, for everyone: `n` moot inclusions (the
/// category's, SEMANTICS V4) and `n` that are not (the SKU's, more specific, V8) among
/// `2n` x `n` same-scope pairs.
fn lint_moot(n: usize) -> Duration {
    let mut d = Dataset::default()
        .with_accounts(vec![account(0)])
        .with_catalog((0..n).map(sku).collect());
    for k in 0..n {
        for (kind, effect, target) in [
            (
                "sku",
                Effect::Include,
                Target::Sku(format!("sku-{k:06}").into()),
            ),
            (
                "cat",
                Effect::Exclude,
                Target::Category(format!("cat-{k:06}")),
            ),
            (
                "cat",
                Effect::Include,
                Target::Category(format!("cat-{k:06}")),
            ),
        ] {
            d.visibility_rules.push(VisibilityRuleData::new(
                format!("{effect:?}-{kind}-{k:06}"),
                "merch",
                Scope::Everyone,
                target,
                effect,
            ));
        }
    }
    let s = build(&d);
    let mut warnings = Vec::new();
    let took = time(|| warnings = s.lint(at()));
    let moot = warnings
        .iter()
        .filter(|w| w.kind == WarningKind::MootInclude)
        .count();
    assert_eq!(
        moot, n,
        "every category inclusion is moot, no SKU inclusion"
    );
    took
}

/// The (account, SKU) pairs of the full impact case.
const IMPACT_PAIRS: usize = 1_000_000;
/// SKUs in the impact case; accounts make up the pairs.
const IMPACT_SKUS: usize = 1_000;

/// `n / 1,000` accounts and 1,000 SKUs on one list for everyone; the "after" snapshot raises
/// every price: `n` pairs move, far over the default limit of detailed changes.
fn impact_huge(n: usize) -> Duration {
    let accounts = (n / IMPACT_SKUS).max(1);
    let d = Dataset::default()
        .with_accounts((0..accounts).map(account).collect())
        .with_catalog((0..IMPACT_SKUS).map(sku).collect())
        .with_price_lists(vec![list(
            "public".into(),
            (0..IMPACT_SKUS).map(|k| entry(k, "10")).collect(),
        )])
        .with_assignments(vec![assign(
            "all".into(),
            "public".into(),
            Scope::Everyone,
            0,
        )]);
    let before = build(&d);
    let mut raised = d.clone();
    for (k, e) in raised.price_lists[0].entries.iter_mut().enumerate() {
        e.tiers = price(&format!("{}", 11 + k % 7));
    }
    let after = build(&raised);
    let options = ImpactOptions::at(at());
    let mut impact = None;
    let took = time(|| impact = Some(before.impact(&after, &options).unwrap()));
    let impact = impact.unwrap();
    assert_eq!(impact.total_changes, accounts * IMPACT_SKUS);
    assert!(impact.limit_reached);
    assert!(impact.changes.len() <= options.max_changes);
    assert_eq!(
        impact.largest_increase.unwrap().percent,
        "70".parse().unwrap()
    );
    took
}

/// A catalogue of `n` SKUs, and a changeset upserting `n` more: apply it, then compute its
/// inverse and apply that (two rebuilds of up to `2n` SKUs, which dominate).
fn apply_inverse(n: usize) -> Duration {
    let d = Dataset::default()
        .with_accounts(vec![account(0)])
        .with_catalog((0..n).map(sku).collect());
    let v1 = build(&d);
    let cs = Changeset::new("many-skus", "bench", "adversarial", at(), v1.version()).with_ops(
        (n..2 * n)
            .map(|i| Op::Upsert(Entity::Sku(sku(i))))
            .collect(),
    );
    let round_trip = || {
        let v2 = v1.apply(&cs).unwrap();
        let undo = cs.inverse(&v1);
        v2.apply(&undo).unwrap()
    };
    // A first round trip at this size, untimed: the harness warms up at the quarter size only,
    // and the first allocation of this much memory (page faults, the allocator growing its
    // heap) would otherwise be measured as growth of the algorithm.
    drop(round_trip());
    let mut v3 = None;
    let took = time(|| v3 = Some(round_trip()));
    assert_eq!(v3.unwrap().to_dataset().catalog.len(), n);
    took
}

/// A curated account seeing each of `n` SKUs through its own inclusion rule, priced by one
/// list: the whole price sheet.
fn curated_sheet(n: usize) -> Duration {
    let mut acc = account(0);
    acc.catalog_mode = Some(CatalogMode::Curated);
    let d = Dataset::default()
        .with_accounts(vec![acc])
        .with_users(vec![UserData::new("buyer", "Buyer").with_memberships(
            vec![MembershipData::new("acc-000000", vec!["buyer".into()])],
        )])
        .with_catalog((0..n).map(sku).collect())
        .with_price_lists(vec![list(
            "public".into(),
            (0..n).map(|k| entry(k, "10")).collect(),
        )])
        .with_assignments(vec![assign(
            "all".into(),
            "public".into(),
            Scope::Everyone,
            0,
        )])
        .with_visibility_rules(
            (0..n)
                .map(|k| {
                    VisibilityRuleData::new(
                        format!("show-{k:06}"),
                        "merch",
                        Scope::Account("acc-000000".into()),
                        Target::Sku(format!("sku-{k:06}").into()),
                        Effect::Include,
                    )
                })
                .collect(),
        );
    let s = build(&d);
    let mut lines = 0;
    let took = time(|| {
        for line in s.price_sheet("acc-000000", "buyer", at(), 1).unwrap() {
            line.unwrap();
            lines += 1;
        }
    });
    assert_eq!(lines, n);
    took
}

/// `n` lists pricing one SKU, each assigned to everyone at its own priority: every assignment
/// but the highest is shadowed, and every list prices the SKU the others price.
fn lint_shared_sku(n: usize) -> Duration {
    let mut d = Dataset::default()
        .with_accounts(vec![account(0)])
        .with_catalog(vec![sku(0)]);
    for k in 0..n {
        let id = format!("list-{k:06}");
        d.price_lists.push(list(id.clone(), vec![entry(0, "1")]));
        d.assignments
            .push(assign(id.clone(), id, Scope::Everyone, k as i32));
    }
    let s = build(&d);
    let mut warnings = Vec::new();
    let took = time(|| warnings = s.lint(at()));
    let shadowed = warnings
        .iter()
        .filter(|w| w.kind == WarningKind::ShadowedAssignment)
        .count();
    // All but the highest are shadowed; past the warning limit, the first are listed.
    assert_eq!(shadowed, (n - 1).min(tradeterms::MAX_WARNINGS));
    took
}

/// `n` accounts, each with its own reference list and its own contract list pricing one SKU
/// above it: `n` warnings, each against the account's own reference, none against the
/// reference lists of the other accounts.
fn lint_references(n: usize) -> Duration {
    let mut d = Dataset::default()
        .with_accounts((0..n).map(account).collect())
        .with_catalog(vec![sku(0)]);
    for k in 0..n {
        let reference = format!("ref-{k:06}");
        let contract = format!("contract-{k:06}");
        d.price_lists
            .push(list(reference.clone(), vec![entry(0, "1")]));
        d.price_lists
            .push(list(contract.clone(), vec![entry(0, "2")]));
        d.reference_lists
            .push(ReferenceListData::new(reference).with_account(format!("acc-{k:06}")));
        d.assignments.push(assign(
            contract.clone(),
            contract,
            Scope::Account(format!("acc-{k:06}").into()),
            0,
        ));
    }
    let s = build(&d);
    let mut warnings = Vec::new();
    let took = time(|| warnings = s.lint(at()));
    let above = warnings
        .iter()
        .filter(|w| w.kind == WarningKind::AboveReference)
        .count();
    assert_eq!(above, n, "each contract is above its own reference only");
    took
}

/// `n` SKUs, each with three tiers in the USD cost list, priced by 8 reporting lists with a
/// 10 % minimum margin, every tier under its floor: 24 `n` tiers to check against the cost
/// list, each one lookup (no pairing of lists, SKUs or tiers), the warnings capped.
fn lint_margins(n: usize) -> Duration {
    let tiers = |prices: [&str; 3]| {
        vec![
            TierData::new(1, prices[0].parse().unwrap()),
            TierData::new(10, prices[1].parse().unwrap()),
            TierData::new(100, prices[2].parse().unwrap()),
        ]
    };
    let entries = |prices: [&str; 3]| {
        (0..n)
            .map(|i| EntryData::new(format!("sku-{i:06}"), tiers(prices)))
            .collect::<Vec<_>>()
    };
    let mut d = Dataset::default()
        .with_accounts(vec![account(0)])
        .with_catalog((0..n).map(sku).collect());
    d.price_lists
        .push(list("cost-usd".into(), entries(["10.00", "9.00", "8.00"])).with_cost(true));
    for k in 0..8 {
        let id = format!("margin-{k}");
        d.price_lists.push(
            list(id.clone(), entries(["10.50", "9.50", "8.50"]))
                .with_min_margin(tradeterms::Decimal::from(10)),
        );
        d.assignments
            .push(assign(id.clone(), id, Scope::Everyone, k));
    }
    let s = build(&d);
    let mut warnings = Vec::new();
    let took = time(|| warnings = s.lint(at()));
    assert!(
        warnings
            .iter()
            .any(|w| w.kind == WarningKind::PricedUnderMargin),
        "every tier is under its floor"
    );
    // Capped: the first MAX_WARNINGS and one `MoreWarnings` counting the rest.
    assert!(warnings.len() <= tradeterms::MAX_WARNINGS + 1);
    took
}

/// `n` accounts, each with its own approval policy naming nobody: every policy is looked up
/// by id once.
fn lint_policies(n: usize) -> Duration {
    let d = Dataset::default()
        .with_accounts((0..n).map(account).collect())
        .with_approval_policies(
            (0..n)
                .map(|k| {
                    ApprovalPolicyData::new(
                        format!("policy-{k:06}"),
                        "finance",
                        Scope::Account(format!("acc-{k:06}").into()),
                        OrderCondition::TotalAbove(100.into()),
                        vec![Approvers::Users(Vec::new())],
                    )
                    .with_roles(Vec::new())
                    .with_stage(0)
                    .with_channels(Vec::new())
                    .with_countries(Vec::new())
                })
                .collect(),
        );
    let s = build(&d);
    let mut warnings = Vec::new();
    let took = time(|| warnings = s.lint(at()));
    assert!(
        !warnings
            .iter()
            .any(|w| w.kind == WarningKind::SelfApprovalOnly),
        "nobody approves alone"
    );
    took
}

/// A curated account seeing each of `n` SKUs through its own rule on an attribute value the
/// SKU alone has, priced by one list: the whole price sheet.
fn curated_attribute_sheet(n: usize) -> Duration {
    let mut acc = account(0);
    acc.catalog_mode = Some(CatalogMode::Curated);
    let d = Dataset::default()
        .with_accounts(vec![acc])
        .with_users(vec![UserData::new("buyer", "Buyer").with_memberships(
            vec![MembershipData::new("acc-000000", vec!["buyer".into()])],
        )])
        .with_catalog(
            (0..n)
                .map(|k| {
                    let mut s = sku(k);
                    s.attributes
                        .insert("code".into(), AttrValue::Text(format!("c-{k:06}")));
                    s
                })
                .collect(),
        )
        .with_price_lists(vec![list(
            "public".into(),
            (0..n).map(|k| entry(k, "10")).collect(),
        )])
        .with_assignments(vec![assign(
            "all".into(),
            "public".into(),
            Scope::Everyone,
            0,
        )])
        .with_visibility_rules(
            (0..n)
                .map(|k| {
                    VisibilityRuleData::new(
                        format!("show-{k:06}"),
                        "merch",
                        Scope::Account("acc-000000".into()),
                        Target::Attributes(Predicate::Eq(AttrCmp {
                            attr: "code".into(),
                            value: AttrValue::Text(format!("c-{k:06}")),
                        })),
                        Effect::Include,
                    )
                })
                .collect(),
        );
    let s = build(&d);
    let mut lines = 0;
    let took = time(|| {
        for line in s.price_sheet("acc-000000", "buyer", at(), 1).unwrap() {
            line.unwrap();
            lines += 1;
        }
    });
    assert_eq!(lines, n);
    took
}
