//! The tie check (issue 13, points 4 and 5): assignments of one level and priority used to be
//! compared pair by pair, with every account scanned per pair, and every tying pair was one
//! problem. Now candidates are bucketed by SKU, the accounts are asked once per class and
//! currency, and each tie group is one problem.

use crate::harness::{Case, time};
use std::time::Duration;
use tradeterms::{
    AccountData, AssignmentData, Changeset, ChannelData, Dataset, EntryData, Op, PriceListData,
    PricePolicy, Scope, SkuData, Snapshot, TierData, Window,
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
        Case {
            name: "tie check, N open beside 2 disjoint windows (13.4 R1)",
            size: 20_000,
            unit: "assignments",
            budget: Duration::from_secs(1),
            run: open_beside_disjoint_windows,
        },
        Case {
            name: "tie check, 1 list on every SKU + 1 EUR list per SKU (R7)",
            size: 20_000,
            unit: "SKUs",
            budget: Duration::from_secs(1),
            run: one_list_every_sku,
        },
        Case {
            name: "tie check, 1 list on every SKU + 1 USD list per SKU (R7)",
            size: 20_000,
            unit: "SKUs",
            budget: Duration::from_secs(1),
            run: one_list_every_sku_same_currency,
        },
        Case {
            name: "tie check, 1 distinct channel per assignment (13.4 C4)",
            size: 20_000,
            unit: "assignments",
            budget: Duration::from_secs(1),
            run: distinct_conditions,
        },
    ]
}

fn account(id: &str, policy: PricePolicy) -> AccountData {
    AccountData::new(id, id, "USD").with_price_policy(policy)
}

fn sku(id: &str) -> SkuData {
    SkuData::new(id, id)
}

fn entry(sku: &str) -> EntryData {
    EntryData::new(sku, vec![TierData::new(1u64, 1.into())])
}

fn list(id: &str, sku: &str) -> PriceListData {
    PriceListData::new(id, id, "pricing", "USD").with_entries(vec![entry(sku)])
}

fn everyone(id: &str, list: &str) -> AssignmentData {
    AssignmentData::new(id, list, Scope::Everyone)
}

/// `n` lists, list `i` pricing SKU `i` alone when `one_sku` is false and SKU 0 otherwise, each
/// assigned to everyone at priority 0.
fn lists_for_everyone(n: usize, one_sku: bool, accounts: Vec<AccountData>) -> Dataset {
    let skus = if one_sku { 1 } else { n };
    Dataset::default()
        .with_accounts(accounts)
        .with_catalog((0..skus).map(|i| sku(&format!("S{i}"))).collect())
        .with_price_lists(
            (0..n)
                .map(|i| {
                    list(
                        &format!("L{i}"),
                        &format!("S{}", if one_sku { 0 } else { i }),
                    )
                })
                .collect(),
        )
        .with_assignments(
            (0..n)
                .map(|i| everyone(&format!("A{i}"), &format!("L{i}")))
                .collect(),
        )
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
    let change = Changeset::new(
        "new-entries",
        "bench",
        "adversarial sizes",
        "2026-01-01T00:00:00Z".parse().unwrap(),
        1,
    )
    .with_ops(
        (0..100)
            .map(|i| Op::SetEntry {
                list: format!("L{}", i * (n / 100)).into(),
                entry: entry(&format!("NEW{i}")),
            })
            .collect(),
    );
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

/// A window of whole days from 2026-01-01: `[from, until)`.
fn days(from: i64, until: i64) -> Window {
    let day = |d: i64| {
        Some(
            "2026-01-01T00:00:00Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .checked_add(jiff::SignedDuration::from_hours(24 * d))
                .unwrap(),
        )
    };
    Window {
        from: day(from),
        until: day(until),
    }
}

/// (R1) `n` everyone assignments on one always-valid list, and two more on lists whose list
/// windows and assignment windows do not overlap, all pricing one SKU: no window is shared by
/// all, which used to send the bucket to a pairwise comparison of the `n` identical ones. All
/// tie through the open list: one group.
fn open_beside_disjoint_windows(n: usize) -> Duration {
    let mut data = lists_for_everyone(1, true, vec![account("acme", PricePolicy::Precedence)]);
    for (k, w) in [(0, days(0, 30)), (1, days(60, 90))] {
        let mut l = list(&format!("W{k}"), "S0");
        l.valid = Some(w);
        data.price_lists.push(l);
        let mut a = everyone(&format!("W{k}"), &format!("W{k}"));
        a.valid = Some(w);
        data.assignments.push(a);
    }
    data.assignments
        .extend((1..n).map(|i| everyone(&format!("A{i}"), "L0")));
    let mut built = None;
    let elapsed = time(|| built = Some(Snapshot::from_dataset(&data)));
    let err = built.unwrap().unwrap_err();
    assert_eq!(err.total(), 1, "one tie group: {err}");
    elapsed
}

/// (R7) A list pricing all `n` SKUs, assigned to everyone `n` times in consecutive day
/// windows, beside one EUR list per SKU assigned to everyone, with a USD and a EUR account
/// deciding by precedence: no tie, and the USD list's assignments are linked once, not once
/// per SKU because each SKU's lists differ in the other currency.
fn one_list_every_sku(n: usize) -> Duration {
    let mut euro = account("euro", PricePolicy::Precedence);
    euro.currency = "EUR".into();
    let mut all = list("ALL", "S0");
    all.entries = (0..n).map(|i| entry(&format!("S{i}"))).collect();
    let mut price_lists = vec![all];
    let mut assignments: Vec<AssignmentData> = (0..n)
        .map(|i| {
            let mut a = everyone(&format!("D{i}"), "ALL");
            a.valid = Some(days(i as i64, i as i64 + 1));
            a
        })
        .collect();
    for i in 0..n {
        let mut l = list(&format!("E{i}"), &format!("S{i}"));
        l.currency = "EUR".into();
        price_lists.push(l);
        assignments.push(everyone(&format!("E{i}"), &format!("E{i}")));
    }
    let data = Dataset::default()
        .with_accounts(vec![account("acme", PricePolicy::Precedence), euro])
        .with_catalog((0..n).map(|i| sku(&format!("S{i}"))).collect())
        .with_price_lists(price_lists)
        .with_assignments(assignments);
    let mut built = None;
    let elapsed = time(|| built = Some(Snapshot::from_dataset(&data)));
    assert!(
        built.unwrap().is_ok(),
        "day windows and one EUR list per SKU never tie"
    );
    elapsed
}

/// (C4) `n` everyone assignments on one list pricing one SKU, each limited to a channel of its
/// own and all to the same country: the conditions are pairwise disjoint, so nothing ties,
/// and the check finds that without comparing every two conditions.
fn distinct_conditions(n: usize) -> Duration {
    let mut data = lists_for_everyone(1, true, vec![account("acme", PricePolicy::Precedence)]);
    data.channels = (0..n)
        .map(|i| ChannelData::new(format!("ch{i}"), format!("ch{i}")).with_guest_prices(false))
        .collect();
    data.assignments = (0..n)
        .map(|i| {
            let mut a = everyone(&format!("A{i}"), "L0");
            a.channels = vec![format!("ch{i}").into()];
            a.countries = vec!["DE".parse().unwrap()];
            a
        })
        .collect();
    let mut built = None;
    let elapsed = time(|| built = Some(Snapshot::from_dataset(&data)));
    assert!(built.unwrap().is_ok(), "disjoint channels never tie");
    elapsed
}

/// (R7, one currency) As `one_list_every_sku`, the per-SKU lists in USD too, their assignments
/// in later day windows: each SKU's bucket holds the big list's `n` assignments and one more,
/// and the big list's are linked once and looked up, not sorted again per SKU.
fn one_list_every_sku_same_currency(n: usize) -> Duration {
    let mut all = list("ALL", "S0");
    all.entries = (0..n).map(|i| entry(&format!("S{i}"))).collect();
    let mut price_lists = vec![all];
    let mut assignments: Vec<AssignmentData> = (0..n)
        .map(|i| {
            let mut a = everyone(&format!("D{i}"), "ALL");
            a.valid = Some(days(i as i64, i as i64 + 1));
            a
        })
        .collect();
    for i in 0..n {
        price_lists.push(list(&format!("E{i}"), &format!("S{i}")));
        let mut a = everyone(&format!("E{i}"), &format!("E{i}"));
        let day = (2 * n + i) as i64;
        a.valid = Some(days(day, day + 1));
        assignments.push(a);
    }
    let data = Dataset::default()
        .with_accounts(vec![account("acme", PricePolicy::Precedence)])
        .with_catalog((0..n).map(|i| sku(&format!("S{i}"))).collect())
        .with_price_lists(price_lists)
        .with_assignments(assignments);
    let mut built = None;
    let elapsed = time(|| built = Some(Snapshot::from_dataset(&data)));
    assert!(built.unwrap().is_ok(), "windows apart never tie");
    elapsed
}
