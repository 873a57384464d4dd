//! `Snapshot::price_sheet` throughput: one account's whole catalogue, in lines per second.
//!
//! ```text
//! TRADETERMS_BENCH_SIZE=medium cargo bench --bench sheet -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! `TRADETERMS_BENCH_SIZE` is `small` (default, so `cargo bench` stays quick), `medium` or
//! `large`. The snapshot is built once. The account is the probe account
//! (`generate::probe_query`: the deepest account with its own always-valid contract list, so the
//! sheet goes through contract lists, segment and relative lists where they reach it, and the
//! public list), with a user entitled there; the bench checks that the account sees the whole
//! catalogue (the generated data has no visibility rule, so every account does) and otherwise
//! falls back to the first account that does.
//!
//! Benchmark `price_sheet/whole_catalogue`: create the sheet (entitlement and applicable rules,
//! once) and collect every line at quantity 1 and `generate::AT` into a `Vec<SheetLine>`. The
//! collected lines are dropped outside the measured time. Throughput is reported in lines (one
//! element per catalogue SKU), so criterion prints lines/s. Ten samples.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    reason = "bench code: a panic aborts the bench, and its arithmetic runs on small generated values"
)]

mod common;
use common::{SEED, size};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tradeterms::generate::{self, Spec};
use tradeterms::{AccountId, Outcome, SheetLine, Snapshot, UserId};

/// Accounts tried, after the probe, if the probe does not see the whole catalogue.
const FALLBACK_ACCOUNTS: usize = 20;

fn sheet(snapshot: &Snapshot, account: &AccountId, user: &UserId) -> Vec<SheetLine> {
    snapshot
        .price_sheet(account, user, generate::AT, 1)
        .expect("the sheet opens")
        .collect::<Result<Vec<_>, _>>()
        .expect("every line resolves")
}

fn bench(c: &mut Criterion) {
    let size = size();
    let dataset = generate::dataset(&Spec::for_size(size), SEED);
    let snapshot = Snapshot::from_dataset(&dataset).expect("generated data builds");
    let probe = generate::probe_query(&dataset).expect("a probe account exists");
    // Every SKU but the discontinued ones, which the generator hides from everyone.
    let catalogue = dataset
        .catalog
        .iter()
        .filter(|s| !s.attributes.contains_key("status"))
        .count();
    // An enabled user with an enabled membership at the account itself.
    let user_at = |account: &AccountId| {
        dataset
            .users
            .iter()
            .filter(|u| !u.disabled)
            .find(|u| {
                u.memberships
                    .iter()
                    .any(|m| m.account == *account && !m.disabled && !m.roles.is_empty())
            })
            .map(|u| u.id.clone())
    };
    let candidates = std::iter::once((probe.account.clone(), probe.user.clone())).chain(
        dataset
            .accounts
            .iter()
            .take(FALLBACK_ACCOUNTS)
            .filter_map(|a| Some((a.id.clone(), user_at(&a.id)?))),
    );
    let mut chosen = None;
    for (account, user) in candidates {
        let n = sheet(&snapshot, &account, &user).len();
        if n == catalogue {
            chosen = Some((account, user));
            break;
        }
        eprintln!("account {account} sees {n} of {catalogue} SKUs: trying another");
    }
    let (account, user) = chosen.expect("an account sees the whole active catalogue");
    drop(dataset);

    let lines = sheet(&snapshot, &account, &user);
    let n = lines.len();
    let priced = lines
        .iter()
        .filter(|l| matches!(l.outcome, Outcome::Priced(_)))
        .count();
    let public = lines
        .iter()
        .filter(|l| {
            matches!(&l.outcome, Outcome::Priced(p)
                if p.source.as_ref().unwrap().list.as_str().starts_with("public-"))
        })
        .count();
    drop(lines);
    eprintln!(
        "size {size}: sheet of account {account} for user {user}: {n} lines (whole catalogue), {priced} priced, {} from other lists than the public one",
        priced - public,
    );

    let mut group = c.benchmark_group("price_sheet");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("whole_catalogue", |b| {
        b.iter_with_large_drop(|| sheet(black_box(&snapshot), &account, &user))
    });
    group.finish();

    // The lean sheet: the same verdicts without explanations.
    let mut group = c.benchmark_group("quote_sheet");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("whole_catalogue", |b| {
        b.iter_with_large_drop(|| {
            black_box(&snapshot)
                .quote_sheet(&account, &user, generate::AT, 1)
                .expect("known account and user")
                .collect::<Result<Vec<_>, _>>()
                .expect("no overflow")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
