//! Structured (`arbitrary`) datasets and changesets: every generated dataset is built, every
//! changeset applied, then queries run on both versions, the impact between them is computed and
//! the inverse is applied. Nothing may panic; a rejected build or changeset is fine.
//!
//! The data also carries a segment whose predicate is nested as deep as the input says (up to
//! 10,000 levels, built in Rust where JSON would stop at 128): deeper than 64 must be refused
//! at build, never overflow the stack. Queries and orders are asked for both audiences; a buyer
//! answer must decide as the operator's and name no assignment. Some assignments are scoped to
//! guests, and every query is also asked as a guest on the web channel (which shows guests
//! prices) and without a channel: a guest's answer is always a buyer's, and without a channel a
//! visible SKU is never priced.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tradeterms::{
    AccountData, AssignmentData, Audience, Changeset, ChannelData, Context, Currency, Dataset,
    Entity, EntityRef, EntryData, GuestQuery, ImpactOptions, MembershipData, Op, Order, OrderLine,
    Outcome, PriceListData, PricePolicy, Query, QuoteOutcome, Reach, Scope, SkuData, Snapshot,
    TierData, TierMode, Timestamp, UserData,
};

#[derive(Arbitrary, Debug)]
struct Input {
    parents: Vec<Option<u8>>,
    skus: u8,
    lists: Vec<(bool, bool, Vec<(u8, Vec<(u8, i64, u8)>)>)>,
    assignments: Vec<(u8, u8, u8, i16)>,
    memberships: Vec<(u8, bool, u8)>,
    ops: Vec<(u8, u8, u8, i64)>,
    queries: Vec<(u8, u8, u16, bool)>,
    /// Nesting depth of the segment predicate.
    depth: u16,
}

fn id(prefix: &str, i: u8) -> String {
    format!("{prefix}{i}")
}

fn dataset(input: &Input) -> Dataset {
    let n = input.parents.len().clamp(1, 20);
    let mut d = Dataset::default();
    for (i, p) in input.parents.iter().take(n).enumerate() {
        d.accounts.push({
            let mut v = AccountData::new(
                format!("a{i}"),
                String::new(),
                if i % 5 == 4 { "EUR" } else { "USD" },
            );
            v.parent = p.map(|p| id("a", p % 24).into());
            v.price_policy = (i % 3 == 1).then_some(PricePolicy::LowestPrice);
            v
        });
    }
    for s in 0..input.skus.min(16) {
        d.catalog.push(
            SkuData::new(id("s", s), String::new()).with_categories(vec![format!("c/{}", s % 3)]),
        );
    }
    for (l, (graduated, eur, entries)) in input.lists.iter().take(8).enumerate() {
        d.price_lists.push(
            PriceListData::new(
                format!("l{l}"),
                String::new(),
                "o",
                if *eur { "EUR" } else { "USD" },
            )
            .with_tier_mode(if *graduated {
                TierMode::Graduated
            } else {
                TierMode::Volume
            })
            .with_entries(
                entries
                    .iter()
                    .take(16)
                    .map(|(sku, tiers)| {
                        EntryData::new(
                            id("s", *sku % 18),
                            tiers
                                .iter()
                                .take(4)
                                .map(|&(min, cents, scale)| {
                                    TierData::new(
                                        u64::from(min),
                                        tradeterms::Decimal::new(cents, u32::from(scale % 29)),
                                    )
                                })
                                .collect(),
                        )
                    })
                    .collect(),
            ),
        );
    }
    for (k, &(list, scope, target, priority)) in input.assignments.iter().take(12).enumerate() {
        d.assignments.push(
            AssignmentData::new(
                format!("as{k}"),
                id("l", list % 9),
                match scope % 4 {
                    0 => Scope::Everyone,
                    3 => Scope::Guests,
                    1 => Scope::Account(id("a", target % 24).into()),
                    _ => Scope::Subtree(id("a", target % 24).into()),
                },
            )
            .with_priority(i32::from(priority)),
        );
    }
    d.channels
        .push(ChannelData::new("web", String::new()).with_guest_prices(true));
    // A segment rule nested `depth` deep: Not(Not(...(tier = 1)...)).
    let mut rule = tradeterms::Predicate::Eq(tradeterms::AttrCmp {
        attr: "tier".into(),
        value: tradeterms::AttrValue::Number(1.into()),
    });
    for _ in 0..input.depth % 10_001 {
        rule = tradeterms::Predicate::Not(Box::new(rule));
    }
    if let Some(first) = d.accounts.first_mut() {
        first
            .attributes
            .insert("tier".into(), tradeterms::AttrValue::Number(1.into()));
    }
    d.segments.push(
        tradeterms::SegmentData::new("deep", String::new())
            .with_accounts(Vec::new())
            .with_rule(rule),
    );
    d.users.push(
        UserData::new("u", String::new()).with_memberships(
            input
                .memberships
                .iter()
                .take(8)
                .map(|&(a, subtree, role)| {
                    MembershipData::new(
                        id("a", a % 24),
                        vec![["buyer", "viewer", "admin", "nobody"][usize::from(role % 4)].into()],
                    )
                    .with_reach(if subtree {
                        Reach::Subtree
                    } else {
                        Reach::Account
                    })
                })
                .collect(),
        ),
    );
    d
}

fn ops(input: &Input) -> Vec<Op> {
    input
        .ops
        .iter()
        .take(6)
        .map(|&(kind, a, b, cents)| match kind % 4 {
            0 => Op::SetEntry {
                list: id("l", a % 9).into(),
                entry: EntryData::new(
                    id("s", b % 18),
                    vec![TierData::new(1, tradeterms::Decimal::new(cents, 2))],
                ),
            },
            1 => Op::Remove(EntityRef::Entry {
                list: id("l", a % 9).into(),
                sku: id("s", b % 18).into(),
                unit: None,
            }),
            2 => Op::Remove(EntityRef::Assignment(id("as", a % 13).into())),
            _ => Op::Upsert(Entity::Account({
                let mut v = AccountData::new(id("a", a % 24), String::new(), "USD");
                v.parent = (b % 2 == 0).then(|| id("a", b % 24).into());
                v
            })),
        })
        .collect()
}

fuzz_target!(|input: Input| {
    let d = dataset(&input);
    let Ok(v1) = Snapshot::from_dataset(&d) else {
        return;
    };
    let at = Timestamp::UNIX_EPOCH;
    let change = Changeset::new("c", "f", "fuzz", at, 1).with_ops(ops(&input));
    let v2 = v1.apply(&change).ok();
    // Built despite the deep predicate only if it is within the limit.
    // 63 `not`s and the comparison are 64 levels, the most accepted.
    let depth = input.depth % 10_001;
    assert!(
        depth < 64,
        "a predicate {} levels deep was accepted",
        depth + 1
    );
    let mut lines = Vec::new();
    for &(a, s, qty, buyer) in input.queries.iter().take(16) {
        let q = Query::new(
            id("a", a % 24).as_str(),
            "u",
            id("s", s % 18).as_str(),
            u64::from(qty),
            at,
        );
        for snap in std::iter::once(&v1).chain(v2.as_ref()) {
            if let Ok(r) = snap.resolve(&q)
                && let Some(p) = r.outcome.price()
            {
                assert_eq!(p.amount, p.currency.round(p.exact_amount));
            }
            if buyer {
                let operator = snap.resolve(&q);
                let seen = snap.resolve(&q.clone().with_audience(Audience::Buyer));
                match (operator, seen) {
                    (Ok(o), Ok(b)) => {
                        assert_eq!(
                            o.outcome.price().map(|p| p.amount),
                            b.outcome.price().map(|p| p.amount)
                        );
                        if let Outcome::Priced(p) = &b.outcome {
                            assert!(p.source.is_none() && p.candidates.is_empty());
                        }
                    }
                    (Err(a), Err(b)) => assert_eq!(a, b),
                    (o, b) => panic!("the audience changed the decision: {o:?} vs {b:?}"),
                }
            }
        }
        let Some(usd) = Currency::from_code("USD") else {
            return;
        };
        for (context, priced) in [
            (Context::default().channel("web").currency(usd), true),
            (Context::default().currency(usd), false),
        ] {
            let guest = GuestQuery::new(id("s", s % 18), u64::from(qty), at).context(context);
            for snap in std::iter::once(&v1).chain(v2.as_ref()) {
                if let Ok(r) = snap.resolve_guest(&guest) {
                    if let Outcome::Priced(p) = &r.outcome {
                        assert!(priced, "a guest without a channel was priced");
                        assert!(p.source.is_none() && p.candidates.is_empty());
                    }
                }
                if let Ok(q) = snap.quote_guest(&guest) {
                    assert!(!matches!(
                        q.outcome,
                        QuoteOutcome::Priced {
                            assignment: Some(_),
                            ..
                        }
                    ));
                }
            }
        }
        lines.push(OrderLine::new(id("s", s % 18), u64::from(qty)));
    }
    if !lines.is_empty() {
        let order = Order::new("a0", "u", at, lines);
        let operator = v1.resolve_order(&order);
        let buyer = v1.resolve_order(&order.with_audience(Audience::Buyer));
        assert_eq!(
            operator.as_ref().map(|a| a.subtotal).ok(),
            buyer.as_ref().map(|a| a.subtotal).ok()
        );
        if let Ok(b) = buyer {
            assert!(b.approval.steps.iter().all(|s| s.policy.is_none()));
        }
    }
    if let Some(v2) = v2 {
        let _ = v1.impact(&v2, &ImpactOptions::at(at));
        let _ = v2.apply(&change.inverse(&v1));
    }
});
