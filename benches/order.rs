//! `Snapshot::resolve_order` latency: one 20-line order for an entitled buyer.
//!
//! ```text
//! TRADETERMS_BENCH_SIZE=medium cargo bench --bench order -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! `TRADETERMS_BENCH_SIZE` is `small` (default, so `cargo bench` stays quick), `medium` or
//! `large`. The snapshot is built once. The order is fixed and deterministic:
//!
//! - the account is the probe account (`generate::probe_query`: the deepest account with its own
//!   always-valid contract list), so lines go through contract lists as well as the public one;
//! - the requester is the first enabled user with an enabled `buyer` membership at that account
//!   (the generator always gives each account one);
//! - the 20 lines are 20 distinct SKUs: up to 10 from the price lists assigned to the account
//!   itself (contract-priced lines), the rest from `generate::queries`, with the quantities of
//!   those queries (1 to 250), at `generate::AT`.
//!
//! Benchmark `resolve_order/20_lines`: the whole answer (every line explained, subtotal,
//! blockers, approval chain, payment), answer dropped inside the measured time.
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
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::HashSet;
use std::hint::black_box;
use tradeterms::generate::{self, Spec};
use tradeterms::{Order, OrderLine, Outcome, Scope, Sku, Snapshot, UserId};

const LINES: usize = 20;
/// SKUs taken from the account's own lists, at most.
const CONTRACT_LINES: usize = 10;

fn bench(c: &mut Criterion) {
    let size = size();
    let dataset = generate::dataset(&Spec::for_size(size), SEED);
    let snapshot = Snapshot::from_dataset(&dataset).expect("generated data builds");
    let probe = generate::probe_query(&dataset).expect("a probe account exists");
    let account = probe.account.clone();
    let user: UserId = dataset
        .users
        .iter()
        .filter(|u| !u.disabled)
        .find(|u| {
            u.memberships.iter().any(|m| {
                m.account == account && !m.disabled && m.roles.iter().any(|r| r.as_str() == "buyer")
            })
        })
        .map(|u| u.id.clone())
        .expect("the probe account has an enabled buyer");

    // The lists assigned to the account itself (contracts), their SKUs first.
    let own_lists: HashSet<&str> = dataset
        .assignments
        .iter()
        .filter(|a| matches!(&a.scope, Scope::Account(id) | Scope::Subtree(id) if *id == account))
        .map(|a| a.price_list.as_str())
        .collect();
    let mut seen: HashSet<Sku> = HashSet::new();
    let mut skus: Vec<Sku> = dataset
        .price_lists
        .iter()
        .filter(|l| own_lists.contains(l.id.as_str()))
        .flat_map(|l| l.entries.iter().map(|e| e.sku.clone()))
        .filter(|s| seen.insert(s.clone()))
        .take(CONTRACT_LINES)
        .collect();
    let queries = generate::queries(&dataset, 1_000, SEED);
    skus.extend(
        queries
            .iter()
            .map(|q| q.sku.clone())
            .filter(|s| seen.insert(s.clone()))
            .take(LINES - skus.len()),
    );
    assert_eq!(skus.len(), LINES);
    let order = Order::new(
        account.clone(),
        user.clone(),
        generate::AT,
        skus.into_iter()
            .zip(&queries)
            .map(|(sku, q)| OrderLine::new(sku, q.qty))
            .collect(),
    )
    .with_audience(tradeterms::Audience::Operator)
    .with_context(Default::default());
    drop(dataset);

    let answer = snapshot.resolve_order(&order).expect("the order resolves");
    assert!(answer.access.buy.is_allowed(), "the requester may buy");
    let priced = answer
        .lines
        .iter()
        .filter(|l| matches!(l.resolution.outcome, Outcome::Priced(_)))
        .count();
    let contract = answer
        .lines
        .iter()
        .filter(|l| {
            matches!(&l.resolution.outcome, Outcome::Priced(p)
                if !p.source.as_ref().unwrap().list.as_str().starts_with("public-"))
        })
        .count();
    eprintln!(
        "size {size}: order of {} lines for account {account} by buyer {user}: {priced} priced ({contract} not from a public list), subtotal {}, {} blocker(s), {}",
        order.lines.len(),
        answer
            .subtotal
            .map_or("none".to_string(), |m| m.to_string()),
        answer.blockers.len(),
        answer.approval.status,
    );

    let mut group = c.benchmark_group("resolve_order");
    group.bench_function("20_lines", |b| {
        b.iter(|| snapshot.resolve_order(black_box(&order)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
