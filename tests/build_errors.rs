//! One test per class of build error: the exact `BuildProblem` and a message naming the
//! offending ids.
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

use serde_json::{Value, json};
use tradeterms::{BuildError, BuildProblem, Dataset, EntityKind, MAX_DEPTH, Snapshot};

/// A valid dataset each test breaks in one way.
fn base() -> Value {
    json!({
        "accounts": [
            { "id": "hq", "name": "HQ", "currency": "USD" },
            { "id": "store", "name": "Store", "parent": "hq", "currency": "USD" }
        ],
        "roles": [],
        "users": [
            { "id": "ann", "name": "Ann",
              "memberships": [{ "account": "hq", "roles": ["buyer"], "reach": "subtree" }] }
        ],
        "segments": [{ "id": "seg", "name": "Segment", "accounts": ["store"] }],
        "catalog": [
            { "sku": "BOLT", "name": "Bolt", "categories": ["hardware/bolts"] },
            { "sku": "NUT", "name": "Nut", "categories": ["hardware/nuts"] }
        ],
        "price_lists": [
            { "id": "public", "name": "Public", "owner": "pricing", "currency": "USD", "entries": [
                { "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] },
                { "sku": "NUT", "tiers": [{ "min_qty": 1, "unit_price": "0.50" }] }
            ] },
            { "id": "contract", "name": "Contract", "owner": "sales", "currency": "USD", "entries": [
                { "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "0.90" }] }
            ] }
        ],
        "assignments": [
            { "id": "all", "price_list": "public", "scope": "everyone" },
            { "id": "hq-contract", "price_list": "contract", "scope": { "subtree": "hq" } }
        ]
    })
}

fn dataset(v: &Value) -> Dataset {
    serde_json::from_str(&v.to_string()).unwrap()
}

fn problems(v: &Value) -> Vec<BuildProblem> {
    match Snapshot::from_dataset(&dataset(v)) {
        Ok(_) => panic!("the dataset was accepted"),
        Err(e) => {
            // The whole error's message lists every problem.
            let text = e.to_string();
            for p in e.problems() {
                assert!(text.contains(&p.to_string()), "{text}");
            }
            e.problems().to_vec()
        }
    }
}

/// The one problem of a dataset with exactly one, and its message.
fn only_problem(v: &Value) -> (BuildProblem, String) {
    let p = problems(v);
    assert_eq!(p.len(), 1, "{p:#?}");
    let text = p[0].to_string();
    (p[0].clone(), text)
}

fn assert_builds(v: &Value) {
    if let Err(e) = Snapshot::from_dataset(&dataset(v)) {
        panic!("expected the dataset to build: {e}");
    }
}

fn push(v: &mut Value, key: &str, item: Value) {
    v[key].as_array_mut().unwrap().push(item);
}

fn assert_mentions(text: &str, ids: &[&str]) {
    for id in ids {
        assert!(text.contains(&format!("`{id}`")), "`{id}` missing: {text}");
    }
}

fn usd_list(id: &str, sku: &str, price: &str) -> Value {
    json!({ "id": id, "name": id, "owner": "o", "currency": "USD",
            "entries": [{ "sku": sku, "tiers": [{ "min_qty": 1, "unit_price": price }] }] })
}

fn relative(id: &str, base: &str, percent: &str) -> Value {
    json!({ "id": id, "name": id, "owner": "o", "currency": "USD",
            "relative": { "base": base, "adjustments": [{ "percent": percent }] } })
}

#[test]
fn the_base_dataset_builds() {
    assert_builds(&base());
}

// ---------------------------------------------------------------------------------------------
// ids

#[test]
fn empty_ids_are_rejected_with_their_position() {
    let cases: [(&str, Value, EntityKind, usize); 7] = [
        (
            "accounts",
            json!({ "id": "", "name": "x", "currency": "USD" }),
            EntityKind::Account,
            2,
        ),
        (
            "users",
            json!({ "id": "", "name": "x" }),
            EntityKind::User,
            1,
        ),
        (
            "roles",
            json!({ "name": "", "permissions": [] }),
            EntityKind::Role,
            0,
        ),
        (
            "segments",
            json!({ "id": "", "name": "x" }),
            EntityKind::Segment,
            1,
        ),
        (
            "catalog",
            json!({ "sku": "", "name": "x" }),
            EntityKind::Sku,
            2,
        ),
        (
            "price_lists",
            json!({ "id": "", "name": "x", "owner": "o", "currency": "USD" }),
            EntityKind::PriceList,
            2,
        ),
        (
            "assignments",
            json!({ "id": "", "price_list": "public", "scope": "everyone", "priority": 7 }),
            EntityKind::Assignment,
            2,
        ),
    ];
    for (key, item, kind, position) in cases {
        let mut v = base();
        push(&mut v, key, item);
        let (p, text) = only_problem(&v);
        assert_eq!(p, BuildProblem::EmptyId { kind, position }, "{key}");
        assert!(text.contains(&format!("#{position}")), "{text}");
        assert!(text.contains("empty id"), "{text}");
    }
}

#[test]
fn duplicate_ids_are_rejected_per_kind() {
    let cases: [(&str, Value, EntityKind, &str); 7] = [
        (
            "accounts",
            json!({ "id": "store", "name": "Again", "currency": "USD" }),
            EntityKind::Account,
            "store",
        ),
        (
            "users",
            json!({ "id": "ann", "name": "Ann again" }),
            EntityKind::User,
            "ann",
        ),
        (
            "segments",
            json!({ "id": "seg", "name": "Again", "accounts": ["hq"] }),
            EntityKind::Segment,
            "seg",
        ),
        (
            "catalog",
            json!({ "sku": "NUT", "name": "Nut again" }),
            EntityKind::Sku,
            "NUT",
        ),
        (
            "price_lists",
            usd_list("contract", "NUT", "0.40"),
            EntityKind::PriceList,
            "contract",
        ),
        (
            "assignments",
            json!({ "id": "all", "price_list": "contract", "scope": "everyone", "priority": 3 }),
            EntityKind::Assignment,
            "all",
        ),
        (
            "roles",
            json!({ "name": "viewer-plus", "permissions": ["view_catalog"] }),
            EntityKind::Role,
            "viewer-plus",
        ),
    ];
    for (key, item, kind, id) in cases {
        let mut v = base();
        if key == "roles" {
            // the first definition of the role
            push(&mut v, key, item.clone());
        }
        push(&mut v, key, item);
        let (p, text) = only_problem(&v);
        assert_eq!(
            p,
            BuildProblem::DuplicateId {
                kind,
                id: id.into()
            },
            "{key}"
        );
        assert_mentions(&text, &[id]);
    }
}

#[test]
fn a_sku_priced_twice_in_one_list_is_a_duplicate_entry() {
    let mut v = base();
    push(
        &mut v["price_lists"][0],
        "entries",
        json!({ "sku": "NUT", "tiers": [{ "min_qty": 1, "unit_price": "0.45" }] }),
    );
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::DuplicateId {
            kind: EntityKind::PriceEntry,
            id: "public/NUT".into()
        }
    );
    assert_mentions(&text, &["public/NUT"]);
}

// Malformed ids (issue 13, point 10): blank, too long, control, zero-width or bidirectional
// characters, not NFC. Each is refused naming its kind and path, and no message shows more than
// a short escaped prefix of it.

/// Every message of a refused dataset, joined.
fn all_messages(v: &Value) -> String {
    problems(v)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn malformed_ids_are_refused_naming_their_kind_and_path() {
    use tradeterms::IdFault;
    let long = "L".repeat(257);
    let cases: Vec<(&str, String, IdFault)> = vec![
        ("  ", "\"  \"".into(), IdFault::Blank),
        ("a\u{0}b", r#""a\0b""#.into(), IdFault::Control('\u{0}')),
        ("a\nb", r#""a\nb""#.into(), IdFault::Control('\n')),
        (
            "a\u{85}b",
            r#""a\u{85}b""#.into(),
            IdFault::Control('\u{85}'),
        ),
        (
            "hq\u{200b}",
            r#""hq\u{200b}""#.into(),
            IdFault::ZeroWidth('\u{200b}'),
        ),
        (
            "\u{feff}hq",
            r#""\u{feff}hq""#.into(),
            IdFault::ZeroWidth('\u{feff}'),
        ),
        (
            "hq\u{2060}",
            r#""hq\u{2060}""#.into(),
            IdFault::ZeroWidth('\u{2060}'),
        ),
        (
            "ab\u{202e}c",
            r#""ab\u{202e}c""#.into(),
            IdFault::Bidirectional('\u{202e}'),
        ),
        (
            "ab\u{2066}c",
            r#""ab\u{2066}c""#.into(),
            IdFault::Bidirectional('\u{2066}'),
        ),
        (
            "ab\u{200f}c",
            r#""ab\u{200f}c""#.into(),
            IdFault::Bidirectional('\u{200f}'),
        ),
        ("cafe\u{301}", r#""cafe\u{301}""#.into(), IdFault::NotNfc),
        (
            &long,
            format!("\"{}…\"", "L".repeat(32)),
            IdFault::TooLong { bytes: 257 },
        ),
    ];
    for (bad, shown, fault) in &cases {
        // An entity's own id, and a reference naming one, of several kinds.
        let places: Vec<(Value, &str, EntityKind)> = vec![
            (
                {
                    let mut v = base();
                    v["accounts"][1]["id"] = json!(bad);
                    v["segments"][0]["accounts"] = json!([]);
                    v
                },
                "accounts[1].id",
                EntityKind::Account,
            ),
            (
                {
                    let mut v = base();
                    v["accounts"][1]["parent"] = json!(bad);
                    v
                },
                "accounts[1].parent",
                EntityKind::Account,
            ),
            (
                {
                    let mut v = base();
                    v["users"][0]["memberships"][0]["roles"] = json!(["buyer", bad]);
                    v
                },
                "users[0].memberships[0].roles[1]",
                EntityKind::Role,
            ),
            (
                {
                    let mut v = base();
                    v["price_lists"][0]["entries"][1]["sku"] = json!(bad);
                    v
                },
                "price_lists[0].entries[1].sku",
                EntityKind::Sku,
            ),
            (
                {
                    let mut v = base();
                    v["catalog"][0]["categories"] = json!([bad]);
                    v
                },
                "catalog[0].categories[0]",
                EntityKind::Category,
            ),
            (
                {
                    let mut v = base();
                    v["assignments"][1]["scope"] = json!({ "segment": bad });
                    v
                },
                "assignments[1].scope.segment",
                EntityKind::Segment,
            ),
            (
                {
                    let mut v = base();
                    v["visibility_rules"] = json!([{ "id": bad, "owner": "o", "scope": "everyone",
                        "target": "all", "effect": "include" }]);
                    v
                },
                "visibility_rules[0].id",
                EntityKind::VisibilityRule,
            ),
        ];
        for (v, field, kind) in places {
            let (p, text) = only_problem(&v);
            assert_eq!(
                p,
                BuildProblem::InvalidId {
                    kind,
                    field: field.into(),
                    id: shown.clone(),
                    fault: *fault,
                },
                "{field} {bad:?}"
            );
            assert!(text.contains(&format!("`{field}`")), "{text}");
            assert!(text.starts_with(&kind.to_string()), "{text}");
        }
    }
}

#[test]
fn no_message_shows_more_than_a_short_prefix_of_a_refused_id() {
    // A long id with a bidirectional override, used as an id, a reference and a duplicate: every
    // message together shows at most 32 of its characters, escaped.
    let bad = format!("evil\u{202e}{}", "x".repeat(10_000));
    let mut v = base();
    push(
        &mut v,
        "accounts",
        json!({ "id": bad, "name": "E", "currency": "USD" }),
    );
    push(
        &mut v,
        "accounts",
        json!({ "id": bad, "name": "E", "currency": "USD" }),
    );
    v["accounts"][1]["parent"] = json!(bad);
    push(
        &mut v,
        "assignments",
        json!({ "id": "x", "price_list": bad, "scope": { "account": bad } }),
    );
    let text = all_messages(&v);
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(text.contains(r"evil\u{202e}"), "{text}");
    assert!(!text.contains(&"x".repeat(33)), "{text}");
    assert!(text.len() < 2_000, "{} bytes", text.len());
}

#[test]
fn an_id_at_the_length_limit_builds_and_unicode_in_nfc_is_an_id_like_any() {
    let mut v = base();
    let longest = "L".repeat(256);
    v["accounts"][1]["id"] = json!(longest);
    v["segments"][0]["accounts"] = json!([longest]);
    // Composed (NFC) letters, other scripts and an emoji are fine.
    v["catalog"][0]["sku"] = json!("CAFÉ-Ωμέγα-東京-🔩");
    v["price_lists"][0]["entries"][0]["sku"] = json!("CAFÉ-Ωμέγα-東京-🔩");
    v["price_lists"][1]["entries"][0]["sku"] = json!("CAFÉ-Ωμέγα-東京-🔩");
    assert_builds(&v);
}

#[test]
fn two_spellings_of_one_id_are_not_two_entities() {
    // `CAFÉ` composed and decomposed would compare unequal: the decomposed one is refused, not
    // silently made a second SKU.
    let mut v = base();
    push(
        &mut v,
        "catalog",
        json!({ "sku": "CAF\u{c9}", "name": "composed" }),
    );
    push(
        &mut v,
        "catalog",
        json!({ "sku": "CAFE\u{301}", "name": "decomposed" }),
    );
    let (p, _) = only_problem(&v);
    assert!(
        matches!(&p, BuildProblem::InvalidId { field, fault: tradeterms::IdFault::NotNfc, .. }
            if field == "catalog[3].sku"),
        "{p:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// dangling references

fn dangling(from_kind: EntityKind, from: &str, to_kind: EntityKind, to: &str) -> BuildProblem {
    BuildProblem::DanglingReference {
        from_kind,
        from: from.into(),
        to_kind,
        to: to.into(),
    }
}

#[test]
fn a_parent_that_does_not_exist_is_rejected() {
    let mut v = base();
    push(
        &mut v,
        "accounts",
        json!({ "id": "orphan", "name": "Orphan", "parent": "ghost", "currency": "USD" }),
    );
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        dangling(EntityKind::Account, "orphan", EntityKind::Account, "ghost")
    );
    assert_mentions(&text, &["orphan", "ghost"]);
}

#[test]
fn a_membership_at_a_missing_account_is_rejected() {
    let mut v = base();
    push(
        &mut v["users"][0],
        "memberships",
        json!({ "account": "ghost", "roles": ["viewer"] }),
    );
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        dangling(EntityKind::User, "ann", EntityKind::Account, "ghost")
    );
    assert_mentions(&text, &["ann", "ghost"]);
}

#[test]
fn a_segment_member_that_does_not_exist_is_rejected() {
    let mut v = base();
    push(&mut v["segments"][0], "accounts", json!("ghost"));
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        dangling(EntityKind::Segment, "seg", EntityKind::Account, "ghost")
    );
    assert_mentions(&text, &["seg", "ghost"]);
}

#[test]
fn an_entry_for_a_sku_not_in_the_catalogue_is_rejected() {
    let mut v = base();
    push(
        &mut v["price_lists"][1],
        "entries",
        json!({ "sku": "GHOST", "tiers": [{ "min_qty": 1, "unit_price": "1" }] }),
    );
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        dangling(EntityKind::PriceList, "contract", EntityKind::Sku, "GHOST")
    );
    assert_mentions(&text, &["contract", "GHOST"]);
}

#[test]
fn a_relative_list_on_a_missing_base_is_rejected() {
    let mut v = base();
    push(&mut v, "price_lists", relative("rel", "ghost-list", "-5"));
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        dangling(
            EntityKind::PriceList,
            "rel",
            EntityKind::PriceList,
            "ghost-list"
        )
    );
    assert_mentions(&text, &["rel", "ghost-list"]);
}

#[test]
fn an_assignment_to_a_missing_list_segment_or_account_is_rejected() {
    let cases = [
        (
            json!({ "id": "a1", "price_list": "ghost-list", "scope": "everyone", "priority": 1 }),
            EntityKind::PriceList,
            "ghost-list",
        ),
        (
            json!({ "id": "a1", "price_list": "public", "scope": { "segment": "ghost-seg" } }),
            EntityKind::Segment,
            "ghost-seg",
        ),
        (
            json!({ "id": "a1", "price_list": "public", "scope": { "account": "ghost-co" } }),
            EntityKind::Account,
            "ghost-co",
        ),
        (
            json!({ "id": "a1", "price_list": "public", "scope": { "subtree": "ghost-co" } }),
            EntityKind::Account,
            "ghost-co",
        ),
    ];
    for (item, to_kind, to) in cases {
        let mut v = base();
        push(&mut v, "assignments", item);
        let (p, text) = only_problem(&v);
        assert_eq!(p, dangling(EntityKind::Assignment, "a1", to_kind, to));
        assert_mentions(&text, &["a1", to]);
    }
}

// ---------------------------------------------------------------------------------------------
// the account tree

#[test]
fn a_two_account_parent_cycle_is_rejected_naming_both() {
    let mut v = base();
    push(
        &mut v,
        "accounts",
        json!({ "id": "b-co", "name": "B", "parent": "a-co", "currency": "USD" }),
    );
    push(
        &mut v,
        "accounts",
        json!({ "id": "a-co", "name": "A", "parent": "b-co", "currency": "USD" }),
    );
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::AccountCycle {
            accounts: vec!["a-co".into(), "b-co".into()]
        }
    );
    assert_mentions(&text, &["a-co", "b-co"]);
}

#[test]
fn a_longer_cycle_names_every_account_on_it_and_not_the_tail() {
    let mut v = base();
    for (id, parent) in [("c1", "c3"), ("c2", "c1"), ("c3", "c2"), ("tail", "c1")] {
        push(
            &mut v,
            "accounts",
            json!({ "id": id, "name": id, "parent": parent, "currency": "USD" }),
        );
    }
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::AccountCycle {
            accounts: vec!["c1".into(), "c2".into(), "c3".into()]
        }
    );
    assert_mentions(&text, &["c1", "c2", "c3"]);
    assert!(!text.contains("tail"), "{text}");
}

#[test]
fn an_account_that_is_its_own_parent_is_a_cycle() {
    let mut v = base();
    push(
        &mut v,
        "accounts",
        json!({ "id": "narcissus", "name": "N", "parent": "narcissus", "currency": "USD" }),
    );
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::AccountCycle {
            accounts: vec!["narcissus".into()]
        }
    );
    assert_mentions(&text, &["narcissus"]);
}

fn chain(len: usize) -> Value {
    let mut v = base();
    for i in 1..=len {
        let mut a = json!({ "id": format!("d{i:02}"), "name": "d", "currency": "USD" });
        if i > 1 {
            a["parent"] = json!(format!("d{:02}", i - 1));
        }
        push(&mut v, "accounts", a);
    }
    v
}

#[test]
fn a_tree_deeper_than_max_depth_is_rejected() {
    assert_eq!(MAX_DEPTH, 16);
    // 16 levels is the limit and fine
    assert_builds(&chain(MAX_DEPTH));
    // 17 levels: only the 17th account is too deep
    let (p, text) = only_problem(&chain(MAX_DEPTH + 1));
    assert_eq!(
        p,
        BuildProblem::TooDeep {
            account: "d17".into(),
            depth: 17,
            limit: 16
        }
    );
    assert_mentions(&text, &["d17"]);
    assert!(text.contains("17") && text.contains("16"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// currencies

#[test]
fn unknown_currencies_are_rejected_on_accounts_and_lists() {
    let mut v = base();
    push(
        &mut v,
        "accounts",
        json!({ "id": "euro-co", "name": "E", "currency": "EURO" }),
    );
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::UnknownCurrency {
            kind: EntityKind::Account,
            id: "euro-co".into(),
            code: "EURO".into()
        }
    );
    assert_mentions(&text, &["euro-co", "EURO"]);

    let mut v = base();
    let mut gold = usd_list("gold", "BOLT", "0.01");
    gold["currency"] = json!("XAU");
    push(&mut v, "price_lists", gold);
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::UnknownCurrency {
            kind: EntityKind::PriceList,
            id: "gold".into(),
            code: "XAU".into()
        }
    );
    assert_mentions(&text, &["gold", "XAU"]);
}

#[test]
fn a_relative_list_in_another_currency_than_its_base_is_rejected() {
    let mut v = base();
    let mut rel = relative("rel-eur", "public", "-5");
    rel["currency"] = json!("EUR");
    push(&mut v, "price_lists", rel);
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::MixedCurrency {
            list: "rel-eur".into(),
            currency: "EUR".into(),
            base: "public".into(),
            base_currency: "USD".into()
        }
    );
    assert_mentions(&text, &["rel-eur", "public"]);
}

// ---------------------------------------------------------------------------------------------
// relative lists

#[test]
fn relative_lists_deriving_from_each_other_are_a_cycle() {
    let mut v = base();
    push(&mut v, "price_lists", relative("rel-a", "rel-b", "-5"));
    push(&mut v, "price_lists", relative("rel-b", "rel-a", "-5"));
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::RelativeCycle {
            lists: vec!["rel-a".into(), "rel-b".into()]
        }
    );
    assert_mentions(&text, &["rel-a", "rel-b"]);
}

#[test]
fn a_relative_list_with_entries_is_rejected() {
    let mut v = base();
    let mut rel = relative("rel", "public", "-5");
    rel["entries"] = json!([{ "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "1" }] }]);
    push(&mut v, "price_lists", rel);
    let (p, text) = only_problem(&v);
    assert_eq!(p, BuildProblem::RelativeWithEntries { list: "rel".into() });
    assert_mentions(&text, &["rel"]);
}

#[test]
fn an_adjustment_below_minus_100_percent_is_rejected() {
    let mut v = base();
    push(
        &mut v,
        "price_lists",
        relative("giveaway", "public", "-100.01"),
    );
    let (p, text) = only_problem(&v);
    assert!(
        matches!(&p, BuildProblem::InvalidAdjustment { list, detail }
            if list.as_str() == "giveaway" && detail.contains("-100.01")),
        "{p:?}"
    );
    assert_mentions(&text, &["giveaway"]);
    // -100 % (free) is the limit and fine
    let mut v = base();
    push(&mut v, "price_lists", relative("free", "public", "-100"));
    assert_builds(&v);
}

#[test]
fn a_relative_list_without_adjustments_is_rejected() {
    let mut v = base();
    push(
        &mut v,
        "price_lists",
        json!({ "id": "bare", "name": "bare", "owner": "o", "currency": "USD",
                "relative": { "base": "public", "adjustments": [] } }),
    );
    let (p, text) = only_problem(&v);
    assert!(
        matches!(&p, BuildProblem::InvalidAdjustment { list, .. } if list.as_str() == "bare"),
        "{p:?}"
    );
    assert_mentions(&text, &["bare"]);
}

// ---------------------------------------------------------------------------------------------
// tiers and prices

fn with_tiers(tiers: Value) -> Value {
    let mut v = base();
    push(
        &mut v,
        "price_lists",
        json!({ "id": "bad", "name": "bad", "owner": "o", "currency": "USD",
                "entries": [{ "sku": "NUT", "tiers": tiers }] }),
    );
    v
}

#[test]
fn an_entry_without_tiers_is_rejected() {
    let (p, text) = only_problem(&with_tiers(json!([])));
    assert_eq!(
        p,
        BuildProblem::EmptyTiers {
            list: "bad".into(),
            sku: "NUT".into()
        }
    );
    assert_mentions(&text, &["bad", "NUT"]);
}

#[test]
fn a_tier_at_min_qty_zero_is_rejected() {
    let (p, text) = only_problem(&with_tiers(json!([
        { "min_qty": 0, "unit_price": "1.00" }, { "min_qty": 10, "unit_price": "0.90" }
    ])));
    assert_eq!(
        p,
        BuildProblem::ZeroQuantity {
            list: "bad".into(),
            sku: "NUT".into()
        }
    );
    assert_mentions(&text, &["bad", "NUT"]);
}

#[test]
fn tiers_must_strictly_increase() {
    // equal
    let (p, text) = only_problem(&with_tiers(json!([
        { "min_qty": 1, "unit_price": "1.00" }, { "min_qty": 1, "unit_price": "0.90" }
    ])));
    assert_eq!(
        p,
        BuildProblem::TiersNotIncreasing {
            list: "bad".into(),
            sku: "NUT".into(),
            previous: 1u64.into(),
            next: 1u64.into()
        }
    );
    assert_mentions(&text, &["bad", "NUT"]);
    // decreasing
    let (p, text) = only_problem(&with_tiers(json!([
        { "min_qty": 1, "unit_price": "1.00" },
        { "min_qty": 10, "unit_price": "0.90" },
        { "min_qty": 5, "unit_price": "0.95" }
    ])));
    assert_eq!(
        p,
        BuildProblem::TiersNotIncreasing {
            list: "bad".into(),
            sku: "NUT".into(),
            previous: 10u64.into(),
            next: 5u64.into()
        }
    );
    assert_mentions(&text, &["bad", "NUT"]);
    assert!(text.contains("10 then 5"), "{text}");
}

#[test]
fn a_negative_price_is_rejected_but_zero_is_fine() {
    let (p, text) = only_problem(&with_tiers(json!([
        { "min_qty": 1, "unit_price": "1.00" }, { "min_qty": 10, "unit_price": "-0.01" }
    ])));
    assert_eq!(
        p,
        BuildProblem::NegativePrice {
            list: "bad".into(),
            sku: "NUT".into(),
            min_qty: 10u64.into(),
            price: "-0.01".into()
        }
    );
    assert_mentions(&text, &["bad", "NUT"]);
    assert!(text.contains("-0.01"), "{text}");
    assert_builds(&with_tiers(json!([{ "min_qty": 1, "unit_price": "0" }])));
}

// ---------------------------------------------------------------------------------------------
// windows

const EARLY: &str = "2026-01-01T00:00:00Z";
const LATE: &str = "2026-07-01T00:00:00Z";

fn assert_reversed(v: &Value, kind: EntityKind, id: &str, from: &str, until: &str) {
    let (p, text) = only_problem(v);
    match &p {
        BuildProblem::ReversedWindow {
            kind: k,
            id: i,
            window,
        } => {
            assert_eq!(*k, kind);
            assert_eq!(i, id);
            assert!(window.contains(from) && window.contains(until), "{window}");
        }
        other => panic!("expected a reversed window, got {other:?}"),
    }
    assert_mentions(&text, &[id]);
}

#[test]
fn reversed_windows_are_rejected_on_lists_assignments_and_entries() {
    for (from, until) in [(LATE, EARLY), (EARLY, EARLY)] {
        let w = json!({ "from": from, "until": until });
        // list
        let mut v = base();
        v["price_lists"][1]["valid"] = w.clone();
        assert_reversed(&v, EntityKind::PriceList, "contract", from, until);
        // assignment
        let mut v = base();
        v["assignments"][1]["valid"] = w.clone();
        assert_reversed(&v, EntityKind::Assignment, "hq-contract", from, until);
        // entry
        let mut v = base();
        v["price_lists"][0]["entries"][1]["valid"] = w.clone();
        assert_reversed(&v, EntityKind::PriceEntry, "public/NUT", from, until);
    }
    // a one-second window is fine
    let mut v = base();
    v["price_lists"][1]["valid"] = json!({ "from": EARLY, "until": "2026-01-01T00:00:01Z" });
    assert_builds(&v);
}

// ---------------------------------------------------------------------------------------------
// roles

#[test]
fn a_membership_with_an_unknown_role_is_rejected() {
    let mut v = base();
    v["users"][0]["memberships"][0]["roles"] = json!(["buyer", "superuser"]);
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::UnknownRole {
            user: "ann".into(),
            account: "hq".into(),
            role: "superuser".into()
        }
    );
    assert_mentions(&text, &["ann", "hq", "superuser"]);
}

// ---------------------------------------------------------------------------------------------
// ambiguous assignments

/// Two own-account assignments on `store` with the given priorities, on lists pricing the
/// given SKUs.
fn two_own(p1: i32, p2: i32, sku1: &str, sku2: &str) -> Value {
    let mut v = base();
    push(&mut v, "price_lists", usd_list("list-1", sku1, "0.80"));
    push(&mut v, "price_lists", usd_list("list-2", sku2, "0.70"));
    push(
        &mut v,
        "assignments",
        json!({ "id": "own-1", "price_list": "list-1", "scope": { "account": "store" }, "priority": p1 }),
    );
    push(
        &mut v,
        "assignments",
        json!({ "id": "own-2", "price_list": "list-2", "scope": { "account": "store" }, "priority": p2 }),
    );
    v
}

#[test]
fn two_own_assignments_at_the_same_priority_pricing_one_sku_are_ambiguous() {
    let (p, text) = only_problem(&two_own(0, 0, "BOLT", "BOLT"));
    assert_eq!(
        p,
        BuildProblem::AmbiguousAssignments {
            assignments: vec!["own-1".into(), "own-2".into()],
            more: 0,
            scope: "account `store`".into(),
            priority: 0,
            sku: "BOLT".into()
        }
    );
    assert_mentions(&text, &["own-1", "own-2", "store", "BOLT"]);
}

#[test]
fn different_priorities_resolve_the_tie() {
    assert_builds(&two_own(1, 0, "BOLT", "BOLT"));
}

#[test]
fn a_lowest_price_account_has_no_tie_to_break() {
    let mut v = two_own(0, 0, "BOLT", "BOLT");
    v["accounts"][1]["price_policy"] = json!("lowest_price");
    assert_builds(&v);
    // inherited from the parent too
    let mut v = two_own(0, 0, "BOLT", "BOLT");
    v["accounts"][0]["price_policy"] = json!("lowest_price");
    assert_builds(&v);
}

#[test]
fn lists_pricing_disjoint_skus_do_not_tie() {
    assert_builds(&two_own(0, 0, "BOLT", "NUT"));
}

#[test]
fn lists_in_different_currencies_or_disjoint_windows_do_not_tie() {
    let mut v = two_own(0, 0, "BOLT", "BOLT");
    v["price_lists"][3]["currency"] = json!("EUR");
    assert_builds(&v);
    let mut v = two_own(0, 0, "BOLT", "BOLT");
    v["assignments"][2]["valid"] = json!({ "until": LATE });
    v["assignments"][3]["valid"] = json!({ "from": LATE });
    assert_builds(&v);
    let mut v = two_own(0, 0, "BOLT", "BOLT");
    v["price_lists"][2]["valid"] = json!({ "until": LATE });
    v["price_lists"][3]["valid"] = json!({ "from": LATE });
    assert_builds(&v);
}

#[test]
fn two_segments_sharing_a_member_at_the_same_priority_are_ambiguous() {
    let mut v = base();
    push(
        &mut v,
        "segments",
        json!({ "id": "seg-2", "name": "Segment 2", "accounts": ["store", "hq"] }),
    );
    push(&mut v, "price_lists", usd_list("seg-list", "NUT", "0.30"));
    push(&mut v, "price_lists", usd_list("seg-2-list", "NUT", "0.35"));
    push(
        &mut v,
        "assignments",
        json!({ "id": "seg-a", "price_list": "seg-list", "scope": { "segment": "seg" } }),
    );
    push(
        &mut v,
        "assignments",
        json!({ "id": "seg-b", "price_list": "seg-2-list", "scope": { "segment": "seg-2" } }),
    );
    let (p, text) = only_problem(&v);
    assert!(
        matches!(&p, BuildProblem::AmbiguousAssignments { assignments, more: 0, priority: 0, sku, .. }
            if assignments == &["seg-a", "seg-b"] && sku.as_str() == "NUT"),
        "{p:?}"
    );
    assert_mentions(&text, &["seg-a", "seg-b", "NUT"]);
    // with disjoint members there is no tie
    v["segments"][1]["accounts"] = json!(["hq"]);
    assert_builds(&v);
}

#[test]
fn a_tie_group_is_reported_once_naming_its_first_members_and_counting_the_rest() {
    // Seven equal-priority lists for everyone, all pricing BOLT: one group, not 21 pairs.
    let mut v = base();
    for i in 0..7 {
        push(
            &mut v,
            "price_lists",
            usd_list(&format!("tie-{i}"), "BOLT", "0.70"),
        );
        push(
            &mut v,
            "assignments",
            json!({ "id": format!("tie-{i}"), "price_list": format!("tie-{i}"), "scope": "everyone", "priority": 5 }),
        );
    }
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::AmbiguousAssignments {
            assignments: (0..5).map(|i| format!("tie-{i}")).collect(),
            more: 2,
            scope: "everyone".into(),
            priority: 5,
            sku: "BOLT".into()
        }
    );
    assert_mentions(&text, &["tie-0", "tie-4", "BOLT"]);
    assert!(text.contains("and 2 more (7 in all)"), "{text}");
    assert!(!text.contains("tie-5"), "{text}");
}

#[test]
fn ties_through_different_skus_join_one_group_and_other_levels_stay_apart() {
    // own-a and own-b tie on BOLT, own-b and own-c on NUT: one group of three, named with the
    // first SKU on which two of them tie. Two equal-priority segment lists are a second group.
    let mut v = base();
    push(&mut v, "price_lists", usd_list("l-a", "BOLT", "0.80"));
    let mut both = usd_list("l-b", "BOLT", "0.70");
    both["entries"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "sku": "NUT", "tiers": [{ "min_qty": 1, "unit_price": "0.40" }] }));
    push(&mut v, "price_lists", both);
    push(&mut v, "price_lists", usd_list("l-c", "NUT", "0.30"));
    for (id, list) in [("own-a", "l-a"), ("own-b", "l-b"), ("own-c", "l-c")] {
        push(
            &mut v,
            "assignments",
            json!({ "id": id, "price_list": list, "scope": { "account": "store" } }),
        );
    }
    for id in ["seg-x", "seg-y"] {
        push(
            &mut v,
            "assignments",
            json!({ "id": id, "price_list": "l-c", "scope": { "segment": "seg" } }),
        );
    }
    let p = problems(&v);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(
        matches!(&p[0], BuildProblem::AmbiguousAssignments { assignments, more: 0, sku, scope, .. }
            if assignments == &["own-a", "own-b", "own-c"] && sku.as_str() == "BOLT"
                && scope == "account `store`"),
        "{p:#?}"
    );
    assert!(
        matches!(&p[1], BuildProblem::AmbiguousAssignments { assignments, more: 0, sku, .. }
            if assignments == &["seg-x", "seg-y"] && sku.as_str() == "NUT"),
        "{p:#?}"
    );
}

#[test]
fn a_build_error_keeps_the_first_hundred_problems_and_counts_the_rest() {
    // 250 lists naming a SKU that does not exist: 250 problems, in list-id order.
    let mut v = base();
    for i in 0..250 {
        push(
            &mut v,
            "price_lists",
            usd_list(&format!("ghost-{i:03}"), "GHOST", "1"),
        );
    }
    let err = Snapshot::from_dataset(&dataset(&v)).unwrap_err();
    assert_eq!(err.problems().len(), BuildError::MAX_PROBLEMS);
    assert_eq!(err.omitted(), 150);
    assert_eq!(err.total(), 250);
    assert!(
        matches!(&err.problems()[0], BuildProblem::DanglingReference { from, .. } if from == "ghost-000")
    );
    assert!(
        matches!(&err.problems()[99], BuildProblem::DanglingReference { from, .. } if from == "ghost-099")
    );
    let text = err.to_string();
    assert!(
        text.starts_with("the dataset has 250 problem(s); "),
        "{text}"
    );
    assert!(
        text.ends_with("; and 150 more not listed: fix these and build again"),
        "{text}"
    );
    assert!(!text.contains("ghost-100"), "{text}");
    // The same dataset gives the same error.
    assert_eq!(Snapshot::from_dataset(&dataset(&v)).unwrap_err(), err);
}

#[test]
fn a_tie_message_quotes_a_long_id_only_in_part() {
    let long = "x".repeat(200);
    let mut v = base();
    push(&mut v, "price_lists", usd_list("l-1", "BOLT", "0.80"));
    push(&mut v, "price_lists", usd_list("l-2", "BOLT", "0.70"));
    for (id, list) in [(long.as_str(), "l-1"), ("y", "l-2")] {
        push(
            &mut v,
            "assignments",
            json!({ "id": id, "price_list": list, "scope": "everyone" }),
        );
    }
    let (p, text) = only_problem(&v);
    assert!(
        matches!(p, BuildProblem::AmbiguousAssignments { .. }),
        "{p:?}"
    );
    assert!(text.len() < 400, "{} bytes", text.len());
    assert!(text.contains(&format!("`{}...`", "x".repeat(64))), "{text}");
}

// ---------------------------------------------------------------------------------------------
// all together; serde

#[test]
fn every_problem_of_a_dataset_is_reported_together() {
    let mut v = base();
    // 1: dangling parent
    push(
        &mut v,
        "accounts",
        json!({ "id": "orphan", "name": "O", "parent": "ghost", "currency": "USD" }),
    );
    // 2: unknown currency
    push(
        &mut v,
        "accounts",
        json!({ "id": "euro-co", "name": "E", "currency": "EURO" }),
    );
    // 3: duplicate SKU
    push(
        &mut v,
        "catalog",
        json!({ "sku": "BOLT", "name": "Bolt again" }),
    );
    // 4: negative price
    v["price_lists"][1]["entries"][0]["tiers"][0]["unit_price"] = json!("-1");
    // 5: unknown role
    v["users"][0]["memberships"][0]["roles"] = json!(["overlord"]);
    // 6: reversed assignment window
    v["assignments"][0]["valid"] = json!({ "from": LATE, "until": EARLY });
    let all = problems(&v);
    assert_eq!(all.len(), 6, "{all:#?}");
    let has = |f: &dyn Fn(&BuildProblem) -> bool| all.iter().any(f);
    assert!(has(
        &|p| matches!(p, BuildProblem::DanglingReference { from, .. } if from == "orphan")
    ));
    assert!(has(
        &|p| matches!(p, BuildProblem::UnknownCurrency { id, .. } if id == "euro-co")
    ));
    assert!(has(
        &|p| matches!(p, BuildProblem::DuplicateId { kind: EntityKind::Sku, id } if id == "BOLT")
    ));
    assert!(has(
        &|p| matches!(p, BuildProblem::NegativePrice { list, .. } if list.as_str() == "contract")
    ));
    assert!(has(
        &|p| matches!(p, BuildProblem::UnknownRole { role, .. } if role == "overlord")
    ));
    assert!(has(
        &|p| matches!(p, BuildProblem::ReversedWindow { id, .. } if id == "all")
    ));
    let text = Snapshot::from_dataset(&dataset(&v))
        .unwrap_err()
        .to_string();
    assert!(text.starts_with("the dataset has 6 problem(s)"), "{text}");
}

#[test]
fn unknown_json_fields_are_rejected_naming_the_field() {
    let mut v = base();
    v["accounts"][0]["colour"] = json!("red");
    let e = serde_json::from_str::<Dataset>(&v.to_string()).unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");

    let mut v = base();
    v["pricelists"] = json!([]);
    let e = serde_json::from_str::<Dataset>(&v.to_string()).unwrap_err();
    assert!(e.to_string().contains("pricelists"), "{e}");

    let mut v = base();
    v["price_lists"][0]["entries"][0]["tiers"][0]["unit_cost"] = json!("1.00");
    let e = serde_json::from_str::<Dataset>(&v.to_string()).unwrap_err();
    assert!(e.to_string().contains("unit_cost"), "{e}");

    let mut v = base();
    v["assignments"][0]["priorty"] = json!(3);
    let e = serde_json::from_str::<Dataset>(&v.to_string()).unwrap_err();
    assert!(e.to_string().contains("priorty"), "{e}");
}

#[test]
fn an_entry_with_more_tiers_than_stored_is_refused() {
    let mut v = base();
    let tiers: Vec<Value> = (1..=1_025)
        .map(|q| json!({ "min_qty": q, "unit_price": "1.00" }))
        .collect();
    v["price_lists"][0]["entries"][0]["tiers"] = Value::Array(tiers);
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::TooManyTiers {
            list: "public".into(),
            sku: "BOLT".into(),
            count: 1_025,
            max: 1_024,
        }
    );
    assert_mentions(&text, &["public", "BOLT"]);
    // At the limit it builds.
    let tiers: Vec<Value> = (1..=1_024)
        .map(|q| json!({ "min_qty": q, "unit_price": "1.00" }))
        .collect();
    v["price_lists"][0]["entries"][0]["tiers"] = Value::Array(tiers);
    assert_builds(&v);
}

#[test]
fn a_relative_chain_deeper_than_the_limit_is_refused() {
    let mut v = base();
    // rel-1 derives from public, rel-n from rel-(n-1): 17 relative lists deep.
    for n in 1..=17 {
        let base_id = if n == 1 {
            "public".to_string()
        } else {
            format!("rel-{}", n - 1)
        };
        push(
            &mut v,
            "price_lists",
            relative(&format!("rel-{n}"), &base_id, "-1"),
        );
    }
    let p = problems(&v);
    // A depth error, not an adjustment error (issue 13, point 12).
    assert_eq!(
        p,
        [BuildProblem::RelativeTooDeep {
            list: "rel-17".into(),
            limit: 16
        }]
    );
    // 16 deep builds.
    v["price_lists"].as_array_mut().unwrap().pop();
    assert_builds(&v);
}

#[test]
fn quote_above_zero_is_refused() {
    let mut v = base();
    v["price_lists"][0]["entries"][0]["quote_above"] = json!(0);
    let (p, text) = only_problem(&v);
    assert!(
        matches!(&p, BuildProblem::InvalidQuantityRule { kind: EntityKind::PriceEntry, id, detail }
            if id == "public/BOLT" && detail.contains("quote_above")),
        "{p:?}"
    );
    assert!(text.contains("public/BOLT"), "{text}");
}

#[test]
fn an_approval_policy_without_steps_is_refused() {
    let mut v = base();
    v["approval_policies"] = json!([{ "id": "big-orders", "owner": "finance", "scope": "everyone",
        "when": { "total_above": "1000.00" }, "steps": [] }]);
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::NoApprovalSteps {
            policy: "big-orders".into()
        }
    );
    assert_mentions(&text, &["big-orders"]);
}

/// Issue 13, point 10: a negative spending limit was accepted (and then every order was over it).
#[test]
fn a_negative_spending_limit_is_refused() {
    let mut v = base();
    v["users"][0]["memberships"][0]["spending_limit"] = json!("-5.00");
    let (p, text) = only_problem(&v);
    assert_eq!(
        p,
        BuildProblem::NegativeSpendingLimit {
            user: "ann".into(),
            account: "hq".into(),
            limit: "-5.00".into(),
        }
    );
    assert_mentions(&text, &["ann", "hq"]);
    v["users"][0]["memberships"][0]["spending_limit"] = json!("0");
    assert_builds(&v);
}

/// Lists are built on several threads once a dataset holds 100,000 entries or more (issue 15):
/// the problems still come in list order, each list's in its own order, as on one thread.
#[test]
fn a_large_dataset_reports_its_problems_in_list_order() {
    let skus: Vec<Value> = (0..4_000)
        .map(|i| json!({ "sku": format!("S{i:05}"), "name": "S" }))
        .collect();
    // 40 lists of 4,000 entries: 160,000 entries, over the one-thread limit.
    let bad = [3usize, 17, 38];
    let lists: Vec<Value> = (0..40usize)
        .map(|l| {
            let mut entries: Vec<Value> = (0..4_000)
                .map(|i| {
                    json!({ "sku": format!("S{i:05}"),
                            "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] })
                })
                .collect();
            if bad.contains(&l) {
                // Two problems in one list: an unknown SKU, then a tier that does not increase.
                entries.push(json!({ "sku": format!("NOPE-{l}"),
                                     "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }));
                entries[10] = json!({ "sku": "S00010", "tiers": [
                    { "min_qty": 5, "unit_price": "1.00" }, { "min_qty": 5, "unit_price": "0.90" }] });
            }
            json!({ "id": format!("L{l:02}"), "name": "L", "owner": "o", "currency": "USD",
                    "entries": entries })
        })
        .collect();
    let v = json!({ "accounts": [{ "id": "a", "name": "A", "currency": "USD" }],
                    "catalog": skus, "price_lists": lists });
    let found = problems(&v);
    let lists_named: Vec<String> = found
        .iter()
        .map(|p| {
            let text = p.to_string();
            let at = text.find("`L").expect("each problem names its list");
            text[at + 1..at + 4].to_string()
        })
        .collect();
    assert_eq!(
        lists_named,
        ["L03", "L03", "L17", "L17", "L38", "L38"],
        "{found:#?}"
    );
    // The same data twice: the same problems, in the same order.
    assert_eq!(problems(&v), found);
}

#[test]
fn an_entry_id_is_refused_first_wherever_its_list_stands() {
    // The build checks entries' ids where it reads their lists. A list it does not build (a
    // second list with one id, a relative list that also has entries), an entry's unit, and
    // a build that also finds other problems all report the refused id alone, as when every
    // id was checked first.
    let bad = "BO\u{200b}LT";
    let bad_entry = json!({ "sku": bad, "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] });
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                // Two lists with the id `contract`: the second is dropped as a duplicate.
                let mut v = base();
                push(
                    &mut v,
                    "price_lists",
                    json!({ "id": "contract", "name": "Again", "owner": "sales",
                            "currency": "USD", "entries": [bad_entry.clone()] }),
                );
                v
            },
            "price_lists[2].entries[0].sku",
        ),
        (
            {
                let mut v = base();
                push(
                    &mut v,
                    "price_lists",
                    json!({ "id": "rel", "name": "Relative", "owner": "sales", "currency": "USD",
                            "relative": { "base": "public", "adjustments": [{ "percent": "-5" }] },
                            "entries": [bad_entry.clone()] }),
                );
                v
            },
            "price_lists[2].entries[0].sku",
        ),
        (
            {
                let mut v = base();
                v["price_lists"][1]["entries"][0]["unit"] = json!(bad);
                v
            },
            "price_lists[1].entries[0].unit",
        ),
        (
            {
                // Other problems too: an assignment naming no list, an entry naming no SKU.
                let mut v = base();
                v["price_lists"][0]["entries"][1]["sku"] = json!(bad);
                v["price_lists"][1]["entries"][0]["sku"] = json!("NO-SUCH-SKU");
                v["assignments"][0]["price_list"] = json!("no-such-list");
                v
            },
            "price_lists[0].entries[1].sku",
        ),
    ];
    for (v, field) in cases {
        let (p, text) = only_problem(&v);
        assert!(
            matches!(&p, BuildProblem::InvalidId { field: f, fault: tradeterms::IdFault::ZeroWidth(_), .. } if f == field),
            "{field}: {p:?}"
        );
        assert!(text.contains(&format!("`{field}`")), "{text}");
    }
}
