//! Atomic publish under concurrent readers: every read sees one consistent version, stale
//! changesets are refused rather than lost, and a failed validation publishes nothing.
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

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tradeterms::{
    ApplyError, Changeset, Dataset, Engine, EntryData, Op, Outcome, Query, Snapshot, TierData,
    Timestamp,
};

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

/// Version v prices the hammer at v.00 in the public list and the screws at 2v.00: a reader can
/// check that both prices and the version of one answer set agree.
fn set_prices(version: u64) -> Vec<Op> {
    let entry = |sku: &str, price: u64| Op::SetEntry {
        list: "public-usd".into(),
        entry: EntryData::new(sku, vec![TierData::new(1u64, price.into())]),
    };
    vec![entry("HAMMER-16", version), entry("SCREW-100", 2 * version)]
}

fn changeset(id: String, base: u64, ops: Vec<Op>) -> Changeset {
    Changeset::new(id, "writer", "stress", at(), base).with_ops(ops)
}

#[test]
fn readers_see_one_consistent_version_while_a_writer_publishes() {
    let dataset: Dataset =
        serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap();
    let engine = Arc::new(Engine::new(Snapshot::from_dataset(&dataset).unwrap()));
    // Version 2 establishes the invariant prices.
    assert_eq!(
        engine
            .publish(&changeset("v2".into(), 1, set_prices(2)))
            .unwrap(),
        2
    );

    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let engine = Arc::clone(&engine);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut reads = 0u64;
                let mut last = 0;
                while !stop.load(Ordering::Relaxed) || reads < 100 {
                    let snapshot = engine.snapshot();
                    let v = snapshot.version();
                    assert!(v >= last, "versions never go backwards: {last} then {v}");
                    last = v;
                    // The depot sees the public list directly.
                    let q = |sku: &str| Query::new("abb-west-depot", "john", sku, 1, at());
                    let hammer = snapshot.resolve(&q("HAMMER-16")).unwrap();
                    let saw = snapshot.resolve(&q("SCREW-100")).unwrap();
                    assert_eq!((hammer.version, saw.version), (v, v));
                    let price = |r: &tradeterms::Resolution| match &r.outcome {
                        Outcome::Priced(p) => p.price.exact_amount,
                        other => panic!("{other:?}"),
                    };
                    assert_eq!(
                        price(&hammer),
                        rust_decimal::Decimal::from(v),
                        "hammer at v{v}"
                    );
                    assert_eq!(
                        price(&saw),
                        rust_decimal::Decimal::from(2 * v),
                        "screws at v{v}"
                    );
                    reads += 1;
                }
                reads
            })
        })
        .collect();

    let mut refused_stale = 0;
    for v in 3..=200u64 {
        // A stale changeset (prepared against an older version) is refused, not lost or merged.
        if v % 10 == 0 {
            let stale = changeset(format!("stale-{v}"), v - 2, set_prices(999));
            match engine.publish(&stale) {
                Err(ApplyError::Conflict {
                    base_version,
                    version,
                    ..
                }) => {
                    assert_eq!((base_version, version), (v - 2, v - 1));
                    refused_stale += 1;
                }
                other => panic!("stale changeset not refused: {other:?}"),
            }
            // An invalid one is refused whole: its valid first op is not published either.
            let mut ops = set_prices(v);
            ops.push(Op::SetEntry {
                list: "public-usd".into(),
                entry: EntryData::new("HAMMER-16", vec![TierData::new(0u64, 1.into())]),
            });
            assert!(matches!(
                engine.publish(&changeset(format!("bad-{v}"), v - 1, ops)),
                Err(ApplyError::Invalid { .. })
            ));
            assert_eq!(engine.version(), v - 1);
        }
        assert_eq!(
            engine
                .publish(&changeset(format!("v{v}"), v - 1, set_prices(v)))
                .unwrap(),
            v
        );
    }
    stop.store(true, Ordering::Relaxed);
    let reads: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(reads >= 400);
    assert_eq!(refused_stale, 20);
    assert_eq!(engine.version(), 200);
    assert_eq!(engine.snapshot().change_log().len(), 199);
}

#[test]
fn concurrent_writers_racing_on_one_version_publish_exactly_one() {
    let dataset: Dataset =
        serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap();
    let engine = Arc::new(Engine::new(Snapshot::from_dataset(&dataset).unwrap()));
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                engine
                    .publish(&changeset(format!("w{i}"), 1, set_prices(5 + i)))
                    .is_ok()
            })
        })
        .collect();
    let won = writers
        .into_iter()
        .map(|w| w.join().unwrap())
        .filter(|ok| *ok)
        .count();
    assert_eq!(won, 1);
    assert_eq!(engine.version(), 2);
}
