//! The tie check (issue 13, points 4 and 5): assignments of one level and priority used to be
//! compared pair by pair, with every account scanned per pair, and every tying pair was one
//! problem. Now candidates are bucketed by SKU, the accounts are asked once per class and
//! currency, and each tie group is one problem.

use crate::harness::{Case, time};
use std::time::Duration;
use tradeterms::{
    AccountData, AssignmentData, Changeset, Dataset, EntryData, Op, PriceListData, PricePolicy,
    Scope, SkuData, Snapshot, TierData,
};

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "tie check, 1 SKU per everyone assignment (13.4)",
            size: 50_000,
            unit: "assignments",
            budget: Duration::from_secs(1),
            run: disjoint_everyone,
        },
        Case {
            name: "tie check, 1,000 lowest_price accounts, one SKU (13.4)",
            size: 2_000,
            unit: "assignments",
            budget: Duration::from_millis(500),
            run: lowest_price_accounts,
        },
        Case {
            name: "tie re-check of 100 new entries, 1 SKU per list (13.4)",
            size: 50_000,
            unit: "assignments",
            budget: Duration::from_millis(100),
            run: new_entries,
        },
        Case {
            name: "tie report, equal-priority lists on one SKU (13.5)",
            size: 5_000,
            unit: "lists",
            budget: Duration::from_millis(500),
            run: one_sku_tie_group,
        },
    ]
}

fn account(id: &str, policy: PricePolicy) -> AccountData {
    AccountData {
        id: id.into(),
        name: id.into(),
        currency: "USD".into(),
        price_policy: Some(policy),
        ..AccountData::default()
    }
}

fn sku(id: &str) -> SkuData {
    SkuData {
        sku: id.into(),
        name: id.into(),
        ..SkuData::default()
    }
}

fn entry(sku: &str) -> EntryData {
    EntryData {
        sku: sku.into(),
        tiers: vec![TierData {
            min_qty: 1,
            unit_price: 1.into(),
        }],
        ..EntryData::default()
    }
}

fn list(id: &str, sku: &str) -> PriceListData {
    PriceListData {
        id: id.into(),
        name: id.into(),
        owner: "pricing".into(),
        currency: "USD".into(),
        entries: vec![entry(sku)],
        ..PriceListData::default()
    }
}

fn everyone(id: &str, list: &str) -> AssignmentData {
    AssignmentData {
        id: id.into(),
        price_list: list.into(),
        scope: Scope::Everyone,
        ..AssignmentData::default()
    }
}

/// `n` lists, list `i` pricing SKU `i` alone when `one_sku` is false and SKU 0 otherwise, each
/// assigned to everyone at priority 0.
fn lists_for_everyone(n: usize, one_sku: bool, accounts: Vec<AccountData>) -> Dataset {
    let skus = if one_sku { 1 } else { n };
    Dataset {
        accounts,
        catalog: (0..skus).map(|i| sku(&format!("S{i}"))).collect(),
        price_lists: (0..n)
            .map(|i| {
                list(
                    &format!("L{i}"),
                    &format!("S{}", if one_sku { 0 } else { i }),
                )
            })
            .collect(),
        assignments: (0..n)
            .map(|i| everyone(&format!("A{i}"), &format!("L{i}")))
            .collect(),
        ..Dataset::default()
    }
}

/// (a) `n` everyone assignments at one priority, each on a list pricing its own SKU, with one
/// precedence account: no two tie, and the build takes one bucket per SKU.
fn disjoint_everyone(n: usize) -> Duration {
    let data = lists_for_everyone(n, false, vec![account("acme", PricePolicy::Precedence)]);
    let mut built = None;
    let elapsed = time(|| built = Some(Snapshot::from_dataset(&data)));
    assert!(built.unwrap().is_ok(), "disjoint lists never tie");
    elapsed
}

/// (a') On the snapshot of (a), a changeset giving 100 lists a SKU that list alone prices: the
/// re-check finds the assignments that could tie through the lists pricing each SKU, not by
/// scanning the 50,000 of the level.
fn new_entries(n: usize) -> Duration {
    let mut data = lists_for_everyone(n, false, vec![account("acme", PricePolicy::Precedence)]);
    data.catalog
        .extend((0..100).map(|i| sku(&format!("NEW{i}"))));
    let snapshot = Snapshot::from_dataset(&data).unwrap();
    let change = Changeset {
        id: "new-entries".into(),
        author: "bench".into(),
        reason: "adversarial sizes".into(),
        at: "2026-01-01T00:00:00Z".parse().unwrap(),
        base_version: 1,
        ops: (0..100)
            .map(|i| Op::SetEntry {
                list: format!("L{}", i * (n / 100)).into(),
                entry: entry(&format!("NEW{i}")),
            })
            .collect(),
    };
    // The first change of a history fingerprints its data once (for `replay`), a cost linear
    // in the dataset paid once per history, not per change: paid here, outside the timing.
    let _ = snapshot.origin_fingerprint();
    let mut applied = None;
    let elapsed = time(|| applied = Some(snapshot.apply(&change)));
    assert!(applied.unwrap().is_ok(), "a SKU one list prices never ties");
    elapsed
}

/// (b) 2,000 everyone assignments at one priority on lists all pricing one SKU, with 1,000
/// accounts that all choose the lowest price: nobody decides by precedence, so nothing ties,
/// and the accounts are asked once, not once per pair. `n` is the number of assignments; the
/// accounts stay 1,000 (the build's per-account rule lists grow with accounts x assignments,
/// which is their size, not the tie check's cost).
fn lowest_price_accounts(n: usize) -> Duration {
    let accounts = (0..1_000)
        .map(|i| account(&format!("acc{i}"), PricePolicy::LowestPrice))
        .collect();
    let data = lists_for_everyone(n, true, accounts);
    let mut built = None;
    let elapsed = time(|| built = Some(Snapshot::from_dataset(&data)));
    assert!(built.unwrap().is_ok(), "no precedence account: no tie");
    elapsed
}

/// (c) `n` equal-priority everyone lists all pricing one SKU for a precedence account: one tie
/// group, reported once, and an error whose message stays small.
fn one_sku_tie_group(n: usize) -> Duration {
    let data = lists_for_everyone(n, true, vec![account("acme", PricePolicy::Precedence)]);
    let mut built = None;
    let elapsed = time(|| built = Some(Snapshot::from_dataset(&data)));
    let err = built.unwrap().unwrap_err();
    assert_eq!(err.total(), 1, "one tie group, one problem: {err}");
    let text = err.to_string();
    assert!(
        text.len() < 64 * 1024,
        "the message is bounded: {} bytes",
        text.len()
    );
    assert!(text.contains(&format!("and {} more", n - 5)), "{text}");
    elapsed
}
