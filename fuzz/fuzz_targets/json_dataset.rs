//! Arbitrary bytes as a JSON dataset: parse, build, and when it builds, resolve queries, an
//! order, a price sheet, the lint and an impact drawn from the remaining bytes. Nothing may
//! panic, and every price must be its exact amount rounded once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeterms::{
    Audience, Dataset, ImpactOptions, Order, OrderLine, Outcome, Query, Snapshot, Timestamp,
};

fuzz_target!(|data: &[u8]| {
    // The first byte says where the JSON ends; the rest drives the queries.
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let cut = (usize::from(split) * rest.len() / 256).min(rest.len());
    let (json, choices) = rest.split_at(rest.len() - cut);
    let Ok(dataset) = serde_json::from_slice::<Dataset>(json) else {
        return;
    };
    let Ok(snapshot) = Snapshot::from_dataset(&dataset) else {
        return;
    };
    let accounts: Vec<_> = snapshot.account_ids().cloned().collect();
    let skus: Vec<_> = snapshot.skus().cloned().collect();
    let users: Vec<_> = dataset.users.iter().map(|u| u.id.clone()).collect();
    if accounts.is_empty() || skus.is_empty() || users.is_empty() {
        return;
    }
    let at = Timestamp::from_second(1_780_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
    let mut lines = Vec::new();
    for c in choices.chunks(4) {
        let pick = |i: usize, n: usize| c.get(i).map(|&b| usize::from(b) % n).unwrap_or(0);
        let account = accounts[pick(0, accounts.len())].clone();
        let user = users[pick(1, users.len())].clone();
        let sku = skus[pick(2, skus.len())].clone();
        let qty = u64::from(c.get(3).copied().unwrap_or(1)).max(1);
        // Every other query is asked for the buyer: it must render, and name no assignment.
        let audience = if c.first().is_some_and(|b| b % 2 == 1) {
            Audience::Buyer
        } else {
            Audience::Operator
        };
        let q =
            Query::new(account.clone(), user.clone(), sku.clone(), qty, at).with_audience(audience);
        if let Ok(r) = snapshot.resolve(&q) {
            if let Some(p) = r.outcome.price() {
                assert_eq!(p.amount, p.currency.round(p.exact_amount));
            }
            if let Outcome::Priced(p) = &r.outcome {
                assert_eq!(p.source.is_none(), audience == Audience::Buyer);
            }
            let _ = r.to_string();
        }
        lines.push(OrderLine::new(sku, qty));
        if lines.len() == 3 {
            let order =
                Order::new(account, user, at, std::mem::take(&mut lines)).with_audience(audience);
            if let Ok(a) = snapshot.resolve_order(&order) {
                let _ = a.to_string();
            }
        }
    }
    if let Ok(sheet) = snapshot.price_sheet(&accounts[0], &users[0], at, 1) {
        for line in sheet.audience(Audience::Buyer).take(50) {
            let _ = line;
        }
    }
    let _ = snapshot.lint(at);
    let _ = snapshot.impact(&snapshot, &ImpactOptions::at(at));
});
