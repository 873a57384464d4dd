//! Invariants of resolution over generated datasets (`tests/common`): facts every answer must
//! satisfy, checked without re-computing the answer.
//!
//! Each property runs proptest's default number of cases (256, or `PROPTEST_CASES`); failures
//! are shrunk and printed, not persisted.
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
mod reference;

use common::RawQuery;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config as ProptestConfig;
use tradeterms::{
    AccountData, AccountId, Dataset, Decimal, Grant, Inheritance, MembershipData, Outcome,
    PriceFallback, PriceListData, PricePolicy, Priced, Query, Reach, Refusal, RoleName, Scope,
    Specificity, TierMode, UserData,
};

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn queries(n: usize) -> impl Strategy<Value = Vec<RawQuery>> {
    prop::collection::vec(common::raw_query(), n)
}

fn find_list<'d>(ds: &'d Dataset, id: &str) -> &'d PriceListData {
    ds.price_lists.iter().find(|l| l.id.as_str() == id).unwrap()
}

/// The tiers' minimum quantities of the entry `list` prices `sku` with (relative lists derive
/// their tiers from their absolute base).
fn tier_min_qtys(ds: &Dataset, list: &str, sku: &str) -> Vec<u64> {
    let l = absolute_base(ds, list);
    let entry = l.entries.iter().find(|e| e.sku.as_str() == sku).unwrap();
    entry
        .tiers
        .iter()
        .map(|t| t.min_qty.to_u64().unwrap())
        .collect()
}

/// The price fallback in force for an account: the nearest set on it or an ancestor.
fn effective_fallback(ds: &Dataset, account: &AccountId) -> PriceFallback {
    let mut cur = ds.accounts.iter().find(|a| a.id == *account);
    for _ in 0..=ds.accounts.len() {
        let Some(a) = cur else { break };
        if let Some(f) = a.price_fallback {
            return f;
        }
        cur = a
            .parent
            .as_ref()
            .and_then(|p| ds.accounts.iter().find(|x| x.id == *p));
    }
    PriceFallback::Everyone
}

/// The absolute list a list derives its tiers from (itself when absolute).
fn absolute_base<'d>(ds: &'d Dataset, list: &str) -> &'d PriceListData {
    let mut l = find_list(ds, list);
    while let Some(rel) = &l.relative {
        l = find_list(ds, rel.base.as_str());
    }
    l
}

fn priced(outcome: &Outcome) -> Option<&Priced> {
    match outcome {
        Outcome::Priced(p) => Some(p),
        _ => None,
    }
}

proptest! {
    #![proptest_config(config())]

    /// The answer does not depend on the order of anything in the input: every vector of the
    /// dataset shuffled gives byte-identical JSON answers.
    #[test]
    fn answers_do_not_depend_on_input_order(
        ds in common::dataset(),
        seed in any::<u64>(),
        qs in queries(30),
    ) {
        let shuffled = common::shuffle_dataset(&ds, seed);
        let a = common::build(&ds);
        let b = common::build(&shuffled);
        for raw in &qs {
            let q = raw.query(&ds);
            let ja = serde_json::to_string(&a.resolve(&q).unwrap()).unwrap();
            let jb = serde_json::to_string(&b.resolve(&q).unwrap()).unwrap();
            prop_assert_eq!(ja, jb, "query {:?}", q);
        }
    }

    /// Volume mode prices every unit at the highest tier whose min_qty <= qty; graduated mode
    /// has one slice per tier reached and its units sum to qty. Each slice's amount is its
    /// units times its unit price.
    #[test]
    fn tiers_are_chosen_and_sliced_correctly(ds in common::dataset(), qs in queries(40)) {
        let snapshot = common::build(&ds);
        for raw in &qs {
            let q = raw.query(&ds);
            let r = snapshot.resolve(&q).unwrap();
            let Some(p) = priced(&r.outcome) else { continue };
            // The tiers, and so their mode, are the absolute base's (SEMANTICS T7).
            let base = absolute_base(&ds, p.source.as_ref().unwrap().list.as_str());
            prop_assert_eq!(p.price.tier_mode, base.tier_mode);
            let mins = tier_min_qtys(&ds, p.source.as_ref().unwrap().list.as_str(), q.sku.as_str());
            let reached: Vec<u64> = mins.iter().copied().filter(|&m| q.qty >= m).collect();
            prop_assert!(!reached.is_empty(), "priced below the first tier: {:?}", q);
            for s in &p.price.slices {
                prop_assert_eq!(s.amount, s.unit_price * Decimal::from(s.units));
            }
            match p.price.tier_mode {
                TierMode::Volume => {
                    prop_assert_eq!(p.price.slices.len(), 1);
                    let s = &p.price.slices[0];
                    prop_assert_eq!(s.min_qty, *reached.iter().max().unwrap());
                    prop_assert_eq!(s.units, q.qty);
                }
                TierMode::Graduated => {
                    let units: tradeterms::Quantity = p.price.slices.iter().map(|s| s.units).sum();
                    prop_assert_eq!(units, q.qty, "slices {:?}", p.price.slices);
                    let slice_mins: Vec<u64> =
                        p.price.slices.iter().map(|s| s.min_qty.to_u64().unwrap()).collect();
                    prop_assert_eq!(slice_mins, reached);
                    prop_assert!(p.price.slices.iter().all(|s| s.units > 0));
                }
                _ => unreachable!("a variant this test does not know yet"),
            }
        }
    }

    /// The same with fractional quantities (SEMANTICS U6-U8): volume prices the whole decimal
    /// quantity at the highest tier reached; graduated slices, counted in the SKU's steps, sum
    /// to the quantity, each a whole number of steps; every amount is units x unit price,
    /// exact; a query finer than the SKU's precision is `QuantityTooPrecise` and nothing else.
    #[test]
    fn tiers_slice_fractional_quantities_in_steps(
        ds in common::dataset_with(common::Switches { fractional: true, ..common::Switches::pricing() }),
        qs in queries(40),
    ) {
        let snapshot = common::build(&ds);
        for raw in &qs {
            let q = raw.query(&ds);
            let sku = ds.catalog.iter().find(|s| s.sku == q.sku).unwrap();
            let step = Decimal::new(1, sku.quantity_decimals);
            let within = (q.qty.as_decimal() / step).fract().is_zero();
            let r = match snapshot.resolve(&q) {
                Ok(r) => r,
                Err(tradeterms::ResolveError::QuantityTooPrecise { sku: s, decimals, .. }) => {
                    prop_assert!(!within, "{:?}", q);
                    prop_assert_eq!((s, decimals), (q.sku.clone(), sku.quantity_decimals));
                    continue;
                }
                Err(e) => return Err(TestCaseError::fail(format!("{q:?}: {e}"))),
            };
            // Denied and hidden SKUs answer whatever the quantity; a priced one is within it.
            let Some(p) = priced(&r.outcome) else { continue };
            prop_assert!(within, "{:?}", q);
            let base = absolute_base(&ds, p.source.as_ref().unwrap().list.as_str());
            let entry = base.entries.iter().find(|e| e.sku == q.sku).unwrap();
            let reached: Vec<Decimal> = entry
                .tiers
                .iter()
                .map(|t| t.min_qty.as_decimal())
                .filter(|m| *m <= q.qty.as_decimal())
                .collect();
            prop_assert!(!reached.is_empty(), "priced below the first tier: {:?}", q);
            for s in &p.price.slices {
                prop_assert_eq!(s.amount, s.unit_price * s.units.as_decimal());
                prop_assert!((s.units.as_decimal() / step).fract().is_zero());
            }
            match p.price.tier_mode {
                TierMode::Volume => {
                    let s = &p.price.slices[0];
                    prop_assert_eq!(s.min_qty.as_decimal(), *reached.iter().max().unwrap());
                    prop_assert_eq!(s.units, q.qty);
                }
                TierMode::Graduated => {
                    let units: tradeterms::Quantity = p.price.slices.iter().map(|s| s.units).sum();
                    prop_assert_eq!(units, q.qty, "slices {:?}", p.price.slices);
                    let mins: Vec<Decimal> =
                        p.price.slices.iter().map(|s| s.min_qty.as_decimal()).collect();
                    prop_assert_eq!(mins, reached);
                }
                _ => unreachable!("a variant this test does not know yet"),
            }
        }
    }

    /// Under lowest_price no eligible candidate is cheaper than the winner, every candidate
    /// ahead of the winner that is eligible is strictly dearer (ties go to the earliest), a
    /// `HigherPrice` loser reports its own, larger, amount and a `LowerPrecedence` loser costs
    /// exactly as much as the winner.
    #[test]
    fn lowest_price_wins(
        ds in common::dataset_with_policy(PricePolicy::LowestPrice),
        qs in queries(40),
    ) {
        let snapshot = common::build(&ds);
        for raw in &qs {
            let q = raw.query(&ds);
            let r = snapshot.resolve(&q).unwrap();
            let Some(p) = priced(&r.outcome) else { continue };
            prop_assert_eq!(p.policy, PricePolicy::LowestPrice);
            let best = p.price.exact_amount;
            let amounts = reference::candidate_amounts(&ds, &q);
            prop_assert_eq!(amounts.len(), p.candidates.len());
            let mut before_winner = true;
            for (c, (id, amount)) in p.candidates.iter().zip(&amounts) {
                prop_assert_eq!(c.assignment.as_str(), id.as_str());
                if let Some(amount) = amount {
                    prop_assert!(*amount >= best, "{} is cheaper than the winner: {:?}", id, q);
                    if before_winner && c.assignment != p.source.as_ref().unwrap().assignment {
                        prop_assert!(*amount > best, "{} ties and precedes the winner", id);
                    }
                }
                match &c.status {
                    tradeterms::CandidateStatus::Won => {
                        prop_assert_eq!(&c.assignment, &p.source.as_ref().unwrap().assignment);
                        before_winner = false;
                    }
                    tradeterms::CandidateStatus::HigherPrice { amount: a, winner } => {
                        prop_assert!(*a > best);
                        prop_assert_eq!(Some(*a), *amount);
                        prop_assert_eq!(winner, &p.source.as_ref().unwrap().assignment);
                    }
                    tradeterms::CandidateStatus::LowerPrecedence { winner } => {
                        prop_assert_eq!(Some(best), *amount);
                        prop_assert_eq!(winner, &p.source.as_ref().unwrap().assignment);
                    }
                    _ => prop_assert!(amount.is_none()),
                }
            }
        }
    }

    /// A fresh child of P with nothing of its own (no account/subtree scope names it, in no
    /// segment, P's currency, inheriting price lists, no policy) gets exactly P's answer when
    /// P's own-level assignments are all subtree-scoped, P is in no segment and P's price search
    /// goes at least as far as its tree (the child inherits it, and `own` would stop the child
    /// at its own, empty, level: SEMANTICS S10): same price, same winner, same candidates with
    /// the same statuses, one level further away.
    #[test]
    fn childless_descendant_inherits_parent_price(
        ds in common::dataset(),
        parent in any::<Index>(),
        qs in queries(40),
    ) {
        let mut ds = ds;
        let p = ds.accounts[parent.index(ds.accounts.len())].id.clone();
        for s in &mut ds.segments {
            s.accounts.retain(|a| *a != p);
        }
        for a in &mut ds.assignments {
            if a.scope == Scope::Account(p.clone()) {
                a.scope = Scope::Subtree(p.clone());
            }
        }
        if effective_fallback(&ds, &p) == PriceFallback::Own {
            ds.accounts.iter_mut().find(|a| a.id == p).unwrap().price_fallback =
                Some(PriceFallback::Tree);
        }
        let child = AccountId::new("fresh-child");
        let currency = ds.accounts.iter().find(|a| a.id == p).unwrap().currency.clone();
        ds.accounts.push(AccountData::new(child.clone(), "Fresh child", currency).with_parent(p.clone()).with_inherit(Inheritance::default()));
        ds.users.push(UserData::new("probe", "Probe").with_disabled(false).with_memberships(vec![MembershipData::new(p.clone(), vec![RoleName::new("admin")]).with_reach(Reach::Subtree).with_disabled(false).with_spending_limits(Vec::new())]));
        let ds = common::ensure_builds(ds, 0);
        let snapshot = common::build(&ds);
        for raw in &qs {
            let q = raw.query(&ds);
            let at_parent = q.clone().with_account(p.clone()).with_user("probe");
            let at_child = at_parent.clone().with_account(child.clone());
            let rp = snapshot.resolve(&at_parent).unwrap();
            let rc = snapshot.resolve(&at_child).unwrap();
            prop_assert_eq!(
                std::mem::discriminant(&rp.outcome),
                std::mem::discriminant(&rc.outcome)
            );
            if let (Some(pp), Some(pc)) = (priced(&rp.outcome), priced(&rc.outcome)) {
                prop_assert_eq!(&pp.price, &pc.price);
                prop_assert_eq!(&pp.source.as_ref().unwrap().assignment, &pc.source.as_ref().unwrap().assignment);
                prop_assert_eq!(&pp.source.as_ref().unwrap().list, &pc.source.as_ref().unwrap().list);
                prop_assert_eq!(pp.policy, pc.policy);
            }
            let (cp, cc) = (rp.outcome.candidates(), rc.outcome.candidates());
            prop_assert_eq!(cp.len(), cc.len());
            for (a, b) in cp.iter().zip(cc) {
                prop_assert_eq!(&a.assignment, &b.assignment);
                prop_assert_eq!(&a.status, &b.status);
                let shifted = match &a.specificity {
                    Specificity::Account => Specificity::Ancestor { distance: 1, account: p.clone() },
                    Specificity::Ancestor { distance, account } => Specificity::Ancestor {
                        distance: distance + 1,
                        account: account.clone(),
                    },
                    other => other.clone(),
                };
                prop_assert_eq!(&b.specificity, &shifted);
            }
        }
    }

    /// An enabled user with no enabled membership reaching the account (none at it, none with
    /// subtree reach at an ancestor) is denied as not entitled, with no candidates and every
    /// permission refused for that reason.
    #[test]
    fn unreached_user_is_not_entitled(ds in common::dataset(), sku in any::<Index>()) {
        let snapshot = common::build(&ds);
        let sku = ds.catalog[sku.index(ds.catalog.len())].sku.clone();
        let at = common::ts(common::QUERY_INSTANTS[5]);
        for user in ds.users.iter().filter(|u| !u.disabled) {
            for account in &ds.accounts {
                let ancestors = reference::ancestors(&ds, account.id.as_str());
                let reached = user.memberships.iter().any(|m| {
                    !m.disabled
                        && (m.account == account.id
                            || (m.reach == Reach::Subtree
                                && ancestors.iter().any(|a| a == m.account.as_str())))
                });
                if reached {
                    continue;
                }
                let q = Query::new(account.id.clone(), user.id.clone(), sku.clone(), 5, at);
                let r = snapshot.resolve(&q).unwrap();
                prop_assert!(
                    matches!(r.outcome, Outcome::Denied(Refusal::NotEntitled)),
                    "{:?} -> {:?}", q, r.outcome
                );
                prop_assert!(r.outcome.candidates().is_empty());
                prop_assert!(r.visibility.is_none());
                for g in [&r.access.view_catalog, &r.access.view_prices, &r.access.buy, &r.access.request_quote] {
                    prop_assert_eq!(g, &Grant::Refused(Refusal::NotEntitled));
                }
            }
        }
    }

    /// The rounded amount is the exact amount rounded to the currency's minor units (and
    /// within half a minor unit of it), and the exact amount is the sum of the slices.
    #[test]
    fn amounts_are_consistent(ds in common::dataset(), qs in queries(40)) {
        let snapshot = common::build(&ds);
        for raw in &qs {
            let q = raw.query(&ds);
            let r = snapshot.resolve(&q).unwrap();
            let Some(p) = priced(&r.outcome) else { continue };
            let price = &p.price;
            prop_assert_eq!(price.amount, price.currency.round(price.exact_amount));
            let sum: Decimal = price.slices.iter().map(|s| s.amount).sum();
            prop_assert_eq!(price.exact_amount, sum);
            let minor = price.currency.minor_units();
            prop_assert_eq!(price.amount.scale(), minor);
            let half = Decimal::new(5, minor + 1);
            prop_assert!((price.amount - price.exact_amount).abs() <= half);
            prop_assert!(!price.amount.is_sign_negative() || price.amount.is_zero());
        }
    }

    /// A denied or price-hidden answer reveals nothing about prices: its JSON names no price
    /// list and no assignment of the dataset and has no candidates.
    #[test]
    fn refusals_reveal_no_lists(ds in common::dataset(), qs in queries(40)) {
        let snapshot = common::build(&ds);
        let markers: Vec<String> = ds
            .price_lists
            .iter()
            .map(|l| l.id.to_string())
            .chain(ds.assignments.iter().map(|a| a.id.to_string()))
            .collect();
        for raw in &qs {
            let q = raw.query(&ds);
            let r = snapshot.resolve(&q).unwrap();
            if !matches!(r.outcome, Outcome::Denied(_) | Outcome::PriceHidden(_)) {
                continue;
            }
            let json = serde_json::to_string(&r).unwrap();
            for m in &markers {
                prop_assert!(!json.contains(m.as_str()), "{} leaks in {}", m, json);
            }
            // Every list id contains `plist` and every assignment id `asg`; nothing else does.
            prop_assert!(!json.contains("plist") && !json.contains("asg"), "{}", json);
            prop_assert!(!json.contains("candidates") && !json.contains("unit_price"));
        }
    }
}

/// A deterministic spot check of the shuffle helper itself: it really permutes.
#[test]
fn shuffle_permutes() {
    let mut v: Vec<u32> = (0..20).collect();
    common::Rng::new(7).shuffle(&mut v);
    assert_ne!(v, (0..20).collect::<Vec<_>>());
    v.sort();
    assert_eq!(v, (0..20).collect::<Vec<_>>());
}
