//! `Specificity` orders as the rules state (SEMANTICS S5): the account, its ancestors nearest
//! first, its segments (all equally specific), everyone. Ids never order two scopes.
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

use tradeterms::Specificity;

fn ancestor(distance: u32, account: &str) -> Specificity {
    Specificity::Ancestor {
        distance,
        account: account.into(),
    }
}

#[test]
fn levels_order_from_the_account_outward() {
    let chain = [
        Specificity::Account,
        ancestor(1, "parent"),
        ancestor(2, "grandparent"),
        Specificity::Segment("key-accounts".into()),
        Specificity::Everyone,
    ];
    for (i, a) in chain.iter().enumerate() {
        for (j, b) in chain.iter().enumerate() {
            assert_eq!(a.partial_cmp(b), Some(i.cmp(&j)), "{a} vs {b}");
        }
    }
}

#[test]
fn segments_are_equally_specific_whatever_their_ids() {
    let (a, b) = (
        Specificity::Segment("aaa".into()),
        Specificity::Segment("zzz".into()),
    );
    assert_eq!(a.partial_cmp(&b), None);
    assert_eq!(b.partial_cmp(&a), None);
    assert_ne!(a, b);
    assert_eq!(a.rank(), b.rank());
    assert_eq!(a.partial_cmp(&a.clone()), Some(std::cmp::Ordering::Equal));
    // Still more specific than everyone, less than any ancestor.
    assert!(a < Specificity::Everyone && ancestor(9, "x") < a);
}

#[test]
fn an_ancestor_orders_by_distance_not_by_id() {
    assert!(ancestor(1, "zzz") < ancestor(2, "aaa"));
    assert_eq!(ancestor(1, "a").partial_cmp(&ancestor(1, "b")), None);
}
