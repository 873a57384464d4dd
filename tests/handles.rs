//! Queries by handles answer exactly as queries by ids, and a handle is refused by a snapshot
//! whose table it does not index.
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

use tradeterms::generate::{self, Size, Spec};
use tradeterms::{
    Audience, Changeset, Dataset, EntityKind, EntryData, HandleQuery, Op, Query, QuoteOutcome,
    ResolveError, Snapshot, TierData, Timestamp,
};

fn by_handles<'s>(s: &'s Snapshot, q: &Query) -> HandleQuery<'s> {
    HandleQuery::new(
        s.account_handle(q.account.as_str()).unwrap(),
        s.user_handle(q.user.as_str()).unwrap(),
        s.sku_handle(q.sku.as_str()).unwrap(),
        q.qty,
        q.at,
    )
    .with_audience(q.audience)
}

/// Every query of the three generated mixes, for both audiences: `quote_by` agrees with `quote`
/// and `resolve_by` with `resolve`, error or answer.
#[test]
fn handles_answer_as_ids_do_on_generated_data() {
    for seed in 0..3 {
        let dataset = generate::dataset(&Spec::for_size(Size::Small), seed);
        let snapshot = Snapshot::from_dataset(&dataset).unwrap();
        let mut queries = generate::queries(&dataset, 300, seed);
        queries.extend(generate::contract_queries(&dataset, 300, seed));
        queries.extend(generate::lowest_price_queries(&dataset, 300, seed));
        // Some users asking for accounts they do not reach, and a quantity of zero.
        let users: Vec<_> = queries.iter().map(|q| q.user.clone()).collect();
        for (i, q) in queries.clone().iter().enumerate().take(100) {
            let mut other = q.clone();
            other.user = users[(i * 7 + 3) % users.len()].clone();
            queries.push(other);
        }
        queries.push(queries[0].clone().with_qty(0u64));
        for q in queries {
            for audience in [Audience::Operator, Audience::Buyer] {
                let q = q.clone().with_audience(audience);
                let h = by_handles(&snapshot, &q);
                assert_eq!(snapshot.quote_by(&h), snapshot.quote(&q), "{q:?}");
                assert_eq!(snapshot.resolve_by(&h), snapshot.resolve(&q), "{q:?}");
            }
        }
    }
}

fn demo() -> Dataset {
    serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap()
}

fn at() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn changeset(id: &str, ops: Vec<Op>) -> Changeset {
    Changeset::new(id, "maria@seller.example", "test", at(), 1).with_ops(ops)
}

#[test]
fn a_handle_of_another_build_is_refused_by_kind() {
    let a = Snapshot::from_dataset(&demo()).unwrap();
    let b = Snapshot::from_dataset(&demo()).unwrap();
    let q = Query::new("abb-north", "john", "DRILL-18V", 2, at());
    let ha = by_handles(&a, &q);
    let hb = by_handles(&b, &q);
    // The same ids, another snapshot: equal answers by id, refused handles.
    assert_eq!(a.quote(&q), b.quote(&q));
    assert_eq!(
        a.quote_by(&ha.with_account(hb.account)),
        Err(ResolveError::ForeignHandle(EntityKind::Account))
    );
    assert_eq!(
        a.resolve_by(&ha.with_user(hb.user)),
        Err(ResolveError::ForeignHandle(EntityKind::User))
    );
    assert_eq!(
        a.quote_by(&ha.with_sku(hb.sku)),
        Err(ResolveError::ForeignHandle(EntityKind::Sku))
    );
    // Checked before the quantity.
    assert_eq!(
        a.quote_by(&ha.with_sku(hb.sku).with_qty(0)),
        Err(ResolveError::ForeignHandle(EntityKind::Sku))
    );
    // A clone is the same snapshot.
    let clone = a.clone();
    assert_eq!(clone.quote_by(&ha).unwrap(), a.quote(&q).unwrap());
    assert_eq!(
        ResolveError::ForeignHandle(EntityKind::Sku).to_string(),
        "the SKU handle was taken from another snapshot: take it again from the snapshot you ask"
    );
}

#[test]
fn handles_survive_a_price_change_but_not_a_new_sku() {
    let v1 = Snapshot::from_dataset(&demo()).unwrap();
    let q = Query::new("abb-north", "john", "SCREW-100", 200, at());
    let h = by_handles(&v1, &q);
    let v2 = v1
        .apply(&changeset(
            "price",
            vec![Op::SetEntry {
                list: "wholesale-usd".into(),
                entry: EntryData::new(
                    "SCREW-100",
                    vec![TierData::new(1u64, "1.23".parse().unwrap())],
                ),
            }],
        ))
        .unwrap();
    assert_ne!(v1.quote(&q).unwrap(), v2.quote(&q).unwrap());
    assert_eq!(v2.quote_by(&h).unwrap(), v2.quote(&q).unwrap());
    assert_eq!(v2.resolve_by(&h).unwrap(), v2.resolve(&q).unwrap());
    assert!(matches!(
        v2.quote_by(&h).unwrap().outcome,
        QuoteOutcome::Priced { .. }
    ));

    // A new SKU rebuilds the catalogue: SKU handles of version 1 are refused, the others kept
    // only if their tables were (here the whole snapshot is rebuilt).
    let v3 = v1
        .apply(&changeset(
            "sku",
            vec![Op::Upsert(tradeterms::Entity::Sku(
                tradeterms::SkuData::new("NEW-1", "New"),
            ))],
        ))
        .unwrap();
    assert_eq!(
        v3.quote_by(
            &h.with_account(by_handles(&v3, &q).account)
                .with_user(by_handles(&v3, &q).user)
        ),
        Err(ResolveError::ForeignHandle(EntityKind::Sku))
    );
    let h3 = by_handles(&v3, &q);
    assert_eq!(v3.quote_by(&h3).unwrap(), v3.quote(&q).unwrap());
}

#[test]
fn no_handle_for_an_id_the_snapshot_lacks() {
    let s = Snapshot::from_dataset(&demo()).unwrap();
    assert!(s.account_handle("no-such-account").is_none());
    assert!(s.user_handle("nobody").is_none());
    assert!(s.sku_handle("NO-SUCH-SKU").is_none());
    // A hidden SKU has a handle (a host's tool), and is answered as not visible.
    let q = Query::new("abb-east", "john", "SAW-CIRC", 1, at());
    let h = by_handles(&s, &q);
    assert_eq!(s.quote_by(&h).unwrap().outcome, QuoteOutcome::NotVisible);
    assert_eq!(s.quote_by(&h), s.quote(&q));
}
